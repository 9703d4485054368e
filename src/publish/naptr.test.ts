import { describe, expect, it } from 'vitest';
import { naptrRdata, quoted, terminal } from './naptr.ts';

describe('publish: NAPTR presentation format', () => {
  it.each([
    ['plain', '"plain"'],
    ['a"b', '"a\\"b"'],
    ['!^\\+(.*)$!sip:+\\1@gw!', '"!^\\\\+(.*)$!sip:+\\\\1@gw!"'],
  ])('quotes %j as %s', (input, out) => {
    expect(quoted(input)).toBe(out);
  });

  it('writes a terminal rule', () => {
    expect(terminal(100, 10, 'E2U+sip', 'sip:+82262006200@kr.center.callx.test')).toBe(
      '100 10 "u" "E2U+sip" "!^.*$!sip:+82262006200@kr.center.callx.test!" .',
    );
  });

  it('writes a replacement name with its trailing dot', () => {
    expect(
      naptrRdata({
        order: 1,
        preference: 2,
        flags: '',
        service: 'E2U+sip',
        regexp: '',
        replacement: 'x.test',
      }),
    ).toBe('1 2 "" "E2U+sip" "" x.test.');
  });

  it('refuses a URI that would break the regexp', () => {
    expect(() => terminal(1, 1, 'E2U+sip', 'sip:a!b@x')).toThrow(/delimiter/);
  });
});
