import { describe, expect, it } from 'vitest';
import { closestZone, inZone, isApex, isOwnerName, normalizeName } from './names.ts';

describe('zones: names', () => {
  it('normalises case and the trailing dot', () => {
    expect(normalizeName(' WWW.Example.COM. ')).toBe('www.example.com');
  });

  it.each([
    ['example.com', true, true],
    ['*.2.8.pstn.callx.test', false, true],
    ['_sip._udp.example.com', true, true],
    ['a..b', false, false],
    ['-a.example', false, false],
    ['a b.example', false, false],
    ['x.*.example', false, false],
    [`${'a'.repeat(64)}.example`, false, false],
  ])('%s: apex %s, owner %s', (name, apex, owner) => {
    expect(isApex(name)).toBe(apex);
    expect(isOwnerName(name)).toBe(owner);
  });

  it('finds the most specific enclosing zone, by labels not by suffix', () => {
    const zones = ['callx.test', 'e164.callx.test', 'example.com'];
    expect(closestZone('1.2.e164.callx.test', zones)).toBe('e164.callx.test');
    expect(closestZone('xe164.callx.test', zones)).toBe('callx.test');
    expect(closestZone('notexample.com', zones)).toBeUndefined();
    expect(inZone('example.com', 'example.com')).toBe(true);
  });
});
