// The number plan (docs/design.md, "Number plan", "DNS name space"): parse, classify, convert, and name
// identifiers in DNS. Pure functions, no I/O; docs/numbering.md records the decisions.
export { formatCallerId } from './callerid.ts';
export { parseIdentifier } from './classify.ts';
export { pinToE164 } from './convert.ts';
export type { IdentifierDescription } from './describe.ts';
export { describeIdentifier } from './describe.ts';
export { MAX_DOMAIN_LENGTH, MAX_LABEL_LENGTH, parseDomain } from './domain.ts';
export { E164_PATTERN, formatInternational } from './e164.ts';
export { MAX_ADDRESS_LENGTH, MAX_LOCAL_LENGTH } from './email.ts';
export type { NumberingErrorCode } from './errors.ts';
export { isIncomplete, NumberingError } from './errors.ts';
export type { NumberKeyParts, NumberKeySource } from './keys.ts';
export { numberKey, parseNumberKey } from './keys.ts';
export { callingCodeExists, callingCodeOf, countriesOf, toCountry, trunkPrefix } from './metadata.ts';
export { MAX_INPUT_LENGTH } from './normalize.ts';
export type { RouteTree, Tree } from './owners.ts';
export {
  centerFromOwner,
  centerOwner,
  domainFromOwner,
  domainOwner,
  EMAIL_HASH_OCTETS,
  e164FromEnumName,
  e164FromOwner,
  e164Owner,
  emailFromOwner,
  emailLabel,
  emailOwner,
  enumName,
  normalizeApex,
  ownerNames,
  prefixFromOwner,
  prefixOwner,
  prefixWildcardOwner,
  reverseDigits,
  treeApex,
  vnsFromOwner,
  vnsOwner,
} from './owners.ts';
export { e164ToPin, PIN_CODE_DIGITS } from './pin.ts';
export { prefixProblem } from './prefix.ts';
export type {
  DomainIdentifier,
  E164Identifier,
  E164Written,
  EmailIdentifier,
  Identifier,
  IdentifierKind,
  NumberIdentifier,
  ParseOptions,
  PhoneNumberInfo,
  PinIdentifier,
  Scheme,
  VnsIdentifier,
} from './types.ts';
export { formatVns, formatVnsBase, VNS_BASE_MAX_DIGITS, VNS_BASE_MIN_DIGITS } from './vns.ts';
