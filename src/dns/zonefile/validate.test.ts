import { describe, expect, it } from 'vitest';
import { readZone } from './load.ts';

const HEAD = '$TTL 300\n@ SOA ns1 hostmaster 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.53\n';

function check(text: string) {
  return readZone('z', 'example.test', text).problems.map((p) => `${p.level}:${p.line}: ${p.message}`);
}

describe('zone checks (as named-checkzone / kzonecheck)', () => {
  it('accepts a sound zone', () => {
    expect(check(`${HEAD}www A 192.0.2.1\nsub NS ns.sub\nns.sub A 192.0.2.2\n`)).toEqual([]);
  });

  it.each([
    ['no SOA', '$TTL 300\n@ NS ns1\nns1 A 192.0.2.53\n', /^error:.*no SOA at the apex/],
    [
      'no apex NS',
      '$TTL 300\n@ SOA ns1 h 1 2 3 4 5\nns1 A 192.0.2.53\n',
      /^error:.*no NS records at the apex/,
    ],
    ['two SOAs', `${HEAD}@ SOA ns2 h 2 2 3 4 5\n`, /^error:5: more than one SOA/],
    [
      'SOA below the apex',
      `${HEAD}x SOA ns1 h 1 2 3 4 5\n`,
      /^error:5: SOA at x.example.test, not at the apex/,
    ],
    [
      'out-of-zone data',
      `${HEAD}www.other.test. A 192.0.2.1\n`,
      /^error:5: www.other.test is outside the zone/,
    ],
    [
      'CNAME and other data',
      `${HEAD}a CNAME b\na TXT x\n`,
      /^error:5: a.example.test has a CNAME and other data/,
    ],
    ['two CNAMEs', `${HEAD}a CNAME b\na CNAME c\n`, /^error:5: a.example.test has more than one CNAME/],
    [
      'apex NS without address',
      '$TTL 300\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\n',
      /^error:3: NS ns1.example.test of example.test has no address records/,
    ],
    [
      'delegation without glue',
      `${HEAD}sub NS ns.sub\n`,
      /^error:5: NS ns.sub.example.test of sub.example.test has no address/,
    ],
    [
      'data below a delegation',
      `${HEAD}sub NS ns.sub\nns.sub A 192.0.2.2\nx.sub TXT y\n`,
      /^warning:5: x.sub.example.test lies below the delegation/,
    ],
    [
      'TTL mismatch in an RRset',
      `${HEAD}a 60 A 192.0.2.1\na 70 A 192.0.2.2\n`,
      /^warning:6: a.example.test A: TTL 70 differs/,
    ],
    ['MX to a CNAME', `${HEAD}@ MX 10 m\nm CNAME ns1\n`, /^warning:5: MX target m.example.test is a CNAME/],
    ['DNAME', `${HEAD}d DNAME other.test.\n`, /^error:5: DNAME is not supported/],
  ])('%s', (_what, text, re) => {
    expect(check(text).some((p) => re.test(p))).toBe(true);
  });

  it('warns when a longer prefix shadows a shorter prefix wildcard (docs/design.md)', () => {
    const routes =
      '*.2.8 NAPTR 1 1 "u" "E2U+sip" "!^(.*)$!sip:\\\\1@kr!" .\n*.0.1.2.8 NAPTR 1 1 "u" "E2U+sip" "!^(.*)$!sip:\\\\1@mob!" .\n';
    const shadow = check(HEAD + routes).filter((p) => p.includes('empty non-terminal'));
    expect(shadow).toEqual([
      'warning:5: wildcard *.2.8.example.test does not match names below the empty non-terminal 1.2.8.example.test (RFC 4592); add *.1.2.8.example.test with the same records for longest-prefix routing',
    ]);
    const fixed = `${HEAD + routes}*.1.2.8 NAPTR 1 1 "u" "E2U+sip" "!^(.*)$!sip:\\\\1@kr!" .\n`;
    expect(check(fixed).filter((p) => p.includes('empty non-terminal'))).toEqual([]);
  });
});
