import { describe, expect, it } from 'vitest';
import { parseAcl } from './acl.ts';

describe('transfer ACL (CALLX_DNS_XFR_ALLOW)', () => {
  const acl = parseAcl(['127.0.0.1', '10.0.0.0/8', '2001:db8::/32', '::1']);

  it.each([
    ['127.0.0.1', true],
    ['127.0.0.2', false],
    ['10.200.3.4', true],
    ['11.0.0.1', false],
    ['::ffff:127.0.0.1', true], // an IPv4 client on a dual-stack socket
    ['::ffff:127.0.0.2', false],
    ['2001:db8:1::5', true],
    ['2001:db9::5', false],
    ['::1', true],
    ['', false],
    ['not-an-address', false],
  ])('%s -> %s', (addr, ok) => expect(acl.allows(addr)).toBe(ok));

  it('allows nobody when empty', () => expect(parseAcl([]).allows('127.0.0.1')).toBe(false));

  it.each([
    ['10.0.0.0/33', /prefix length must be 0-32/],
    ['fd00::/129', /prefix length must be 0-128/],
    ['example.com', /not an address/],
    ['10.0.0.0/8/1', /not an address/],
  ])('rejects %s', (entry, message) => expect(() => parseAcl([entry])).toThrow(message));
});
