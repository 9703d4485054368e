// sip:, sips:, tel: and mailto: URIs, taken apart just enough to classify what they name.
// Parameters and headers never change the classification, except user=phone (RFC 3261
// 19.1.1) and phone-context (RFC 3966 5.1.5). Percent-escapes are decoded (%23 is '#').
import { fail } from './errors.ts';
import { normalizeText } from './normalize.ts';

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const PORT = /:\d*$/;

/** The lower-case scheme the text starts with ('sip', 'tel', 'http', ...), or null. */
export function uriScheme(text: string): string | null {
  const m = SCHEME.exec(text);
  return m ? m[1]!.toLowerCase() : null;
}

/** Decodes %XX escapes (UTF-8), then applies the same character checks as to raw input. */
export function percentDecode(text: string, input: string): string {
  if (!text.includes('%')) return text;
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    throw fail('bad-uri', input, 'has a malformed percent-escape');
  }
  return normalizeText(decoded, input);
}

/** `;name=value;flag` -> Map (names lower case, values percent-decoded; a flag maps to ''). */
function parseParams(list: string[], input: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const p of list) {
    if (p === '') continue;
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).toLowerCase();
    params.set(name, eq < 0 ? '' : percentDecode(p.slice(eq + 1), input));
  }
  return params;
}

export interface SipUriParts {
  /** Decoded user part without password and without its own ;parameters; null when the URI has none. */
  user: string | null;
  /** Parameters inside the user part (telephone-subscriber: phone-context, isub, ext, npdi, ...). */
  userParams: Map<string, string>;
  /** Host as written (a name, an IPv4 address or [IPv6]), without port. */
  host: string;
  /** URI parameters (user, transport, ...). */
  params: Map<string, string>;
}

/** Takes apart what follows 'sip:' or 'sips:'. */
export function parseSipUri(rest: string, input: string): SipUriParts {
  const at = rest.indexOf('@');
  const headersAt = rest.indexOf('?');
  // '?' starts the headers, which may hold '@' of their own: a user part ends before them
  const hasUser = at >= 0 && (headersAt < 0 || at < headersAt);
  const userinfo = hasUser ? rest.slice(0, at) : null;
  const hostPart = (hasUser ? rest.slice(at + 1) : rest).split('?', 1)[0]!;
  const [hostport = '', ...paramList] = hostPart.split(';');
  let host: string;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw fail('bad-uri', input, 'has an unclosed [ in its host');
    host = hostport.slice(0, close + 1);
  } else {
    host = hostport.replace(PORT, '');
  }
  if (host === '') throw fail('bad-uri', input, 'SIP URI has no host');
  let user: string | null = null;
  let userParams = new Map<string, string>();
  if (userinfo !== null) {
    const [userMain = '', ...userParamList] = userinfo.split(':', 1)[0]!.split(';');
    user = percentDecode(userMain, input);
    if (user === '') throw fail('bad-uri', input, "SIP URI has an empty user part before '@'");
    userParams = parseParams(userParamList, input);
  }
  return { user, userParams, host, params: parseParams(paramList, input) };
}

/** Takes apart what follows 'tel:': the number (decoded) and its phone-context, if any. */
export function parseTelUri(rest: string, input: string): { number: string; phoneContext: string | null } {
  const [main = '', ...paramList] = rest.split(';');
  const number = percentDecode(main, input);
  if (number === '') throw fail('bad-uri', input, 'tel: URI has no number');
  const context = parseParams(paramList, input).get('phone-context');
  return { number, phoneContext: context === undefined || context === '' ? null : context };
}

/** The single address of a mailto: URI (headers such as ?subject= dropped). */
export function parseMailto(rest: string, input: string): string {
  const address = percentDecode(rest.split('?', 1)[0]!, input);
  if (address === '') throw fail('bad-uri', input, 'mailto: URI has no address');
  if (address.includes(',')) throw fail('bad-email', input, 'mailto: URI names more than one address');
  return address;
}
