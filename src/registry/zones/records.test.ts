import { describe, expect, it } from 'vitest';
import { canonicalRecord, canonicalType, naptrFields, type RecordData, RecordError } from './records.ts';

describe('zones: record data', () => {
  it.each([
    ['A', { content: '192.0.2.1' }, '192.0.2.1'],
    ['AAAA', { content: '2001:DB8:0:0::1' }, '2001:db8::1'],
    ['MX', { content: '10 mail' }, '10 mail.example.com.'],
    ['CNAME', { content: 'other.example.net.' }, 'other.example.net.'],
    ['TXT', { content: '"a b" c' }, '"a b" "c"'],
    ['SRV', { content: '10 60 5060 sip1' }, '10 60 5060 sip1.example.com.'],
    [
      'NAPTR',
      { content: '100 10 "u" "E2U+sip" "!^.*$!sip:a@b!" .' },
      '100 10 "u" "E2U+sip" "!^.*$!sip:a@b!" .',
    ],
    [
      'NAPTR',
      {
        order: 1,
        preference: 2,
        flags: 'u',
        service: 'E2U+sip',
        regexp: '!^\\+(.*)$!sip:+\\1@gw!',
        replacement: '.',
      },
      '1 2 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@gw!" .',
    ],
    [
      'NAPTR',
      {
        order: 1,
        preference: 2,
        flags: '',
        service: 'E2U+sip',
        regexp: '',
        replacement: 'next.example.com',
      },
      '1 2 "" "E2U+sip" "" next.example.com.',
    ],
  ])('%s %j is stored as %s', (type, rec, want) => {
    expect(canonicalRecord(type, rec as RecordData, 'example.com')).toBe(want);
  });

  it('reads a stored NAPTR back as fields, the regexp unescaped', () => {
    expect(naptrFields('1 2 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@gw!" .')).toEqual({
      order: 1,
      preference: 2,
      flags: 'u',
      service: 'E2U+sip',
      regexp: '!^\\+(.*)$!sip:+\\1@gw!',
      replacement: '.',
    });
  });

  it.each([
    ['A', { content: '192.0.2.300' }, /bad IPv4/],
    ['A', { content: '192.0.2.1 extra' }, /unexpected 'extra'/],
    ['MX', { content: '70000 mx' }, /16 bits/],
    ['TXT', { content: '"unterminated' }, /./],
    [
      'A',
      { order: 1, preference: 1, flags: '', service: '', regexp: '', replacement: '.' },
      /structured NAPTR/,
    ],
  ])('refuses %s %j', (type, rec, why) => {
    expect(() => canonicalRecord(type, rec as RecordData, 'example.com')).toThrow(RecordError);
    expect(() => canonicalRecord(type, rec as RecordData, 'example.com')).toThrow(why);
  });

  it.each([
    ['naptr', 'NAPTR'],
    ['TYPE35', 'NAPTR'],
    ['TYPE65280', 'TYPE65280'],
  ])('type %s is %s', (t, want) => {
    expect(canonicalType(t)).toBe(want);
  });

  it.each(['ANY', 'AXFR', 'OPT', 'TSIG', 'BOGUS', 'TYPE0'])('refuses type %s', (t) => {
    expect(() => canonicalType(t)).toThrow(RecordError);
  });
});
