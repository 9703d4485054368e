import { describe, expect, it } from 'vitest';
import { escapeHeaderValue, qvalues, takeUriParam, withUriHeader } from './contact.ts';

describe('contacts', () => {
  it.each([
    ['<tel:+8226200>', '%3Ctel:+8226200%3E'],
    ['"Kim Ji" <tel:0262;phone-context=+82>', '%22Kim%20Ji%22%20%3Ctel:0262%3Bphone-context%3D+82%3E'],
    ['a&b=c?d/[e]$', 'a%26b%3Dc?d/[e]$'],
    ['김', '%EA%B9%80'],
    ['😀\n\t', '%F0%9F%98%80%0A%09'],
    ["-_.!~*'()AZaz09", "-_.!~*'()AZaz09"],
  ])('escapes %j as an hvalue (RFC 3261 §19.1.5)', (v, out) => expect(escapeHeaderValue(v)).toBe(out));

  it('adds or replaces an embedded header', () => {
    expect(withUriHeader('sip:a@b;user=phone', 'P-Asserted-Identity', '<tel:+1>')).toBe(
      'sip:a@b;user=phone?P-Asserted-Identity=%3Ctel:+1%3E',
    );
    expect(withUriHeader('sip:a@b?X=1&p-asserted-identity=old', 'P-Asserted-Identity', 'new')).toBe(
      'sip:a@b?X=1&P-Asserted-Identity=new',
    );
  });

  it('takes our routing hint out of a URI', () => {
    expect(takeUriParam('sip:+44@p.test;user=phone;callx-cid=national?X=1', 'callx-cid')).toEqual({
      uri: 'sip:+44@p.test;user=phone?X=1',
      value: 'national',
    });
    expect(takeUriParam('sip:a@b', 'callx-cid')).toEqual({ uri: 'sip:a@b', value: undefined });
  });

  it.each([
    [1, ['1.0']],
    [3, ['1.0', '0.9', '0.8']],
    [10, ['1.0', '0.9', '0.8', '0.7', '0.6', '0.5', '0.4', '0.3', '0.2', '0.1']],
  ])('q-values for %i contacts', (n, qs) => expect(qvalues(n)).toEqual(qs));

  it('q-values stay strictly decreasing and valid beyond ten', () => {
    const qs = qvalues(16).map(Number);
    expect(qs[0]).toBe(1);
    for (let i = 1; i < qs.length; i++) expect(qs[i]).toBeLessThan(qs[i - 1]!);
    expect(qvalues(16).every((q) => /^(0(\.\d{1,3})?|1(\.0{1,3})?)$/.test(q))).toBe(true);
  });
});
