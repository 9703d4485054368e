// parseIdentifier: any dialled identifier -> one Identifier, or a NumberingError saying what is wrong.
import type { CountryCode } from 'libphonenumber-js/max';
import { parseDomain } from './domain.ts';
import { emailFromParts, parseEmail } from './email.ts';
import { fail } from './errors.ts';
import { toCountry } from './metadata.ts';
import { normalizeInput } from './normalize.ts';
import { classifyNumber, looksNumeric } from './numeric.ts';
import type { DomainIdentifier, Identifier, NumberIdentifier, ParseOptions, Scheme } from './types.ts';
import { parseMailto, parseSipUri, parseTelUri, uriScheme } from './uri.ts';

const HAS_LETTER = /\p{L}/u;
const ANGLE = /^<(.*)>$/s;

function domainIdentifier(text: string, input: string): DomainIdentifier {
  const { domain, unicode } = parseDomain(text, input);
  return { kind: 'domain', canonical: domain, display: unicode, domain, unicode };
}

/** A number with an RFC 3966 phone-context: a '+' context is the number's international prefix. */
function numberInContext(
  number: string,
  context: string | null,
  country: CountryCode | undefined,
  input: string,
): NumberIdentifier {
  if (context?.startsWith('+') && !number.trimStart().startsWith('+') && !number.includes('#')) {
    return classifyNumber(`${context} ${number}`, country, input);
  }
  return classifyNumber(number, country, input);
}

function fromUri(scheme: string, rest: string, country: CountryCode | undefined, input: string): Identifier {
  switch (scheme) {
    case 'sip':
    case 'sips': {
      const uri = parseSipUri(rest, input);
      if (uri.user === null) return domainIdentifier(uri.host, input);
      if (uri.params.get('user') === 'phone' || looksNumeric(uri.user)) {
        return numberInContext(uri.user, uri.userParams.get('phone-context') ?? null, country, input);
      }
      return emailFromParts(uri.user, uri.host, input);
    }
    case 'tel': {
      const tel = parseTelUri(rest, input);
      return numberInContext(tel.number, tel.phoneContext, country, input);
    }
    case 'mailto':
      return parseEmail(parseMailto(rest, input), input);
    default:
      throw fail('unsupported-scheme', input, `scheme '${scheme}:' is not one of sip:, sips:, tel:, mailto:`);
  }
}

/**
 * Classifies and canonicalises a dialled identifier: PIN, VNS, E.164 number (in any written form,
 * or a national number read in `defaultCountry`), email address or domain name, bare or inside a
 * sip:/sips:/tel:/mailto: URI. Throws NumberingError (see errors.ts) and nothing else.
 */
export function parseIdentifier(input: string, opts: ParseOptions = {}): Identifier {
  let text = normalizeInput(input);
  const angled = ANGLE.exec(text); // <sip:...> as in a SIP header
  if (angled) text = angled[1]!.trim();
  if (text === '') throw fail('empty', input, 'nothing to classify');
  const country = opts.defaultCountry ? toCountry(opts.defaultCountry) : undefined;
  const scheme = uriScheme(text);
  if (scheme !== null) {
    const id = fromUri(scheme, text.slice(scheme.length + 1), country, input);
    id.scheme = scheme as Scheme;
    return id;
  }
  if (text.includes('@')) return parseEmail(text, input);
  if (text.startsWith('+') || !HAS_LETTER.test(text)) return classifyNumber(text, country, input);
  return domainIdentifier(text, input);
}
