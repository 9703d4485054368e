// What a member publishes: its numbers in the e164 tree, its company branches in the vns tree,
// its company domain in the domains tree and its hashed email address in the email tree.
//
// Where a call goes (docs/design.md, "Resolution"): a PIN to the center of the number's own
// country (a Korean number held by a member living in the US is a Korean line), a VNS branch to
// its country's center, unless the member chose one center for all its calls (`centerCountry`).
// Branches of countries that share a calling code (US and CA on +1) share one owner name: they are
// published together in one RRset, in the company's order, never one over the other.

import type { Member, MemberNumber, PublishedRRset, VnsBranch } from '#core';
import { callingCodeOf, domainOwner, e164Owner, emailOwner, parseIdentifier, vnsOwner } from '#numbering';
import { centerUriForNumber, centerUriForVns } from './contacts.ts';
import type { PublishContext } from './context.ts';
import { naptrRdata, terminal } from './naptr.ts';

const E164 = /^\+[1-9]\d{1,14}$/;

type PinNumber = Extract<MemberNumber, { kind: 'pin' }>;
type VnsNumber = Extract<MemberNumber, { kind: 'vns' }>;

const pins = (m: Member): PinNumber[] => m.numbers.filter((n): n is PinNumber => n.kind === 'pin');
const vnses = (m: Member): VnsNumber[] => m.numbers.filter((n): n is VnsNumber => n.kind === 'vns');

/** The country of an E.164 number (+1 416 is CA), or null for numbers of no country. */
export function countryOfNumber(e164: string): string | null {
  try {
    const id = parseIdentifier(e164);
    return id.kind === 'e164' || id.kind === 'pin' ? id.country : null;
  } catch {
    return null;
  }
}

/** The country whose center takes calls to a PIN: the member's choice, else the number's country. */
export function centerCountryOfNumber(m: Pick<Member, 'centerCountry' | 'country'>, e164: string): string {
  return m.centerCountry ?? countryOfNumber(e164) ?? m.country;
}

/** The country whose center takes calls to a VNS branch: the member's choice, else the branch's country. */
export function centerCountryOfBranch(m: Pick<Member, 'centerCountry'>, b: VnsBranch): string {
  return m.centerCountry ?? b.country;
}

/** The web and mail records a member's numbers carry (after every call record). */
function serviceRecords(m: Member, webPref: number): string[] {
  const out: string[] = [];
  if (m.homePage) {
    const service = m.homePage.startsWith('https:') ? 'E2U+web:https' : 'E2U+web:http';
    out.push(terminal(100, webPref, service, m.homePage));
  }
  // An address in the e164 and vns trees is readable by anyone who walks them: only when the member asks.
  if (m.email && m.publishEmail)
    out.push(terminal(100, webPref + 10, 'E2U+email:mailto', `mailto:${m.email}`));
  return out;
}

/** The member's NAPTRs at each of its numbers: center first, other carriers, PSTN, web, email. */
function numberRecords(m: Member, e164: string, apex: string): string[] {
  const out = [terminal(100, 10, 'E2U+sip', centerUriForNumber(e164, centerCountryOfNumber(m, e164), apex))];
  m.otherCarriers.forEach((target, i) => {
    out.push(
      E164.test(target)
        ? terminal(100, 20 + i, 'E2U+tel', `tel:${target}`)
        : terminal(100, 20 + i, 'E2U+sip', target),
    );
  });
  if (m.contactPstn) out.push(terminal(100, 50, 'E2U+tel', `tel:${m.contactPstn}`));
  out.push(...serviceRecords(m, 60));
  return out;
}

/**
 * One branch's records; the k-th branch of a shared calling code (in the company's order) takes
 * preferences 100·k + 10, 20, 30, so the first branch is offered first and none is dropped.
 */
function branchRecords(m: Member, base: string, b: VnsBranch, k: number, apex: string): string[] {
  const out: string[] = [];
  const p = 100 * k;
  if (b.sipUri) out.push(terminal(100, p + 10, 'E2U+sip', b.sipUri));
  if (b.pstn) out.push(terminal(100, p + 20, 'E2U+tel', `tel:${b.pstn}`));
  out.push(terminal(100, p + 30, 'E2U+sip', centerUriForVns(base, centerCountryOfBranch(m, b), apex)));
  return out;
}

/** A non-terminal rule: look the identifier up again at `name` (RFC 3403 flags ""). */
const redirectTo = (name: string): string =>
  naptrRdata({ order: 100, preference: 10, flags: '', service: 'E2U+sip', regexp: '', replacement: name });

/** Where a company's domain (and address) leads: its VNS branch at home, else its first number. */
function companyTarget(m: Member, apex: string): string | undefined {
  for (const v of vnses(m)) {
    const home = v.branches.find((b) => b.country === m.country) ?? v.branches[0];
    if (home) return vnsOwner(v.base, callingCodeOf(home.country), apex);
  }
  return firstPin(m, apex);
}

function firstPin(m: Member, apex: string): string | undefined {
  const pin = pins(m)[0];
  return pin ? e164Owner(pin.e164, apex) : undefined;
}

/**
 * What a number suspended for unpaid rent publishes instead of its NAPTRs (docs/billing.md,
 * "Number rental"): the name stays, so resolution tells "suspended" (SIP 480) from "nobody".
 */
export const SUSPENDED_TXT = '"callx-suspended"';

/** The branches of one VNS base grouped by calling code, each group in the company's order. */
function branchGroups(v: VnsNumber): Map<string, VnsBranch[]> {
  const groups = new Map<string, VnsBranch[]>();
  for (const b of v.branches) {
    const cc = callingCodeOf(b.country);
    const g = groups.get(cc);
    if (g) g.push(b);
    else groups.set(cc, [b]);
  }
  return groups;
}

export function deriveMember(m: Member, ctx: PublishContext): PublishedRRset[] {
  const { apex } = ctx;
  const ttl = ctx.ttl.member;
  const out: PublishedRRset[] = [];
  const suspended = new Set(m.suspendedNumbers ?? []);
  for (const { e164 } of pins(m)) {
    const name = e164Owner(e164, apex);
    if (suspended.has(`pin:${e164}`)) out.push({ name, type: 'TXT', ttl, rdata: [SUSPENDED_TXT] });
    else out.push({ name, type: 'NAPTR', ttl, rdata: numberRecords(m, e164, apex) });
  }
  for (const v of vnses(m)) {
    for (const [cc, group] of branchGroups(v)) {
      const name = vnsOwner(v.base, cc, apex);
      if (suspended.has(`vns:${v.base}`)) {
        out.push({ name, type: 'TXT', ttl, rdata: [SUSPENDED_TXT] });
        continue;
      }
      const rdata = group.flatMap((b, k) => branchRecords(m, v.base, b, k, apex));
      rdata.push(...serviceRecords(m, 100 * (group.length - 1) + 60));
      out.push({ name, type: 'NAPTR', ttl, rdata });
    }
  }
  // A domain and an address lead where the member's calls go: its home branch or first number,
  // else its contactable PSTN number (a company's address is claimed like a person's, so it
  // is published like one: docs/sales.md, "Members").
  const target = m.type === 'company' ? companyTarget(m, apex) : firstPin(m, apex);
  const rdata = target
    ? [redirectTo(target)]
    : m.contactPstn
      ? [terminal(100, 10, 'E2U+tel', `tel:${m.contactPstn}`)]
      : [];
  if (rdata.length > 0) {
    if (m.type === 'company' && m.domain)
      out.push({ name: domainOwner(m.domain, apex), type: 'NAPTR', ttl, rdata });
    if (m.email) out.push({ name: emailOwner(m.email, apex), type: 'NAPTR', ttl, rdata });
  }
  return out;
}
