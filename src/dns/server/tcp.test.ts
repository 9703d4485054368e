import { describe, expect, it } from 'vitest';
import { sourceOf } from './tcp.ts';

describe('dns: tcp: whom a connection counts against', () => {
  it('an IPv4 address (also seen IPv4-mapped), or the /56 of an IPv6 address', () => {
    expect(sourceOf('192.0.2.7')).toBe('192.0.2.7');
    expect(sourceOf('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(sourceOf('2001:db8:1:2ff:aaaa::1')).toBe('2001:db8:1:200::/56');
    expect(sourceOf('2001:db8:1:2ff::2')).toBe(sourceOf('2001:0db8:0001:0200:ffff:ffff:ffff:ffff'));
    expect(sourceOf('2001:db8:1:300::1')).not.toBe(sourceOf('2001:db8:1:2ff::1'));
    expect(sourceOf('::1')).toBe('0:0:0:0::/56');
    expect(sourceOf('fe80::1%eth0')).toBe('fe80:0:0:0::/56');
    expect(sourceOf('2001:db8::')).toBe('2001:db8:0:0::/56');
  });
});
