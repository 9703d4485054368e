import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { parseEmail } from './email.ts';

describe('parseEmail', () => {
  it.each([
    ['alice@example.com', 'alice@example.com', 'alice', 'example.com', 'alice@example.com'],
    ['Alice@Example.COM', 'alice@example.com', 'alice', 'example.com', 'alice@example.com'],
    [
      'alice.smith+sip@example.com',
      'alice.smith+sip@example.com',
      'alice.smith+sip',
      'example.com',
      'alice.smith+sip@example.com',
    ],
    ["o'brien@example.ie", "o'brien@example.ie", "o'brien", 'example.ie', "o'brien@example.ie"],
    ['12345@example.com', '12345@example.com', '12345', 'example.com', '12345@example.com'],
    [
      'alice@한국.example',
      'alice@xn--3e0b707e.example',
      'alice',
      'xn--3e0b707e.example',
      'alice@한국.example',
    ],
    ['alice@example.com.', 'alice@example.com', 'alice', 'example.com', 'alice@example.com'],
  ])('%j -> %j', (text, address, local, domain, display) => {
    expect(parseEmail(text, text)).toEqual({
      kind: 'email',
      canonical: address,
      display,
      address,
      local,
      domain,
    });
  });

  it.each([
    ['@example.com', /nothing before '@'/],
    ['alice@', /empty/],
    ['alice@@example.com', /more than one '@'/],
    ['a@b@example.com', /more than one '@'/],
    ['.alice@example.com', /not a plain address/],
    ['alice.@example.com', /not a plain address/],
    ['al..ice@example.com', /not a plain address/],
    ['"alice smith"@example.com', /not a plain address/],
    ['alice smith@example.com', /not a plain address/],
    ['Alice <alice@example.com>', /not a plain address/],
    ['ålice@example.com', /not a plain address/], // SMTPUTF8 local parts are refused
    [`${'a'.repeat(65)}@example.com`, /longer than 64/],
    ['alice@localhost', /two labels/],
    ['alice@192.0.2.1', /IP address/],
    ['alice@[192.0.2.1]', /IP address/],
    ['alice@💩.la', /cannot be part of a domain/],
    [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example`, /longer than 254/],
  ])('%j -> bad-email %s', (text, message) => {
    const err = errorOf(() => parseEmail(text, text));
    expect(err?.code).toBe('bad-email');
    expect(err?.message).toMatch(message);
  });
});
