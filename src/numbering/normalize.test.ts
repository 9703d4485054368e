import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { leastCpuMs } from '#test/helpers/timing';
import { asciiNumberText, MAX_INPUT_LENGTH, normalizeInput } from './normalize.ts';

const code = (f: () => unknown) => errorOf(f)?.code;

describe('normalizeInput', () => {
  it.each([
    ['  02-6200-6200-082 \n', '02-6200-6200-082'],
    ['\u3000+82 2 6200 6200\u00a0', '+82 2 6200 6200'], // ideographic and no-break space trimmed
    ['０２－６２００－６２００－０８２', '02-6200-6200-082'], // fullwidth digits and hyphen-minus
    ['＋８２\u00a0２', '+82 2'],
    ['６２００６２００＃８２', '62006200#82'],
    ['ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'alice@example.com'],
    ['한국.example', '한국.example'],
    ['ﬁle.example', 'file.example'], // compatibility ligature
    ['\ufeff+82262006200', '+82262006200'], // byte order mark of a pasted file
  ])('%j -> %j', (input, out) => {
    expect(normalizeInput(input)).toBe(out);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['\t\n\r ', 'empty'],
    ['\u2003\u3000', 'empty'],
    ['x'.repeat(MAX_INPUT_LENGTH + 1), 'too-long'],
    ['1'.repeat(10_000), 'too-long'],
    [`${' '.repeat(MAX_INPUT_LENGTH)}1`, 'too-long'], // capped before trimming
    ['02\u00006200', 'bad-characters'], // NUL
    ['02\u00076200', 'bad-characters'], // BEL
    ['02\u007f6200', 'bad-characters'], // DEL
    ['02\u00856200', 'bad-characters'], // C1 NEL
    ['02\t6200', 'bad-characters'], // inner tab
    ['\u200f+82 2 6200 6200', 'bad-characters'], // RTL mark
    ['+82 2 6200\u202e6200', 'bad-characters'], // RTL override
    ['+82\u200b262006200', 'bad-characters'], // zero-width space
    ['ex\u200dample.com', 'bad-characters'], // zero-width joiner
    ['+82\ufeff262006200', 'bad-characters'], // BOM inside (a leading one is trimmed like whitespace)
    ['ex\u00adample.com', 'bad-characters'], // soft hyphen
    ['a\u2028b', 'bad-characters'], // line separator
    ['\ue000.example', 'bad-characters'], // private use
    ['\ud800.example', 'bad-characters'], // lone surrogate
    ['\u{e0001}acme.example', 'bad-characters'], // language tag
    [42, 'bad-characters'],
    [null, 'bad-characters'],
  ])('%j -> %s', (input, expected) => {
    expect(code(() => normalizeInput(input))).toBe(expected);
  });

  it('accepts exactly MAX_INPUT_LENGTH characters', () => {
    expect(normalizeInput('a'.repeat(MAX_INPUT_LENGTH))).toHaveLength(MAX_INPUT_LENGTH);
  });

  it('rejects a 10 kB string quickly: at no more cost than one just over the limit', () => {
    const big = `${'+8'.repeat(5000)}\u0000`;
    const just = `${'+8'.repeat(MAX_INPUT_LENGTH / 2)}\u0000`;
    expect(code(() => normalizeInput(big))).toBe('too-long');
    expect(code(() => normalizeInput(just))).toBe('too-long');
    // ten times the length: the same cost if nothing reads past the length check
    const rejectAll = (s: string) => () => {
      for (let i = 0; i < 1000; i++) code(() => normalizeInput(s));
    };
    const [bigMs, justMs] = leastCpuMs([rejectAll(big), rejectAll(just)]);
    expect(bigMs).toBeLessThan(2 * justMs!);
  });

  it('names the offending character', () => {
    expect(() => normalizeInput('+82\u200f')).toThrow(/U\+200F/);
    expect(() => normalizeInput('+82\u0000')).toThrow(/NUL/);
  });
});

describe('asciiNumberText', () => {
  it.each([
    ['02-6200', '02-6200'],
    ['٠٢-٦٢٠٠', '02-6200'], // Arabic-Indic
    ['۰۲-۶۲۰۰', '02-6200'], // Eastern Arabic-Indic (Persian)
    ['०२-६२००', '02-6200'], // Devanagari
    ['๐๒-๖๒๐๐', '02-6200'], // Thai
    ['০২-৬২০০', '02-6200'], // Bengali
    ['᠐᠒-᠖᠒᠐᠐', '02-6200'], // Mongolian
    ['𑁦𑁨', '02'], // Brahmi (astral plane)
    ['02\u20136200\u22126200', '02-6200-6200'], // en dash, minus sign
    ['02\u20106200\u30fc6200', '02-6200-6200'], // hyphen, katakana prolonged sound mark
  ])('%j -> %j', (input, out) => {
    expect(asciiNumberText(input)).toBe(out);
  });

  it('maps every Unicode decimal digit to its value', () => {
    let count = 0;
    for (let cp = 0x80; cp < 0x110000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (!/\p{Nd}/u.test(ch)) continue;
      count++;
      const ascii = asciiNumberText(ch.normalize('NFKC'));
      expect(ascii, `U+${cp.toString(16)}`).toMatch(/^[0-9]$/);
    }
    expect(count).toBeGreaterThan(600);
  });

  it('leaves letters alone', () => {
    expect(asciiNumberText('一二三')).toBe('一二三'); // CJK numerals are letters, not \p{Nd}
  });
});
