// Email addresses: dot-atom local part (RFC 5322 3.2.3, ASCII) '@' a domain name (IDN allowed).
// The local part is lower-cased: the email tree hashes the lower-cased local part, and members
// claim addresses case-insensitively.
import { parseDomain } from './domain.ts';
import { fail } from './errors.ts';
import type { EmailIdentifier } from './types.ts';

export const MAX_LOCAL_LENGTH = 64;
export const MAX_ADDRESS_LENGTH = 254;

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const DOT_ATOM = new RegExp(`^${ATEXT}(?:\\.${ATEXT})*$`);

/** Reads 'local@domain'. Quoted local parts and non-ASCII local parts (SMTPUTF8) are refused. */
export function parseEmail(text: string, input: string): EmailIdentifier {
  const at = text.lastIndexOf('@');
  if (at < 0) throw fail('bad-email', input, "an email address has '@'");
  return emailFromParts(text.slice(0, at), text.slice(at + 1), input);
}

export function emailFromParts(localPart: string, domainText: string, input: string): EmailIdentifier {
  if (localPart === '') throw fail('bad-email', input, "email address has nothing before '@'");
  if (localPart.includes('@')) throw fail('bad-email', input, "email address has more than one '@'");
  if (localPart.length > MAX_LOCAL_LENGTH) {
    throw fail('bad-email', input, `local part longer than ${MAX_LOCAL_LENGTH} characters`);
  }
  if (!DOT_ATOM.test(localPart)) {
    throw fail(
      'bad-email',
      input,
      `local part '${localPart}' is not a plain address (letters, digits, !#$%&'*+/=?^_\`{|}~- and inner dots)`,
    );
  }
  const { domain, unicode } = parseDomain(domainText, input, 'bad-email');
  const local = localPart.toLowerCase();
  const address = `${local}@${domain}`;
  if (address.length > MAX_ADDRESS_LENGTH) {
    throw fail('bad-email', input, `email address longer than ${MAX_ADDRESS_LENGTH} characters`);
  }
  return { kind: 'email', canonical: address, display: `${local}@${unicode}`, address, local, domain };
}
