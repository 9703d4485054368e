import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { parseIdentifier } from './classify.ts';
import {
  centerFromOwner,
  centerOwner,
  domainFromOwner,
  domainOwner,
  e164FromEnumName,
  e164FromOwner,
  e164Owner,
  emailFromOwner,
  emailLabel,
  emailOwner,
  enumName,
  normalizeApex,
  ownerNames,
  prefixFromOwner,
  prefixOwner,
  prefixWildcardOwner,
  reverseDigits,
  treeApex,
  vnsFromOwner,
  vnsOwner,
} from './owners.ts';

const APEX = 'callx.test';
// SHA-256('alice') = 2bd806c9...186d6e90 (checked with sha256sum); the label keeps 28 octets.
const ALICE_HASH = '2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db';

describe('apex and trees', () => {
  it.each([
    ['callx.test', 'callx.test'],
    ['Callx.Test.', 'callx.test'],
    [' example.net ', 'example.net'],
  ])('%j -> %j', (apex, out) => {
    expect(normalizeApex(apex)).toBe(out);
  });

  it('names tree apexes', () => {
    expect(treeApex('e164', 'Callx.Test.')).toBe('e164.callx.test');
    expect(treeApex('center', APEX)).toBe('center.callx.test');
  });

  it('reverses digits', () => {
    expect(reverseDigits('82262006200')).toBe('0.0.2.6.0.0.2.6.2.2.8');
    expect(reverseDigits('')).toBe('');
  });
});

describe('e164 tree (RFC 6116)', () => {
  it.each([
    ['+82262006200', '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test'],
    ['+12025550123', '3.2.1.0.5.5.5.2.0.2.1.e164.callx.test'],
    ['+441534123456', '6.5.4.3.2.1.4.3.5.1.4.4.e164.callx.test'],
  ])('%s -> %s and back', (e164, owner) => {
    expect(e164Owner(e164, APEX)).toBe(owner);
    expect(e164FromOwner(owner, APEX)).toBe(e164);
    expect(e164FromOwner(`${owner.toUpperCase()}.`, 'CALLX.TEST.')).toBe(e164);
  });

  it('names numbers under any ENUM suffix', () => {
    expect(enumName('+82262006200', 'e164.arpa')).toBe('0.0.2.6.0.0.2.6.2.2.8.e164.arpa');
    expect(enumName('+82262006200', 'E164.Partner.Example.')).toBe(
      '0.0.2.6.0.0.2.6.2.2.8.e164.partner.example',
    );
    expect(e164FromEnumName('0.0.2.6.0.0.2.6.2.2.8.e164.arpa', 'e164.arpa')).toBe('+82262006200');
  });

  it.each([
    '0.0.2.6.0.0.2.6.2.2.8.vns.callx.test', // another tree
    '0.0.2.6.0.0.2.6.2.2.8.e164.other.test', // another apex
    'e164.callx.test', // the tree apex itself
    '2.8.e164.callx.test.x',
    '00.2.6.2.2.8.e164.callx.test', // two-digit label
    'a.2.8.e164.callx.test',
    '*.2.8.e164.callx.test',
    '2.0.e164.callx.test', // leading zero: not E.164
    `${reverseDigits('1234567890123456')}.e164.callx.test`, // 16 digits
  ])('%s is no number', (name) => {
    expect(e164FromOwner(name, APEX)).toBeNull();
  });

  it.each(['82262006200', '+082262006200', '+1234567890123456', '', '+82 2'])('refuses %j', (e164) => {
    expect(errorOf(() => e164Owner(e164, APEX))?.code).toBe('invalid-number');
  });
});

describe('vns tree', () => {
  it.each([
    ['62006200', '82', '0.0.2.6.0.0.2.6.82.vns.callx.test'],
    ['62006200', '1', '0.0.2.6.0.0.2.6.1.vns.callx.test'],
    ['62006200', '358', '0.0.2.6.0.0.2.6.358.vns.callx.test'],
    ['0062', '82', '2.6.0.0.82.vns.callx.test'],
  ])('%s#%s -> %s and back', (base, callingCode, owner) => {
    expect(vnsOwner(base, callingCode, APEX)).toBe(owner);
    expect(vnsFromOwner(owner, APEX)).toEqual({ base, callingCode });
  });

  it.each([
    '82.vns.callx.test', // no base
    '0.0.2.6.082.vns.callx.test', // padded code
    '0.0.2.6.1234.vns.callx.test',
    '0.0.2.6.82.e164.callx.test',
    '00.2.6.82.vns.callx.test',
  ])('%s is no VNS', (name) => {
    expect(vnsFromOwner(name, APEX)).toBeNull();
  });

  it.each([
    ['6200-6200', '82', 'bad-vns'],
    ['62006200', '082', 'unknown-country-code'],
    ['62006200', '', 'unknown-country-code'],
  ])('refuses %j %j', (base, cc, code) => {
    expect(errorOf(() => vnsOwner(base, cc, APEX))?.code).toBe(code);
  });
});

describe('domains tree', () => {
  it.each([
    ['acme.example', 'acme.example.domains.callx.test'],
    ['ACME.Example.', 'acme.example.domains.callx.test'],
    ['한국.example', 'xn--3e0b707e.example.domains.callx.test'],
  ])('%s -> %s', (domain, owner) => {
    expect(domainOwner(domain, APEX)).toBe(owner);
    expect(domainFromOwner(owner, APEX)).toBe(parseIdentifier(domain).canonical);
  });

  it('refuses a name that would pass 253 characters under the apex', () => {
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}`;
    expect(errorOf(() => domainOwner(long, APEX))?.code).toBe('name-too-long');
  });

  it.each(['domains.callx.test', 'acme.example.email.callx.test', 'a_b.example.domains.callx.test'])(
    '%s -> null',
    (name) => {
      expect(domainFromOwner(name, APEX)).toBeNull();
    },
  );

  it('refuses an invalid domain', () => {
    expect(errorOf(() => domainOwner('localhost', APEX))?.code).toBe('bad-domain');
  });
});

describe('email tree', () => {
  it('hashes the lower-cased local part: hex of 28 octets of SHA-256', () => {
    expect(emailLabel('alice')).toBe(ALICE_HASH);
    expect(emailLabel('Alice')).toBe(ALICE_HASH);
    expect(emailLabel('bob.smith+x')).toBe('a71de7666823a77f099f4a001b04a112d274b8cfcfdf83a7fe0775ce');
    expect(emailLabel('한국')).toBe('1eb7da6d56d883ca1dd1a88b70ad635a0b26a9b767d500d31512e64d'); // UTF-8
    expect(emailLabel('alice')).toHaveLength(56);
  });

  it.each([
    ['alice@example.com', `${ALICE_HASH}.example.com.email.callx.test`],
    ['ALICE@Example.COM', `${ALICE_HASH}.example.com.email.callx.test`],
    ['alice@한국.example', `${ALICE_HASH}.xn--3e0b707e.example.email.callx.test`],
  ])('%s -> %s', (address, owner) => {
    expect(emailOwner(address, APEX)).toBe(owner);
    expect(emailFromOwner(owner, APEX)).toEqual({
      hash: ALICE_HASH,
      domain: owner.split('.').slice(1, -3).join('.'),
    });
  });

  it('never writes the address into the name', () => {
    expect(emailOwner('alice@example.com', APEX)).not.toMatch(/alice/);
  });

  it.each([
    'alice.example.com.email.callx.test',
    `${ALICE_HASH}.email.callx.test`,
    `${ALICE_HASH}.example.com.domains.callx.test`,
  ])('%s -> null', (name) => {
    expect(emailFromOwner(name, APEX)).toBeNull();
  });

  it('refuses a bad address', () => {
    expect(errorOf(() => emailOwner('alice', APEX))?.code).toBe('bad-email');
  });
});

describe('pstn and carriers trees', () => {
  it.each([
    ['pstn', '82', '2.8.pstn.callx.test', '*.2.8.pstn.callx.test'],
    ['pstn', '82551', '1.5.5.2.8.pstn.callx.test', '*.1.5.5.2.8.pstn.callx.test'],
    ['carriers', '4930', '0.3.9.4.carriers.callx.test', '*.0.3.9.4.carriers.callx.test'],
    ['pstn', '', 'pstn.callx.test', '*.pstn.callx.test'], // the default route
  ] as const)('%s %j -> %s', (tree, prefix, node, wildcard) => {
    expect(prefixOwner(tree, prefix, APEX)).toBe(node);
    expect(prefixWildcardOwner(tree, prefix, APEX)).toBe(wildcard);
    expect(prefixFromOwner(tree, wildcard, APEX)).toBe(prefix);
    expect(prefixFromOwner(tree, node, APEX)).toBe(prefix);
  });

  it.each(['+82', '8a', '1234567890123456'])('refuses prefix %j', (prefix) => {
    expect(errorOf(() => prefixWildcardOwner('pstn', prefix, APEX))?.code).toBe('invalid-number');
  });

  it('returns null outside the tree', () => {
    expect(prefixFromOwner('pstn', '*.2.8.carriers.callx.test', APEX)).toBeNull();
    expect(prefixFromOwner('pstn', 'x.2.8.pstn.callx.test', APEX)).toBeNull();
  });
});

describe('center', () => {
  it.each([
    ['KR', 'kr.center.callx.test'],
    ['us', 'us.center.callx.test'],
  ])('%s -> %s', (country, owner) => {
    expect(centerOwner(country, APEX)).toBe(owner);
    expect(centerFromOwner(owner, APEX)).toBe(country.toUpperCase());
  });

  it('finds the country of a host below the center', () => {
    expect(centerFromOwner('sip1.kr.center.callx.test', APEX)).toBe('KR');
    expect(centerFromOwner('_sip._udp.kr.center.callx.test', APEX)).toBe('KR');
    expect(centerFromOwner('xx.center.callx.test', APEX)).toBeNull();
    expect(centerFromOwner('kr.center.other.test', APEX)).toBeNull();
  });

  it('refuses an unknown country', () => {
    expect(errorOf(() => centerOwner('XX', APEX))?.code).toBe('unknown-country');
  });
});

describe('ownerNames', () => {
  it.each([
    [
      '02-6200-6200-082',
      {
        e164: '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test',
        carriers: '0.0.2.6.0.0.2.6.2.2.8.carriers.callx.test',
        pstn: '0.0.2.6.0.0.2.6.2.2.8.pstn.callx.test',
      },
    ],
    ['+82 2 6200 6200', { e164: '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test' }],
    ['6200-6200#082', { vns: '0.0.2.6.0.0.2.6.82.vns.callx.test' }],
    ['acme.example', { domains: 'acme.example.domains.callx.test' }],
    ['sip:Alice@Example.com', { email: `${ALICE_HASH}.example.com.email.callx.test` }],
  ])('%s', (input, owners) => {
    expect(ownerNames(parseIdentifier(input), APEX)).toMatchObject(owners);
  });

  it('lists the trees in the order the redirector asks them', () => {
    expect(Object.keys(ownerNames(parseIdentifier('+82262006200'), APEX))).toEqual([
      'e164',
      'carriers',
      'pstn',
    ]);
  });
});
