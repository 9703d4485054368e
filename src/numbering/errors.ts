// Typed errors of the number plan. `code` is for programs (the SIP redirector maps 'too-short'
// to 484 Address Incomplete, the API to problem+json types); `message` is for people and always
// names the identifier and what is wrong with it, on one line.

export type NumberingErrorCode =
  /** nothing but whitespace */
  | 'empty'
  /** the input is longer than MAX_INPUT_LENGTH; rejected before any parsing */
  | 'too-long'
  /** control characters, NUL, invisible format characters (RTL marks), or characters no identifier has */
  | 'bad-characters'
  /** a URI scheme other than sip, sips, tel, mailto */
  | 'unsupported-scheme'
  /** a malformed sip:/sips:/tel:/mailto: URI (no host, bad percent-escape, ...) */
  | 'bad-uri'
  /** the default country given (--country, CALLX_DEFAULT_COUNTRY) is not an ISO 3166 code we know */
  | 'unknown-country'
  /** the ITU calling code does not exist (or belongs to no country where one is needed) */
  | 'unknown-country-code'
  /** a PIN whose national part lacks the trunk prefix and area code, e.g. 6200-6200-082 */
  | 'pin-no-area-code'
  /** a national number (02-6200-6200) and no country to read it in */
  | 'national-needs-country'
  /** fewer digits than any number there has: more digits may follow (SIP 484) */
  | 'too-short'
  /** more digits than any number there has */
  | 'too-long-number'
  /** right calling code, but no such number range (or a length between the valid ones) */
  | 'invalid-number'
  /** a malformed VNS (several '#', nothing before or after '#') */
  | 'bad-vns'
  | 'bad-domain'
  | 'bad-email'
  /** a DNS owner name would exceed 253 octets under this apex */
  | 'name-too-long';

/** Typed error of src/numbering; never carries a stack-worthy surprise, only a bad identifier. */
export class NumberingError extends Error {
  override name = 'NumberingError';
  readonly code: NumberingErrorCode;
  /** What is wrong, without the identifier: 'country code 999 does not exist'. */
  readonly detail: string;

  constructor(code: NumberingErrorCode, message: string, detail = message) {
    super(message);
    this.code = code;
    this.detail = detail;
  }
}

/** True when more digits could make the number complete: the SIP redirector answers 484. */
export function isIncomplete(err: unknown): boolean {
  return err instanceof NumberingError && err.code === 'too-short';
}

const QUOTE_MAX = 64;
// Invisible, control and bidi characters would corrupt or reorder a log line or terminal.
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}\\']/gu;

/** Quotes an (untrusted) identifier for an error message: shortened, one line, no invisible characters. */
export function quote(input: string): string {
  // no more than needed: a code point is at most two UTF-16 units (a 10 kB input costs no more)
  const chars = Array.from(input.slice(0, 2 * QUOTE_MAX + 2));
  const short = chars.length > QUOTE_MAX ? `${chars.slice(0, QUOTE_MAX).join('')}...` : input;
  const safe = short.replace(UNPRINTABLE, (c) =>
    c === '\\' || c === "'" ? `\\${c}` : `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
  return `'${safe}'`;
}

/** Builds the error with the conventional message shape: numbering: '<identifier>': <what is wrong>. */
export function fail(code: NumberingErrorCode, input: string, what: string): NumberingError {
  return new NumberingError(code, `numbering: ${quote(input)}: ${what}`, what);
}
