// What parseIdentifier returns: one discriminated union used by the DNS server, the SIP
// redirector, the sales layer and the HTTP API. Every variant has `kind`, `canonical` (the one
// spelling stored and compared) and `display` (for people).

/** The URI scheme an identifier was written in, if any. */
export type Scheme = 'sip' | 'sips' | 'tel' | 'mailto';

interface IdentifierBase {
  canonical: string;
  display: string;
  /** Set when the identifier came inside a sip:, sips:, tel: or mailto: URI. */
  scheme?: Scheme;
}

/** A valid telephone number, whatever way it was written. */
export interface PhoneNumberInfo {
  /** '+82262006200' */
  e164: string;
  /** ITU calling code digits: '82', '1', '44' */
  callingCode: string;
  /** ISO 3166 alpha-2 resolved from the number ('CA' for +1 416 ...); null for non-geographic codes (+800, +882). */
  country: string | null;
  /** Significant national number, no trunk prefix: '262006200' */
  nationalNumber: string;
  /** libphonenumber's number type (FIXED_LINE, MOBILE, TOLL_FREE, ...), null when it cannot tell. */
  type: string | null;
}

/** A PIN, 02-6200-6200-082: the subscriber +82 2 6200 6200 written the way people in Korea know it. */
export interface PinIdentifier extends IdentifierBase, PhoneNumberInfo {
  kind: 'pin';
  /** canonical and display: national format of the country with dashes, then the 3-digit calling code. */
  country: string;
}

/** How an E.164 identifier was written. */
export type E164Written = 'international' | 'idd' | 'national';

/** A telephone number: +82 2 6200 6200, 0082262006200, tel:+82-2-6200-6200, or a national number read in a known country. */
export interface E164Identifier extends IdentifierBase, PhoneNumberInfo {
  kind: 'e164';
  /** canonical: '+82262006200'; display: '+82 2 6200 6200' */
  written: E164Written;
}

/** A company number, 6200-6200#082: base number (sold once worldwide) and the branch's calling code. */
export interface VnsIdentifier extends IdentifierBase {
  kind: 'vns';
  /** Base digits: '62006200' */
  base: string;
  /** Calling code of the branch: '82' */
  callingCode: string;
  /** Countries sharing that calling code, main country first: ['KR']; ['US', 'AG', ...] for 1. */
  countries: readonly string[];
}

/** A person's email address (also from sip:alice@example.com and mailto:). */
export interface EmailIdentifier extends IdentifierBase {
  kind: 'email';
  /** canonical: lower-case local part '@' ASCII (punycode) domain */
  address: string;
  /** Lower-cased local part; its SHA-256 names the email-tree owner. */
  local: string;
  /** ASCII domain, lower case, no trailing dot. */
  domain: string;
}

/** A company domain name (also from sip:acme.example). */
export interface DomainIdentifier extends IdentifierBase {
  kind: 'domain';
  /** canonical: ASCII (punycode), lower case, no trailing dot: 'xn--3e0b707e.example' */
  domain: string;
  /** The same name in Unicode: '한국.example' (the display form). */
  unicode: string;
}

export type Identifier = PinIdentifier | E164Identifier | VnsIdentifier | EmailIdentifier | DomainIdentifier;
export type IdentifierKind = Identifier['kind'];
export type NumberIdentifier = PinIdentifier | E164Identifier | VnsIdentifier;

export interface ParseOptions {
  /** ISO 3166 alpha-2 of the caller: national numbers are read in it, its IDD prefix is recognised. */
  defaultCountry?: string | undefined;
}
