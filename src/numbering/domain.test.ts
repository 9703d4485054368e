import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { parseDomain } from './domain.ts';

describe('parseDomain', () => {
  it.each([
    ['acme.example', 'acme.example', 'acme.example'],
    ['Acme.EXAMPLE', 'acme.example', 'acme.example'],
    ['acme.example.', 'acme.example', 'acme.example'], // trailing dot of an absolute name
    ['a-b.c-d.example', 'a-b.c-d.example', 'a-b.c-d.example'],
    ['123.example', '123.example', '123.example'],
    ['한국.example', 'xn--3e0b707e.example', '한국.example'],
    ['Bücher.example', 'xn--bcher-kva.example', 'bücher.example'],
    ['straße.de', 'xn--strae-oqa.de', 'straße.de'], // IDNA2008: ß is kept, not mapped to ss
    ['xn--3e0b707e.example', 'xn--3e0b707e.example', '한국.example'],
    ['XN--BCHER-KVA.example', 'xn--bcher-kva.example', 'bücher.example'],
    ['例え。テスト', 'xn--r8jz45g.xn--zckzah', '例え.テスト'], // ideographic full stop
    ['مثال.إختبار', 'xn--mgbh0fb.xn--kgbechtv', 'مثال.إختبار'], // right-to-left script
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`],
  ])('%j -> %j (%j)', (text, domain, unicode) => {
    expect(parseDomain(text, text)).toEqual({ domain, unicode });
  });

  it('accepts 253 characters and refuses 254', () => {
    const name = (n: number) =>
      `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(n - 192)}`;
    expect(parseDomain(name(253), '').domain).toHaveLength(253);
    expect(errorOf(() => parseDomain(name(254), ''))?.message).toMatch(/longer than 253/);
  });

  it.each([
    ['', /empty/],
    ['.', /empty/],
    ['localhost', /at least two labels/],
    ['acme..example', /empty label/],
    ['.acme.example', /empty label/],
    ['-acme.example', /inner hyphens/],
    ['acme-.example', /inner hyphens/],
    ['ac_me.example', /'_' cannot be part/],
    ['ac me.example', /' ' cannot be part/],
    ['acme.example:5060', /':' cannot be part/],
    ['ab--cd.example', /'--' where only IDN labels/],
    ['xn--zz.example', /not a valid IDN label/],
    ['xn--ls8h.la', /not a valid IDN label/], // punycode of an emoji
    ['💩.la', /'💩' cannot be part/],
    ['☃.net', /'☃' cannot be part/],
    ['i❤.example', /'❤' cannot be part/],
    ['ex%41mple.com', /'%' cannot be part/], // no percent-decoding in a bare name
    ['a/b.example', /'\/' cannot be part/],
    ['192.0.2.1', /IP address/],
    ['[2001:db8::1]', /IP address/],
    ['acme.123', /top-level label/],
    [`${'a'.repeat(64)}.example`, /longer than 63/],
    ['한국..example', /empty label/],
  ])('%j -> bad-domain %s', (text, message) => {
    const err = errorOf(() => parseDomain(text, text));
    expect(err?.code).toBe('bad-domain');
    expect(err?.message).toMatch(message);
  });

  it('reports the error code it is given (an email address domain)', () => {
    expect(errorOf(() => parseDomain('localhost', 'a@localhost', 'bad-email'))?.code).toBe('bad-email');
  });
});
