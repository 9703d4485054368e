// Domain names: Unicode (IDN) or ASCII in, lower-case ASCII (punycode) out, checked against the
// rules for host names (RFC 1035/1123 LDH labels, IDNA2008-style letters only in IDN labels).
import { domainToASCII, domainToUnicode } from 'node:url';
import type { NumberingErrorCode } from './errors.ts';
import { fail } from './errors.ts';

export const MAX_DOMAIN_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;

const ASCII_DOMAIN = /^[A-Za-z0-9.-]+$/;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
// Letters, marks and digits of any script, and '-': what IDNA2008 lets into a label. Symbols and
// emoji (which WHATWG's domainToASCII would still encode) are refused.
const IDN_LABEL_CHARS = /^[\p{L}\p{M}\p{Nd}-]+$/u;
const IDEOGRAPHIC_DOTS = /[\u3002\uff0e\uff61]/g;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export interface Domain {
  /** ASCII, lower case, no trailing dot: 'xn--3e0b707e.example' */
  domain: string;
  /** Unicode form for display: '한국.example' */
  unicode: string;
}

/**
 * Validates and canonicalises a domain name. `code` names the error (bad-domain, or bad-email
 * for the domain of an address). Needs two labels or more: a company domain is not a TLD.
 */
export function parseDomain(text: string, input: string, code: NumberingErrorCode = 'bad-domain'): Domain {
  let name = text.replace(IDEOGRAPHIC_DOTS, '.');
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '') throw fail(code, input, 'domain name is empty');
  if (name.startsWith('[') || IPV4.test(name)) throw fail(code, input, 'an IP address is not a domain name');
  let ascii: string;
  if (ASCII_DOMAIN.test(name)) {
    ascii = name.toLowerCase();
  } else {
    for (const label of name.split('.')) {
      if (label !== '' && !IDN_LABEL_CHARS.test(label)) {
        const bad = Array.from(label).find((c) => !IDN_LABEL_CHARS.test(c)) ?? label;
        throw fail(code, input, `'${bad}' cannot be part of a domain name`);
      }
    }
    ascii = domainToASCII(name);
    if (ascii === '') throw fail(code, input, 'not a valid internationalised domain name (IDNA)');
  }
  if (ascii.length > MAX_DOMAIN_LENGTH) {
    throw fail(code, input, `domain name longer than ${MAX_DOMAIN_LENGTH} characters`);
  }
  const labels = ascii.split('.');
  if (labels.length < 2) throw fail(code, input, 'a domain name needs at least two labels (name.tld)');
  for (const label of labels) checkLabel(label, input, code);
  if (/^\d+$/.test(labels.at(-1)!))
    throw fail(code, input, 'the top-level label of a domain name is not all digits');
  return { domain: ascii, unicode: domainToUnicode(ascii) };
}

function checkLabel(label: string, input: string, code: NumberingErrorCode): void {
  if (label === '') throw fail(code, input, 'domain name has an empty label (..)');
  if (label.length > MAX_LABEL_LENGTH)
    throw fail(code, input, `label longer than ${MAX_LABEL_LENGTH} characters`);
  if (!LDH_LABEL.test(label)) {
    throw fail(code, input, `label '${label}' may hold only letters, digits and inner hyphens`);
  }
  if (label.slice(2, 4) === '--') {
    if (!label.startsWith('xn--'))
      throw fail(code, input, `label '${label}' has '--' where only IDN labels (xn--) have it`);
    const unicode = domainToUnicode(`${label}.x`).slice(0, -2);
    if (unicode === '' || unicode.startsWith('xn--') || !IDN_LABEL_CHARS.test(unicode)) {
      throw fail(code, input, `label '${label}' is not a valid IDN label`);
    }
  }
}
