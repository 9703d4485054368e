// The one builder of the Warning header (RFC 3261 §20.43): `399 callx "<text>"`. Its text often
// quotes what a request said (a number, an AOR decoded from %-escapes, a Max-Forwards value), so
// it is escaped here and nowhere else: a warn-text is a quoted-string, whose quoted-pair cannot
// carry CR or LF (§25.1), so control characters become spaces and quotes and backslashes are
// escaped. Nothing a request sends can end the header line or open another.

const MAX_CHARS = 200;
// C0 controls, DEL and the C1 controls (U+0080..U+009F), which some terminals read as controls
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;
const QUOTED = /["\\]/g;

/** The quoted-string content of a warn-text: one line, quotes and backslashes escaped, at most 200 characters. */
export function warnText(text: string): string {
  let s = text.replace(CONTROL, ' ');
  if (s.length > MAX_CHARS) {
    s = s.slice(0, MAX_CHARS);
    // never leave half of a surrogate pair (it would be encoded as U+FFFD)
    const last = s.charCodeAt(s.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) s = s.slice(0, -1);
  }
  return s.replace(QUOTED, (c) => `\\${c}`);
}

/** A Warning header saying why (warn-code 399: miscellaneous, RFC 3261 §20.43). */
export function warning(text: string): [string, string] {
  return ['Warning', `399 callx "${warnText(text)}"`];
}

/** Characters that may never appear in a header value we send (HT is allowed). */
export const UNSAFE_IN_HEADER = /[\x00-\x08\x0a-\x1f\x7f]/;
