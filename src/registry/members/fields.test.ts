import { describe, expect, it } from 'vitest';
import { NumberingError } from '#numbering';
import { readCarrierTarget, readDomain, readEmail, readHomePage, readPhone, readVnsBase } from './fields.ts';

const refuses = (read: () => unknown, message?: RegExp) => {
  expect(read).toThrow(NumberingError);
  if (message) expect(read).toThrow(message);
};

describe('member fields', () => {
  it.each([
    ['Alice@Example.COM', 'alice@example.com'],
    ['mailto:bob@example.com', 'bob@example.com'],
    ['kim@한국.example', 'kim@xn--3e0b707e.example'],
  ])('email %s -> %s', (input, out) => expect(readEmail(input)).toBe(out));

  it.each([
    ['sip:alice@example.com'],
    ['example.com'],
    ['alice@'],
    ['a b@example.com'],
    ['+82262006200'],
    [`${'x'.repeat(65)}@example.com`],
  ])('refuses the email %j', (input) => refuses(() => readEmail(input)));

  it.each([
    ['ACME.example.', 'acme.example'],
    ['한국.example', 'xn--3e0b707e.example'],
  ])('domain %s -> %s', (input, out) => expect(readDomain(input)).toBe(out));

  it.each([
    ['alice@example.com'],
    ['sip:acme.example'],
    ['localhost'],
    ['10.0.0.1'],
    ['-bad.example'],
    [`${'a'.repeat(64)}.example`],
  ])('refuses the domain %j', (input) => refuses(() => readDomain(input)));

  it('reads phone numbers in any form, national ones in the member country', () => {
    expect(readPhone('+82 2 6200 6200')).toBe('+82262006200');
    expect(readPhone('02-6200-6200', 'KR')).toBe('+82262006200');
    expect(readPhone('02-6200-6200-082')).toBe('+82262006200');
    expect(readPhone('tel:+1-212-555-0100')).toBe('+12125550100');
    refuses(() => readPhone('02-6200-6200'), /country/);
    refuses(() => readPhone('alice@example.com'), /telephone number/);
    refuses(() => readPhone('6200-6200#082'), /telephone number/);
  });

  it('keeps SIP URIs at other carriers as written and numbers as E.164', () => {
    expect(readCarrierTarget('SIP:+821012345678@carrier.example;user=phone')).toBe(
      'sip:+821012345678@carrier.example;user=phone',
    );
    expect(readCarrierTarget('sips:alice@voip.example:5061')).toBe('sips:alice@voip.example:5061');
    expect(readCarrierTarget('+44 20 7946 0958')).toBe('+442079460958');
    refuses(() => readCarrierTarget('sip:a!b@carrier.example'), /'!'/);
    refuses(() => readCarrierTarget('sip:a b@carrier.example'));
    refuses(() => readCarrierTarget('sip:@carrier.example'));
    refuses(() => readCarrierTarget(`sip:${'a'.repeat(260)}@x.example`), /at most 256/);
    refuses(() => readCarrierTarget('http://carrier.example'));
  });

  it('accepts http and https home pages with a domain name', () => {
    expect(readHomePage('https://Acme.example/about')).toBe('https://acme.example/about');
    expect(readHomePage('http://한국.example/')).toBe('http://xn--3e0b707e.example/');
    expect(readHomePage('https://acme.example/wow!')).toBe('https://acme.example/wow%21');
  });

  it.each([
    ['a javascript: URL', 'javascript:alert(1)', /http or https/],
    ['an ftp: URL', 'ftp://acme.example', /http or https/],
    ['a URL with credentials', 'https://user:pw@acme.example', /no user or password/],
    ['an IP address', 'https://10.0.0.1/', /IP address|number|domain/],
    ['a single label', 'https://localhost/', /two labels/],
    ['text', 'not a url', /http/],
    ['a 2 kB URL', `https://acme.example/${'a'.repeat(2050)}`, /at most 2048/],
  ])('refuses %s as home page', (_what, input, message) => refuses(() => readHomePage(input), message));

  it('reads VNS bases as digits, keys or full VNS', () => {
    expect(readVnsBase('6200-6200')).toBe('62006200');
    expect(readVnsBase('vns:62006200')).toBe('62006200');
    expect(readVnsBase('6200-6200#082')).toBe('62006200');
    refuses(() => readVnsBase('123'));
    refuses(() => readVnsBase('+82262006200'), /VNS/);
  });
});
