import { describe, expect, it } from 'vitest';
import {
  applySubstitution,
  evaluateNaptr,
  type Naptr,
  parseServices,
  parseSubstitution,
  processNaptrs,
} from './naptr.ts';

const naptr = (
  order: number,
  preference: number,
  flags: string,
  services: string,
  regexp: string,
  replacement = '.',
): Naptr => ({
  order,
  preference,
  flags,
  services,
  regexp,
  replacement,
});

describe('substitution expressions (RFC 3402 §3.2)', () => {
  it.each([
    // RFC 6116 §3.2 / RFC 3761 examples
    ['!^.*$!sip:info@example.com!', '+441632960083', 'sip:info@example.com'],
    ['!^.*$!mailto:info@example.com!', '+441632960083', 'mailto:info@example.com'],
    // RFC 3403 §6.2 (URN example): back-reference and the i flag
    ['/urn:cid:.+@([^\\.]+\\.)(.*)$/\\2/i', 'URN:CID:199606121851.1@bar.example.com', 'example.com'],
    // typical PSTN gateway rewrite, as published in the pstn tree
    [
      '!^\\+(.*)$!sip:+\\1@gw.kr.callx.test;user=phone!',
      '+821012345678',
      'sip:+821012345678@gw.kr.callx.test;user=phone',
    ],
    // a delimiter other than '!' and an escaped delimiter in the replacement
    ['#^\\+82(.*)$#sip:0\\1\\#x@h#', '+82262006200', 'sip:0262006200#x@h'],
    // escaped delimiter in the ERE
    ['!^\\+(1)\\!?$!tel:+\\1!', '+1!', 'tel:+1'],
    // a non-participating group gives the empty string
    ['!^\\+(9)?(.*)$!x\\1y\\2!', '+82', 'xy82'],
    // no match
    ['!^\\+1!sip:x@y!', '+82', null],
  ] as const)('%s on %s', (expr, aus, out) => {
    expect(applySubstitution(parseSubstitution(expr), aus)).toBe(out);
  });

  it.each([
    ['', /empty regexp/],
    ['1^.*$1x1', /invalid delimiter/],
    ['!^.*$!x', /not delim-ere-delim-repl-delim/],
    ['!^.*$!x!g', /unknown regexp flags 'g'/],
    ['!^(.*)$!\\2!', /back-reference \\2 but the regexp has 1 group/],
    ['!\\d!x!', /unsupported escape/],
  ] as const)('rejects %j', (expr, reason) => {
    expect(() => parseSubstitution(expr)).toThrow(reason);
  });
});

describe('enumservices', () => {
  it.each([
    ['E2U+sip', [{ type: 'sip', subtype: undefined }]],
    ['E2U+web:http', [{ type: 'web', subtype: 'http' }]],
    [
      'e2u+sip+pres',
      [
        { type: 'sip', subtype: undefined },
        { type: 'pres', subtype: undefined },
      ],
    ],
    ['SIP+D2U', null],
  ] as const)('%s', (s, out) => {
    expect(parseServices(s)).toEqual(out);
  });
});

describe('evaluateNaptr', () => {
  const aus = '+8226200001';
  it.each([
    [
      naptr(100, 10, 'u', 'E2U+sip', '!^.*$!sip:+8226200001@kr.center.callx.test!'),
      { use: 'sip', uri: 'sip:+8226200001@kr.center.callx.test' },
    ],
    [naptr(100, 10, 'U', 'e2u+SIP', '!^.*$!sip:a@b!'), { use: 'sip', uri: 'sip:a@b' }],
    [
      naptr(100, 20, 'u', 'E2U+tel', '!^.*$!tel:+82-2-6200-001!'),
      { use: 'tel', uri: 'tel:+82-2-6200-001', e164: '+8226200001' },
    ],
    [
      naptr(100, 30, 'u', 'E2U+web:http', '!^.*$!http://example.com/!'),
      { use: 'web', uri: 'http://example.com/', service: 'E2U+web:http' },
    ],
    [
      naptr(100, 40, 'u', 'E2U+email:mailto', '!^.*$!mailto:a@example.com!'),
      { use: 'email', uri: 'mailto:a@example.com', service: 'E2U+email:mailto' },
    ],
    [naptr(100, 10, '', 'E2U+sip', '', 'next.example.'), { use: 'next', domain: 'next.example' }],
    [naptr(100, 10, '', '', '!^\\+82(.*)$!\\1.kr.example!'), { use: 'next', domain: '26200001.kr.example' }],
    [
      naptr(100, 10, 'u', 'E2U+sip', '!^.*$!x!', 'y.example.'),
      { use: 'skip', reason: 'both regexp and replacement are set (RFC 3403 §4.1)' },
    ],
    [
      naptr(100, 10, 's', 'E2U+sip', '', 'y.example.'),
      { use: 'skip', reason: `flag 's' is not used in ENUM (RFC 6116)` },
    ],
    [
      naptr(100, 10, 'u', 'SIP+D2U', '!^.*$!sip:a@b!'),
      { use: 'skip', reason: `service 'SIP+D2U' is not an E2U enumservice` },
    ],
    [
      naptr(100, 10, 'u', 'E2U+sip', '!^\\+1.*$!sip:a@b!'),
      { use: 'skip', reason: `regexp does not match '+8226200001'` },
    ],
    [naptr(100, 10, 'u', 'E2U+sip', '!^.*$!tel:+1!'), { use: 'other', uri: 'tel:+1', service: 'E2U+sip' }],
    [
      naptr(100, 10, 'u', 'E2U+tel', '!^.*$!tel:12345!'),
      { use: 'skip', reason: `'tel:12345' is not a global tel: number` },
    ],
    [
      naptr(100, 10, 'u', 'E2U+sip', '!^.*$!sip:a@b\r\nX-Injected:1!'),
      { use: 'skip', reason: 'result "sip:a@b\\r\\nX-Injected:1" has characters a URI cannot have' },
    ],
    [
      naptr(100, 10, 'u', 'E2U+sip', '!^.*$!sip:a@b>;x=<y!'),
      { use: 'skip', reason: 'result "sip:a@b>;x=<y" has characters a URI cannot have' },
    ],
  ] as const)('%j', (rec, verdict) => {
    expect(evaluateNaptr(rec, aus)).toEqual(verdict);
  });
});

describe('processNaptrs: order, then preference', () => {
  it('uses only the lowest order with a callable record, sorted by preference', () => {
    const out = processNaptrs(
      [
        naptr(200, 1, 'u', 'E2U+sip', '!^.*$!sip:late@x!'),
        naptr(100, 20, 'u', 'E2U+tel', '!^.*$!tel:+8226200001!'),
        naptr(50, 1, 'u', 'E2U+web:http', '!^.*$!http://x/!'),
        naptr(100, 10, 'u', 'E2U+sip', '!^.*$!sip:first@x!'),
      ],
      '+8226200001',
    );
    expect(out.map((e) => [e.record.order, e.record.preference, e.chosen])).toEqual([
      [50, 1, false],
      [100, 10, true],
      [100, 20, true],
      [200, 1, false],
    ]);
    expect(out[0]!.why).toBe('web service, not used for calls');
    expect(out[3]!.why).toBe('order 200 after the chosen order 100');
  });

  it('falls to a higher order when the lower one has nothing usable', () => {
    const out = processNaptrs(
      [naptr(10, 1, 'u', 'E2U+sip', '!^\\+1!x!'), naptr(20, 1, 'u', 'E2U+sip', '!^.*$!sip:b@x!')],
      '+82',
    );
    expect(out.map((e) => e.chosen)).toEqual([false, true]);
  });
});
