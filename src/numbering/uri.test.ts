import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { parseMailto, parseSipUri, parseTelUri, percentDecode, uriScheme } from './uri.ts';

describe('uriScheme', () => {
  it.each([
    ['sip:alice@example.com', 'sip'],
    ['SIPS:alice@example.com', 'sips'],
    ['tel:+82', 'tel'],
    ['http://x', 'http'],
    ['acme.example:5060', 'acme.example'],
    ['alice@example.com', null],
    ['+82:1', null],
    ['02-6200', null],
  ])('%j -> %j', (text, scheme) => {
    expect(uriScheme(text)).toBe(scheme);
  });
});

describe('percentDecode', () => {
  it.each([
    ['62006200%2382', '62006200#82'],
    ['62006200%2382', '62006200#82'],
    ['alice%40x', 'alice@x'],
    ['%ED%95%9C', '한'],
    ['no-escapes', 'no-escapes'],
  ])('%j -> %j', (text, out) => {
    expect(percentDecode(text, text)).toBe(out);
  });

  it.each([
    ['%', 'bad-uri'],
    ['%2', 'bad-uri'],
    ['%zz', 'bad-uri'],
    ['%C3%28', 'bad-uri'], // invalid UTF-8
    ['a%00b', 'bad-characters'], // an escaped NUL is still a NUL
    ['%E2%80%8F+82', 'bad-characters'], // an escaped RTL mark
  ])('%j -> %s', (text, code) => {
    expect(errorOf(() => percentDecode(text, text))?.code).toBe(code);
  });
});

describe('parseSipUri', () => {
  it.each([
    ['alice@example.com', 'alice', 'example.com'],
    ['alice:secret@example.com:5061;transport=tls', 'alice', 'example.com'],
    ['62006200%2382@callx.test', '62006200#82', 'callx.test'],
    ['+82-2-6200-6200;npdi;rn=+8221@gw.example;user=phone', '+82-2-6200-6200', 'gw.example'],
    ['acme.example', null, 'acme.example'],
    ['acme.example:5060;transport=tcp?subject=x@y', null, 'acme.example'],
    ['alice@[2001:db8::1]:5060', 'alice', '[2001:db8::1]'],
    ['bob@example.com?Call-ID=1%40x', 'bob', 'example.com'],
  ])('%j -> user %j host %j', (rest, user, host) => {
    expect(parseSipUri(rest, rest)).toMatchObject({ user, host });
  });

  it('reads URI and user-part parameters', () => {
    const uri = parseSipUri('6200-6200;phone-context=+82-2@gw.example;user=phone;lr', '');
    expect(uri.params.get('user')).toBe('phone');
    expect(uri.params.get('lr')).toBe('');
    expect(uri.userParams.get('phone-context')).toBe('+82-2');
  });

  it.each([
    ['alice@', 'bad-uri', /no host/],
    ['', 'bad-uri', /no host/],
    [';transport=udp', 'bad-uri', /no host/],
    ['@example.com', 'bad-uri', /empty user part/],
    ['alice@[2001:db8::1', 'bad-uri', /unclosed \[/],
    ['al%zzice@example.com', 'bad-uri', /percent-escape/],
  ])('%j -> %s', (rest, code, message) => {
    const err = errorOf(() => parseSipUri(rest, rest));
    expect(err?.code).toBe(code);
    expect(err?.message).toMatch(message);
  });
});

describe('parseTelUri', () => {
  it.each([
    ['+82-2-6200-6200', '+82-2-6200-6200', null],
    ['+82-2-6200-6200;phone-context=example.com', '+82-2-6200-6200', 'example.com'],
    ['6200-6200;phone-context=+82-2', '6200-6200', '+82-2'],
    ['+1-201-555-0123;ext=1234;isub=1', '+1-201-555-0123', null],
    ['6200-6200%23082', '6200-6200#082', null],
  ])('%j -> %j, context %j', (rest, number, phoneContext) => {
    expect(parseTelUri(rest, rest)).toEqual({ number, phoneContext });
  });

  it.each(['', ';phone-context=+82'])('%j has no number', (rest) => {
    expect(errorOf(() => parseTelUri(rest, rest))?.code).toBe('bad-uri');
  });
});

describe('parseMailto', () => {
  it.each([
    ['alice@example.com', 'alice@example.com'],
    ['alice@example.com?subject=hello', 'alice@example.com'],
    ['alice%40example.com', 'alice@example.com'],
  ])('%j -> %j', (rest, address) => {
    expect(parseMailto(rest, rest)).toBe(address);
  });

  it.each([
    ['', 'bad-uri'],
    ['?subject=x', 'bad-uri'],
    ['a@x.example,b@y.example', 'bad-email'],
  ])('%j -> %s', (rest, code) => {
    expect(errorOf(() => parseMailto(rest, rest))?.code).toBe(code);
  });
});
