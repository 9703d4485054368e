// Validation of member fields, each through src/numbering where it is an identifier: email
// addresses and domains with parseIdentifier, telephone numbers with parseIdentifier (national
// numbers read in the member's country), SIP URIs parsed the way the redirector parses them.
// Every reader returns the canonical form to store or throws NumberingError saying what is wrong.
import { NumberingError, numberKey, parseIdentifier } from '#numbering';
import { parseNumberRef } from '../sales/numbers.ts';

const fail = (code: ConstructorParameters<typeof NumberingError>[0], what: string) =>
  new NumberingError(code, what, what);

/** A person's email address: plain or mailto:, canonical (lower-case local part, ASCII domain). */
export function readEmail(text: string): string {
  const id = parseIdentifier(text);
  if (id.kind !== 'email' || (id.scheme !== undefined && id.scheme !== 'mailto')) {
    throw fail('bad-email', `expected an email address such as alice@example.com, not a ${id.kind}`);
  }
  return id.address;
}

/** A company's domain name: ASCII (punycode), lower case, no trailing dot. */
export function readDomain(text: string): string {
  const id = parseIdentifier(text);
  if (id.kind !== 'domain' || id.scheme !== undefined) {
    throw fail('bad-domain', `expected a domain name such as acme.example, not a ${id.kind}`);
  }
  return id.domain;
}

/** A PSTN number in any written form (national ones read in `country`): its E.164. */
export function readPhone(text: string, country?: string): string {
  const id = parseIdentifier(text, { defaultCountry: country });
  if (id.kind !== 'e164' && id.kind !== 'pin') {
    throw fail('invalid-number', `expected a telephone number such as +82 2 6200 6200, not a ${id.kind}`);
  }
  return id.e164;
}

export const MAX_URI_LENGTH = 256;
// What may appear in a URI published inside a NAPTR regexp: no delimiter '!', no quotes, no spaces.
const URI_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@$&'()*+,;=%]+$/;

/**
 * A number or URI at another carrier: a sip:/sips: URI (kept as written, scheme lower-cased,
 * after the number plan parsed it) or a telephone number (its E.164).
 */
export function readCarrierTarget(text: string, country?: string): string {
  const t = text.trim();
  const scheme = /^(sips?):/i.exec(t);
  if (!scheme) return readPhone(t, country);
  if (t.length > MAX_URI_LENGTH) throw fail('bad-uri', `a SIP URI has at most ${MAX_URI_LENGTH} characters`);
  if (!URI_CHARS.test(t))
    throw fail('bad-uri', "a SIP URI here may not hold spaces, quotes, '!' or non-ASCII characters");
  parseIdentifier(t, { defaultCountry: country });
  return `${scheme[1]!.toLowerCase()}:${t.slice(scheme[0].length)}`;
}

export const MAX_URL_LENGTH = 2048;

/** A home page: an http or https URL with a domain name, no user or password; normalised by WHATWG URL. */
export function readHomePage(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw fail('bad-uri', 'expected an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw fail('unsupported-scheme', `a home page is http or https, not ${url.protocol.slice(0, -1)}`);
  }
  if (url.username !== '' || url.password !== '')
    throw fail('bad-uri', 'a home page URL carries no user or password');
  readDomain(url.hostname);
  // '!' delimits the NAPTR regexp the URL is published in.
  const href = url.href.replaceAll('!', '%21');
  if (href.length > MAX_URL_LENGTH)
    throw fail('too-long', `a home page URL has at most ${MAX_URL_LENGTH} characters`);
  return href;
}

/** A VNS base as written: digits with separators, 'vns:<base>' or a full VNS ('6200-6200#082'). */
export function readVnsBase(text: string): string {
  const t = text.trim();
  if (/^[\d\- .]+$/.test(t)) {
    const base = t.replace(/[- .]/g, '');
    numberKey({ kind: 'vns', base });
    return base;
  }
  const ref = parseNumberRef(t);
  if (ref.kind !== 'vns') throw fail('bad-vns', 'expected a VNS base number such as 6200-6200');
  return ref.base!;
}

/** SIP digest usernames: lower case, so that the identity sip:<user>@<realm> is one spelling. */
export const SIP_USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
