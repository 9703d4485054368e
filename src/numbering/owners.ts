// DNS owner names in each tree of docs/design.md ("DNS name space"), and back where that means
// something. Names are lower case, absolute, without the trailing dot. Pure: node:crypto only hashes.
import { createHash } from 'node:crypto';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { parseDomain } from './domain.ts';
import { E164_PATTERN } from './e164.ts';
import { parseEmail } from './email.ts';
import { fail } from './errors.ts';
import type { Identifier } from './types.ts';

export type Tree = 'e164' | 'vns' | 'domains' | 'email' | 'pstn' | 'carriers' | 'center';
export type RouteTree = 'pstn' | 'carriers';

const MAX_NAME_LENGTH = 253;
const DIGITS = /^\d+$/;
const CALLING_CODE = /^[1-9]\d{0,2}$/;
const CANONICAL_DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
/** Octets of SHA-256 kept in an email-tree label (as RFC 7929 does for OPENPGPKEY): 56 hex digits. */
export const EMAIL_HASH_OCTETS = 28;

/** 'Callx.Test.' -> 'callx.test' */
export function normalizeApex(apex: string): string {
  return apex.trim().toLowerCase().replace(/\.$/, '');
}

/** The apex of one tree: treeApex('e164', 'callx.test') === 'e164.callx.test'. */
export function treeApex(tree: Tree, apex: string): string {
  return `${tree}.${normalizeApex(apex)}`;
}

function checked(name: string): string {
  if (name.length > MAX_NAME_LENGTH)
    throw fail('name-too-long', name, `DNS name longer than ${MAX_NAME_LENGTH} characters`);
  return name;
}

/** '82262006200' -> '0.0.2.6.0.0.2.6.2.2.8' (RFC 6116 digit order). */
export function reverseDigits(digits: string): string {
  return Array.from(digits).reverse().join('.');
}

/** Reversed single-digit labels before `suffix` back to digits, or null if `name` is not such a name. */
function digitsBefore(name: string, suffix: string): string | null {
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (!lower.endsWith(`.${suffix}`)) return null;
  const labels = lower.slice(0, -suffix.length - 1).split('.');
  if (!labels.every((l) => l.length === 1 && l >= '0' && l <= '9')) return null;
  return labels.reverse().join('');
}

function e164Digits(e164: string): string {
  if (!E164_PATTERN.test(e164)) throw fail('invalid-number', e164, 'not an E.164 number (+ and 2-15 digits)');
  return e164.slice(1);
}

/** RFC 6116 name of an E.164 number under any ENUM suffix: enumName('+82262006200', 'e164.arpa'). */
export function enumName(e164: string, suffix: string): string {
  return checked(`${reverseDigits(e164Digits(e164))}.${normalizeApex(suffix)}`);
}

/** Owner in our e164 tree: '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test'. */
export function e164Owner(e164: string, apex: string): string {
  return enumName(e164, treeApex('e164', apex));
}

/** Back from an ENUM name to '+82262006200'; null when `name` is not a number's name under the suffix. */
export function e164FromEnumName(name: string, suffix: string): string | null {
  const digits = digitsBefore(name, normalizeApex(suffix));
  return digits !== null && E164_PATTERN.test(`+${digits}`) ? `+${digits}` : null;
}

/** Back from an e164-tree owner to the E.164 number, or null. */
export function e164FromOwner(name: string, apex: string): string | null {
  return e164FromEnumName(name, treeApex('e164', apex));
}

/** Owner in the vns tree: reversed base digits, then the calling code as one label. */
export function vnsOwner(base: string, callingCode: string, apex: string): string {
  if (!DIGITS.test(base) || base.length > 15) throw fail('bad-vns', base, 'not a VNS base number (digits)');
  if (!CALLING_CODE.test(callingCode)) throw fail('unknown-country-code', callingCode, 'not a calling code');
  return checked(`${reverseDigits(base)}.${callingCode}.${treeApex('vns', apex)}`);
}

/** Back from a vns-tree owner; null when `name` is not one. */
export function vnsFromOwner(name: string, apex: string): { base: string; callingCode: string } | null {
  const suffix = treeApex('vns', apex);
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (!lower.endsWith(`.${suffix}`)) return null;
  const labels = lower.slice(0, -suffix.length - 1).split('.');
  const callingCode = labels.pop()!;
  if (!CALLING_CODE.test(callingCode) || labels.length === 0) return null;
  if (!labels.every((l) => l.length === 1 && l >= '0' && l <= '9')) return null;
  return { base: labels.reverse().join(''), callingCode };
}

function canonicalDomain(domain: string): string {
  return CANONICAL_DOMAIN.test(domain) ? domain : parseDomain(domain, domain).domain;
}

/** Owner in the domains tree: 'acme.example.domains.callx.test' (IDN names in punycode). */
export function domainOwner(domain: string, apex: string): string {
  return checked(`${canonicalDomain(domain)}.${treeApex('domains', apex)}`);
}

/** Back from a domains-tree owner to the company domain, or null. */
export function domainFromOwner(name: string, apex: string): string | null {
  const suffix = `.${treeApex('domains', apex)}`;
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (!lower.endsWith(suffix)) return null;
  const domain = lower.slice(0, -suffix.length);
  return CANONICAL_DOMAIN.test(domain) ? domain : null;
}

/** Hex of the first 28 octets of SHA-256 of the lower-cased local part (UTF-8). */
export function emailLabel(local: string): string {
  return createHash('sha256')
    .update(local.toLowerCase(), 'utf8')
    .digest()
    .subarray(0, EMAIL_HASH_OCTETS)
    .toString('hex');
}

/** Owner in the email tree: '<hash of local part>.<mail domain>.email.callx.test'. */
export function emailOwner(address: string, apex: string): string {
  const { local, domain } = parseEmail(address, address);
  return checked(`${emailLabel(local)}.${domain}.${treeApex('email', apex)}`);
}

/** The hash label and mail domain of an email-tree owner (the address itself is not recoverable), or null. */
export function emailFromOwner(name: string, apex: string): { hash: string; domain: string } | null {
  const suffix = `.${treeApex('email', apex)}`;
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (!lower.endsWith(suffix)) return null;
  const [hash = '', ...rest] = lower.slice(0, -suffix.length).split('.');
  const domain = rest.join('.');
  if (!/^[0-9a-f]{56}$/.test(hash) || !CANONICAL_DOMAIN.test(domain)) return null;
  return { hash, domain };
}

function routePrefix(prefix: string): string {
  if (prefix !== '' && (!DIGITS.test(prefix) || prefix.length > 15)) {
    throw fail('invalid-number', prefix, 'a route prefix is 0-15 digits of an E.164 number, without +');
  }
  return prefix;
}

/** The node of a route prefix: prefixOwner('pstn', '82', apex) === '2.8.pstn.callx.test' ('' is the tree apex). */
export function prefixOwner(tree: RouteTree, prefix: string, apex: string): string {
  const p = routePrefix(prefix);
  return checked(p === '' ? treeApex(tree, apex) : `${reverseDigits(p)}.${treeApex(tree, apex)}`);
}

/** The wildcard that routes a prefix: '*.2.8.pstn.callx.test'. */
export function prefixWildcardOwner(tree: RouteTree, prefix: string, apex: string): string {
  return checked(`*.${prefixOwner(tree, prefix, apex)}`);
}

/** Back from a prefix node or wildcard ('*.2.8.pstn.<apex>') to the prefix '82', or null. */
export function prefixFromOwner(tree: RouteTree, name: string, apex: string): string | null {
  const suffix = treeApex(tree, apex);
  const lower = name.toLowerCase().replace(/\.$/, '').replace(/^\*\./, '');
  if (lower === suffix) return '';
  return digitsBefore(lower, suffix);
}

/** SIP domain of a country's center: centerOwner('KR', 'callx.test') === 'kr.center.callx.test'. */
export function centerOwner(country: string, apex: string): string {
  const cc = country.toUpperCase();
  if (!isSupportedCountry(cc))
    throw fail('unknown-country', country, 'not an ISO 3166 country code with a numbering plan');
  return checked(`${cc.toLowerCase()}.${treeApex('center', apex)}`);
}

/** Back from '<cc>.center.<apex>' (or a name below it, such as sip1.kr.center.<apex>) to 'KR', or null. */
export function centerFromOwner(name: string, apex: string): string | null {
  const suffix = `.${treeApex('center', apex)}`;
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (!lower.endsWith(suffix)) return null;
  const cc = lower.slice(0, -suffix.length).split('.').at(-1)!.toUpperCase();
  return isSupportedCountry(cc) ? cc : null;
}

/** The names an identifier is looked up under, per tree (what the redirector queries, in its order). */
export function ownerNames(id: Identifier, apex: string): Partial<Record<Tree, string>> {
  switch (id.kind) {
    case 'pin':
    case 'e164':
      return {
        e164: e164Owner(id.e164, apex),
        carriers: enumName(id.e164, treeApex('carriers', apex)),
        pstn: enumName(id.e164, treeApex('pstn', apex)),
      };
    case 'vns':
      return { vns: vnsOwner(id.base, id.callingCode, apex) };
    case 'domain':
      return { domains: domainOwner(id.domain, apex) };
    case 'email':
      return { email: checked(`${emailLabel(id.local)}.${id.domain}.${treeApex('email', apex)}`) };
  }
}
