// What a member publishes: its numbers in the e164 tree, its company branches in the vns tree,
// its company domain in the domains tree and its hashed email address in the email tree.

import type { Member, MemberNumber, PublishedRRset, VnsBranch } from '#core';
import { callingCodeOf, domainOwner, e164Owner, emailOwner, vnsOwner } from '#numbering';
import { centerUriForNumber, centerUriForVns } from './contacts.ts';
import type { PublishContext } from './context.ts';
import { naptrRdata, terminal } from './naptr.ts';

const E164 = /^\+[1-9]\d{1,14}$/;

type PinNumber = Extract<MemberNumber, { kind: 'pin' }>;
type VnsNumber = Extract<MemberNumber, { kind: 'vns' }>;

const pins = (m: Member): PinNumber[] => m.numbers.filter((n): n is PinNumber => n.kind === 'pin');
const vnses = (m: Member): VnsNumber[] => m.numbers.filter((n): n is VnsNumber => n.kind === 'vns');

/** The member's NAPTRs at each of its numbers: center first, other carriers, PSTN, web, email. */
function numberRecords(m: Member, e164: string, apex: string): string[] {
  const out = [terminal(100, 10, 'E2U+sip', centerUriForNumber(e164, m.country, apex))];
  m.otherCarriers.forEach((target, i) => {
    out.push(
      E164.test(target)
        ? terminal(100, 20 + i, 'E2U+tel', `tel:${target}`)
        : terminal(100, 20 + i, 'E2U+sip', target),
    );
  });
  if (m.contactPstn) out.push(terminal(100, 50, 'E2U+tel', `tel:${m.contactPstn}`));
  if (m.homePage) {
    const service = m.homePage.startsWith('https:') ? 'E2U+web:https' : 'E2U+web:http';
    out.push(terminal(100, 60, service, m.homePage));
  }
  // An address in the e164 tree is readable by anyone who walks it: only when the member asks.
  if (m.email && m.publishEmail) out.push(terminal(100, 70, 'E2U+email:mailto', `mailto:${m.email}`));
  return out;
}

function branchRecords(base: string, b: VnsBranch, apex: string): string[] {
  const out: string[] = [];
  if (b.sipUri) out.push(terminal(100, 10, 'E2U+sip', b.sipUri));
  if (b.pstn) out.push(terminal(100, 20, 'E2U+tel', `tel:${b.pstn}`));
  out.push(terminal(100, 30, 'E2U+sip', centerUriForVns(base, b.country, apex)));
  return out;
}

/** A non-terminal rule: look the identifier up again at `name` (RFC 3403 flags ""). */
const redirectTo = (name: string): string =>
  naptrRdata({ order: 100, preference: 10, flags: '', service: 'E2U+sip', regexp: '', replacement: name });

/** Where a company domain leads: its VNS branch at home, else its first number. */
function domainTarget(m: Member, apex: string): string | undefined {
  for (const v of vnses(m)) {
    const home = v.branches.find((b) => b.country === m.country) ?? v.branches[0];
    if (home) return vnsOwner(v.base, callingCodeOf(home.country), apex);
  }
  const pin = pins(m)[0];
  return pin ? e164Owner(pin.e164, apex) : undefined;
}

/**
 * What a number suspended for unpaid rent publishes instead of its NAPTRs (docs/billing.md,
 * "Number rental"): the name stays, so resolution tells "suspended" (SIP 480) from "nobody".
 */
export const SUSPENDED_TXT = '"callx-suspended"';

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
    for (const b of v.branches) {
      const name = vnsOwner(v.base, callingCodeOf(b.country), apex);
      if (suspended.has(`vns:${v.base}`)) out.push({ name, type: 'TXT', ttl, rdata: [SUSPENDED_TXT] });
      else out.push({ name, type: 'NAPTR', ttl, rdata: branchRecords(v.base, b, apex) });
    }
  }
  if (m.type === 'company' && m.domain) {
    const target = domainTarget(m, apex);
    if (target)
      out.push({ name: domainOwner(m.domain, apex), type: 'NAPTR', ttl, rdata: [redirectTo(target)] });
  }
  if (m.type === 'individual' && m.email) {
    const pin = pins(m)[0];
    const rdata = pin
      ? [redirectTo(e164Owner(pin.e164, apex))]
      : m.contactPstn
        ? [terminal(100, 10, 'E2U+tel', `tel:${m.contactPstn}`)]
        : [];
    if (rdata.length > 0) out.push({ name: emailOwner(m.email, apex), type: 'NAPTR', ttl, rdata });
  }
  return out;
}
