import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { leastCpuMs } from '#test/helpers/timing';
import { parseIdentifier } from './classify.ts';
import type { NumberingErrorCode } from './errors.ts';

const KR_PIN = {
  kind: 'pin',
  canonical: '02-6200-6200-082',
  e164: '+82262006200',
  country: 'KR',
  callingCode: '82',
};
const KR_E164 = {
  kind: 'e164',
  canonical: '+82262006200',
  e164: '+82262006200',
  display: '+82 2 6200 6200',
  country: 'KR',
};
const VNS_KR = {
  kind: 'vns',
  canonical: '6200-6200#082',
  base: '62006200',
  callingCode: '82',
  countries: ['KR'],
};
const ALICE = {
  kind: 'email',
  canonical: 'alice@example.com',
  address: 'alice@example.com',
  local: 'alice',
  domain: 'example.com',
};
const ACME = { kind: 'domain', canonical: 'acme.example', domain: 'acme.example', display: 'acme.example' };

// Every row of docs/design.md, in the written forms people and SIP use.
describe('the identifier table of docs/design.md', () => {
  it.each<[string, string | undefined, object]>([
    // PIN
    ['02-6200-6200-082', undefined, KR_PIN],
    ['02 6200 6200 082', undefined, KR_PIN],
    ['02.6200.6200.082', undefined, KR_PIN],
    ['0262006200082', undefined, KR_PIN],
    ['2-6200-6200-082', undefined, KR_PIN], // trunk prefix left out
    ['02-6200-6200-082', 'US', KR_PIN],
    ['tel:02-6200-6200-082', undefined, { ...KR_PIN, scheme: 'tel' }],
    ['sip:02-6200-6200-082@callx.test', undefined, { ...KR_PIN, scheme: 'sip' }],
    [
      '202-555-0123-001',
      undefined,
      { kind: 'pin', canonical: '202-555-0123-001', e164: '+12025550123', country: 'US' },
    ],
    [
      '09-1234567-358',
      undefined,
      { kind: 'pin', canonical: '09-1234567-358', e164: '+35891234567', country: 'FI' },
    ],
    // VNS
    ['6200-6200#082', undefined, VNS_KR],
    ['62006200#82', undefined, VNS_KR],
    ['62006200%2382', undefined, VNS_KR],
    ['sip:62006200%2382@callx.test', undefined, { ...VNS_KR, scheme: 'sip' }],
    ['sips:6200-6200%23082@callx.test;transport=tls', undefined, { ...VNS_KR, scheme: 'sips' }],
    ['tel:6200-6200%23082', undefined, { ...VNS_KR, scheme: 'tel' }],
    ['6200-6200#001', undefined, { kind: 'vns', canonical: '6200-6200#001', callingCode: '1' }],
    // E.164
    ['+82 2 6200 6200', undefined, { ...KR_E164, written: 'international' }],
    ['+82-2-6200-6200', undefined, KR_E164],
    ['+82.2.6200.6200', undefined, KR_E164],
    ['+82262006200', undefined, KR_E164],
    ['(+82) 2 6200 6200', undefined, KR_E164],
    ['+82 (0)2 6200 6200', undefined, KR_E164],
    ['0082262006200', undefined, { ...KR_E164, written: 'idd' }],
    ['00 82 2 6200 6200', 'KR', { ...KR_E164, written: 'idd' }],
    ['011 82 2 6200 6200', 'US', { ...KR_E164, written: 'idd' }],
    ['tel:+82-2-6200-6200', undefined, { ...KR_E164, scheme: 'tel' }],
    ['TEL:+82-2-6200-6200', undefined, { ...KR_E164, scheme: 'tel' }],
    ['tel:+82-2-6200-6200;phone-context=+82', undefined, KR_E164], // context ignored for a global number
    ['tel:6200-6200;phone-context=+82-2', undefined, KR_E164], // local number in a global context
    ['tel:02-6200-6200;phone-context=example.com', 'KR', KR_E164], // domain context: the default country
    ['sip:+82262006200@gw.example;user=phone', undefined, { ...KR_E164, scheme: 'sip' }],
    ['sip:+82-2-6200-6200@gw.example', undefined, KR_E164],
    ['<sip:+82262006200@gw.example>', undefined, KR_E164],
    ['+1 416 555 0123', undefined, { kind: 'e164', e164: '+14165550123', country: 'CA', callingCode: '1' }],
    ['+44 1534 123456', undefined, { kind: 'e164', e164: '+441534123456', country: 'JE', callingCode: '44' }],
    ['+7 701 123 4567', undefined, { kind: 'e164', e164: '+77011234567', country: 'KZ', callingCode: '7' }],
    ['+800 1234 5678', undefined, { kind: 'e164', e164: '+80012345678', country: null, type: 'TOLL_FREE' }],
    // national numbers with the caller's country known
    ['02-6200-6200', 'KR', { ...KR_E164, written: 'national' }],
    ['02-6200-6200', 'kr', KR_E164],
    ['(202) 555-0123', 'US', { kind: 'e164', e164: '+12025550123', written: 'national' }],
    ['1-202-555-0123', 'US', { kind: 'e164', e164: '+12025550123' }],
    ['020 7946 0000', 'GB', { kind: 'e164', e164: '+442079460000' }],
    ['sip:0262006200@callx.test', 'KR', { ...KR_E164, scheme: 'sip' }],
    ['sip:0262006200@callx.test;user=phone', 'KR', KR_E164],
    // email addresses
    ['alice@example.com', undefined, ALICE],
    ['Alice@Example.COM', undefined, ALICE],
    ['sip:alice@example.com', undefined, { ...ALICE, scheme: 'sip' }],
    ['SIP:alice@example.com:5060;transport=tcp?subject=hi', undefined, ALICE],
    ['sip:alice:secret@example.com', undefined, ALICE],
    ['sips:alice@example.com', undefined, { ...ALICE, scheme: 'sips' }],
    ['mailto:alice@example.com', undefined, { ...ALICE, scheme: 'mailto' }],
    ['mailto:alice@example.com?subject=call%20me', undefined, ALICE],
    ['sip:12345abc@example.com', undefined, { kind: 'email', address: '12345abc@example.com' }],
    ['12345@example.com', undefined, { kind: 'email', address: '12345@example.com' }], // bare address: never a number
    [
      'alice@한국.example',
      undefined,
      { kind: 'email', domain: 'xn--3e0b707e.example', display: 'alice@한국.example' },
    ],
    // domain names
    ['acme.example', undefined, ACME],
    ['ACME.Example.', undefined, ACME],
    ['sip:acme.example', undefined, { ...ACME, scheme: 'sip' }],
    ['sips:acme.example:5061;transport=tls', undefined, ACME],
    [
      '한국.example',
      undefined,
      { kind: 'domain', domain: 'xn--3e0b707e.example', unicode: '한국.example', display: '한국.example' },
    ],
    [
      'xn--3e0b707e.example',
      undefined,
      { kind: 'domain', domain: 'xn--3e0b707e.example', display: '한국.example' },
    ],
    ['sip:한국.example', undefined, { kind: 'domain', domain: 'xn--3e0b707e.example' }],
    ['123.example', undefined, { kind: 'domain', domain: '123.example' }],
  ])('%j (country %s)', (input, defaultCountry, expected) => {
    expect(parseIdentifier(input, { defaultCountry })).toMatchObject(expected);
  });

  it.each([
    '02-6200-6200-082',
    '8-701-123-4567-007',
    '+82 2 6200 6200',
    '6200-6200#001',
    'sip:Alice@Example.com',
    '한국.example',
  ])('canonical form of %j reads back to itself', (input) => {
    const { canonical, kind } = parseIdentifier(input);
    expect(parseIdentifier(canonical)).toMatchObject({ canonical, kind });
  });

  it('sets scheme only for URIs', () => {
    expect(parseIdentifier('+82262006200')).not.toHaveProperty('scheme');
    expect(parseIdentifier('acme.example')).not.toHaveProperty('scheme');
  });
});

describe('hostile and odd input', () => {
  it.each<[unknown, string | undefined, NumberingErrorCode]>([
    ['', undefined, 'empty'],
    ['   ', undefined, 'empty'],
    ['\n\t', undefined, 'empty'],
    ['<>', undefined, 'empty'],
    ['x'.repeat(10_240), undefined, 'too-long'],
    ['1'.repeat(10_240), undefined, 'too-long'],
    [`sip:${'a'.repeat(10_000)}@example.com`, undefined, 'too-long'],
    ['02-6200\u0000-6200-082', undefined, 'bad-characters'],
    ['sip:alice%00@example.com', undefined, 'bad-characters'],
    ['\u202e+82 2 6200 6200', undefined, 'bad-characters'],
    ['\u200facme.example', undefined, 'bad-characters'],
    ['alice\u200b@example.com', undefined, 'bad-characters'],
    ['😀', undefined, 'bad-characters'],
    ['+82 2 6200 6200 😀', undefined, 'bad-characters'],
    ['+1-800-FLOWERS', undefined, 'bad-characters'],
    ['1-800-flowers', undefined, 'bad-domain'],
    ['💩.la', undefined, 'bad-domain'],
    ['xn--ls8h.la', undefined, 'bad-domain'],
    ['localhost', undefined, 'bad-domain'],
    ['sip:192.0.2.1', undefined, 'bad-domain'],
    ['sip:alice@192.0.2.1', undefined, 'bad-email'],
    ['sip:alice@', undefined, 'bad-uri'],
    ['sip:', undefined, 'bad-uri'],
    ['tel:', undefined, 'bad-uri'],
    ['mailto:', undefined, 'bad-uri'],
    ['sip:%zz@example.com', undefined, 'bad-uri'],
    ['sip:alice@example.com;user=phone', undefined, 'bad-characters'],
    ['http://acme.example', undefined, 'unsupported-scheme'],
    ['https://acme.example/path', undefined, 'unsupported-scheme'],
    ['javascript:alert(1)', undefined, 'unsupported-scheme'],
    ['data:text/plain,hi', undefined, 'unsupported-scheme'],
    ['h323:alice@example.com', undefined, 'unsupported-scheme'],
    ['acme.example:5060', undefined, 'unsupported-scheme'],
    ['02-6200-6200', 'XX', 'unknown-country'],
    ['02-6200-6200', 'Korea', 'unknown-country'],
    ['02-6200-6200', undefined, 'national-needs-country'],
    ['tel:02-6200-6200', undefined, 'national-needs-country'],
    ['02-6200-6200-999', undefined, 'unknown-country-code'],
    ['+999 1234 5678', undefined, 'unknown-country-code'],
    ['62006200#999', undefined, 'unknown-country-code'],
    ['6200-6200-082', undefined, 'pin-no-area-code'],
    ['+82 2 62', undefined, 'too-short'],
    ['sip:+8226@gw.example', undefined, 'too-short'],
    ['+82 2 6200 6200 6200 6200', undefined, 'too-long-number'],
    ['+1 555 123 4567', undefined, 'invalid-number'],
    ['alice@@example.com', undefined, 'bad-email'],
    [42, undefined, 'bad-characters'],
  ])('%j (country %s) -> %s', (input, defaultCountry, code) => {
    const err = errorOf(() => parseIdentifier(input as string, { defaultCountry }));
    expect(err?.code).toBe(code);
    expect(err?.message).toMatch(/^numbering: '/);
    expect(err?.message).not.toMatch(/[\n\r]/);
    expect(err?.message.length).toBeLessThan(400);
  });

  it.each<[string, string | undefined, object]>([
    ['٠٢-٦٢٠٠-٦٢٠٠-٠٨٢', undefined, KR_PIN], // Arabic-Indic digits
    ['۰۲-۶۲۰۰-۶۲۰۰-۰۸۲', undefined, KR_PIN], // Eastern Arabic-Indic
    ['०२-६२००-६२००-०८२', undefined, KR_PIN], // Devanagari
    ['０２－６２００－６２００－０８２', undefined, KR_PIN], // fullwidth
    ['＋８２\u3000２\u3000６２００\u3000６２００', undefined, KR_E164], // fullwidth with ideographic spaces
    ['+٨٢ ٢ ٦٢٠٠ ٦٢٠٠', undefined, KR_E164],
    ['６２００６２００＃８２', undefined, VNS_KR],
    ['02\u20136200\u20136200\u2013082', undefined, KR_PIN], // en dashes
    ['\u00a0+82 2 6200 6200\u00a0', undefined, KR_E164], // no-break spaces
    ['ｓｉｐ：ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ', undefined, ALICE], // fullwidth URI
    ['  acme.example  ', undefined, ACME],
  ])('%j is accepted', (input, defaultCountry, expected) => {
    expect(parseIdentifier(input, { defaultCountry })).toMatchObject(expected);
  });

  it('classifies a batch of identifiers fast (the redirector does it per call)', () => {
    const inputs = [
      '02-6200-6200-082',
      '+82 2 6200 6200',
      '6200-6200#082',
      'sip:alice@example.com',
      'acme.example',
    ];
    parseIdentifier(inputs[0]!); // warm-up: metadata and digit table
    const batch = () => {
      for (let i = 0; i < 2000; i++) parseIdentifier(inputs[i % inputs.length]!);
    };
    // in CPU time, which other processes on a loaded machine do not add to: well under 1 ms each
    const [ms] = leastCpuMs([batch], 3);
    expect(ms! / 2000).toBeLessThan(1);
  });
});
