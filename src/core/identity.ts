// Identity keys: how a member's identities are named where the registry and the redirector must
// agree on them (bindings.identities, the resolver's terminal look-up, verdict invalidation).
// One format, built only here.
//   tel:+82262006200        an E.164 number (a PIN is its E.164 number)
//   email:alice@example.com an email address, lower case
//   sip:alice@callx.test    a SIP user at one of our realms, lower-case host
//   vns:62006200#82         a company's VNS branches for one calling code
//   domain:acme.example     a company's domain, lower case (ASCII)
export type IdentityKey =
  | `tel:+${string}`
  | `email:${string}`
  | `sip:${string}`
  | `vns:${string}#${string}`
  | `domain:${string}`;

export const telKey = (e164: string): IdentityKey =>
  `tel:${e164.startsWith('+') ? e164 : `+${e164}`}` as IdentityKey;

export const emailKey = (address: string): IdentityKey => `email:${address.toLowerCase()}`;

export const sipKey = (user: string, host: string): IdentityKey => `sip:${user}@${host.toLowerCase()}`;

export const vnsKey = (base: string, callingCode: string): IdentityKey => `vns:${base}#${callingCode}`;

export const domainKey = (domain: string): IdentityKey => `domain:${domain.toLowerCase()}`;
