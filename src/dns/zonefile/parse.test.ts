import { describe, expect, it } from 'vitest';
import { parseName, rdataText, toText, typeName } from '#wire';
import { parseZoneFile, ZoneFileError } from './parse.ts';

const origin = parseName('example.test.', null);

function parse(text: string, files: Record<string, string> = {}) {
  return parseZoneFile(text, {
    file: '/z/example.test.zone',
    origin,
    readFile: (p) => {
      const f = files[p];
      if (f === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return f;
    },
  }).map((r) => `${toText(r.owner)} ${r.ttl} ${typeName(r.type)} ${rdataText(r.rdata)}`);
}

const SOA = '@ 3600 IN SOA ns1 hostmaster 1 2 3 4 5\n';

describe('master file parser (RFC 1035 §5)', () => {
  it.each([
    ['@ and relative names', `${SOA}www A 192.0.2.1`, 'www.example.test. 3600 A 192.0.2.1'],
    ['absolute names', `${SOA}www.other. 60 A 192.0.2.1`, 'www.other. 60 A 192.0.2.1'],
    ['$TTL', `$TTL 1h\n${SOA}a A 192.0.2.1`, 'a.example.test. 3600 A 192.0.2.1'],
    ['TTL units', `${SOA}a 1w2d3h4m5s A 192.0.2.1`, 'a.example.test. 788645 A 192.0.2.1'],
    ['class before TTL', `${SOA}a IN 60 A 192.0.2.1`, 'a.example.test. 60 A 192.0.2.1'],
    [
      'omitted owner repeats the last one',
      `${SOA}a 60 A 192.0.2.1\n  AAAA 2001:db8::1`,
      'a.example.test. 60 AAAA 2001:db8::1',
    ],
    [
      'omitted TTL repeats the last one',
      `${SOA}a 77 A 192.0.2.1\nb A 192.0.2.2`,
      'b.example.test. 77 A 192.0.2.2',
    ],
    ['$ORIGIN', `${SOA}$ORIGIN sub\nx A 192.0.2.1`, 'x.sub.example.test. 3600 A 192.0.2.1'],
    [
      'parentheses across lines, comments',
      `${SOA}m MX ( 10 ; pref\n mail )`,
      'm.example.test. 3600 MX 10 mail.example.test.',
    ],
    [
      'NAPTR regexp with back-reference',
      `${SOA}*.2.8 NAPTR 100 10 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@gw;user=phone!" .`,
      '*.2.8.example.test. 3600 NAPTR 100 10 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@gw;user=phone!" .',
    ],
    [
      'quoted strings: \\" \\DDD and blanks',
      `${SOA}t TXT "a \\"b\\" \\065 ;c" d`,
      't.example.test. 3600 TXT "a \\"b\\" A ;c" "d"',
    ],
    ['escaped dot in a label', `${SOA}a\\.b TXT x`, 'a\\.b.example.test. 3600 TXT "x"'],
    ['\\DDD in a name', `${SOA}\\097b TXT x`, 'ab.example.test. 3600 TXT "x"'],
    [
      'SRV',
      `${SOA}_sip._udp SRV 10 60 5060 sip1`,
      '_sip._udp.example.test. 3600 SRV 10 60 5060 sip1.example.test.',
    ],
    ['IPv4-mapped AAAA', `${SOA}a AAAA ::ffff:192.0.2.1`, 'a.example.test. 3600 AAAA ::ffff:c000:201'],
    [
      'RFC 3597 generic type',
      `${SOA}a TYPE65000 \\# 3 010203`,
      'a.example.test. 3600 TYPE65000 \\# 3 010203',
    ],
    ['generic form of a known type', `${SOA}a A \\# 4 C0000201`, 'a.example.test. 3600 A 192.0.2.1'],
    ['CRLF line ends', `${SOA}a A 192.0.2.1\r\nb A 192.0.2.2\r\n`, 'b.example.test. 3600 A 192.0.2.2'],
  ])('%s', (_what, text, last) => {
    expect(parse(text).at(-1)).toBe(last);
  });

  it('$INCLUDE with its own origin, relative to the including file; the origin does not leak back', () => {
    const out = parse(`${SOA}$INCLUDE routes.inc pstn.example.test.\nafter A 192.0.2.9`, {
      '/z/routes.inc': '*.1 NAPTR 1 1 "u" "E2U+sip" "" .\n',
    });
    expect(out).toContain('*.1.pstn.example.test. 3600 NAPTR 1 1 "u" "E2U+sip" "" .');
    expect(out.at(-1)).toBe('after.example.test. 3600 A 192.0.2.9');
  });

  it.each([
    ['unterminated quote', `${SOA}t TXT "abc`, 2, 'unterminated quoted string'],
    ['unbalanced parenthesis', `${SOA}m MX ( 10\n mail`, 2, "'(' not closed"],
    ['bad TTL', `${SOA}a 1x A 192.0.2.1`, 2, "unknown type '1x'"],
    ['bad address', `${SOA}a A 192.0.2.300`, 2, "bad IPv4 address '192.0.2.300'"],
    ['unknown type', `${SOA}a FOO 1`, 2, "unknown type 'FOO'"],
    ['missing field', `${SOA}m MX 10`, 2, 'missing field'],
    ['extra field', `${SOA}a A 192.0.2.1 x`, 2, "unexpected 'x'"],
    ['label too long', `${SOA}${'a'.repeat(64)} A 192.0.2.1`, 2, 'longer than 63'],
    ['string too long', `${SOA}t TXT "${'a'.repeat(256)}"`, 2, 'longer than 255'],
    ['class CH', `${SOA}a CH A 192.0.2.1`, 2, 'class CH is not served'],
    ['first record without owner', ` A 192.0.2.1`, 1, 'no owner'],
    ['no TTL at all', `a A 192.0.2.1`, 1, 'no TTL'],
    ['missing include', `${SOA}$INCLUDE nope.inc`, 2, 'cannot read $INCLUDE file /z/nope.inc: ENOENT'],
    ['unknown directive', `${SOA}$GENERATE 1-2 a A 1.2.3.$`, 2, 'unknown directive $GENERATE'],
    ['meta type', `${SOA}a ANY 1`, 2, 'cannot appear in a zone'],
  ])('rejects %s with file, line and reason', (_what, text, line, reason) => {
    let err: unknown;
    try {
      parse(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ZoneFileError);
    const e = err as ZoneFileError;
    expect(e.message).toMatch(new RegExp(`^/z/example.test.zone:${line}: `));
    expect(e.reason).toContain(reason);
  });
});
