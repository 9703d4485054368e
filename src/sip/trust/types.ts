// Who is calling, as the classify step of the pipeline decides it for every INVITE and MESSAGE,
// and what the later steps (limits, policy, identity, and the fee system's authorization after
// them) read from it. docs/trust.md, docs/sip.md ("The request pipeline").
import type { CallerKind, DestinationClass, SipCredentials } from '#core';

export type { CallerKind, DestinationClass };

/** A member authenticated by SIP digest (the credentials it registers with). */
export interface MemberCaller {
  kind: 'member';
  memberId: string;
  registrarId: string;
  /** Its SIP username. */
  username: string;
  /** Home country (ISO): its policy scope, the country of its national numbers and emergency calls. */
  country: string;
  /** Its own telephone numbers (E.164, '+8226...'), the ones it may call from. */
  numbers: string[];
  displayName: string | undefined;
}

/** A country center, PSTN gateway or partner carrier we trust, or an address of CALLX_SIP_TRUSTED. */
export interface PeerCaller {
  kind: 'peer';
  /** 'center:KR', 'gateway:gw-kr', 'carrier:partner-a', or 'configured:<address or prefix>'. */
  peerId: string;
  peer: TrustedPeer['kind'];
  /** A center's country; null for gateways, carriers and configured peers. */
  country: string | null;
  /** How it was recognised: its source address, or its digest (and its address when it has sources). */
  via: 'address' | 'digest';
}

export interface AnonymousCaller {
  kind: 'anonymous';
}

/**
 * The classification result: a typed value every later step reads (`Call.caller`). The fee
 * system's pre-call authorization needs `memberId` and `registrarId` of a member.
 */
export type CallerClass = MemberCaller | PeerCaller | AnonymousCaller;

/** A trusted peer as the redirector holds it (registry routing data or configuration). */
export interface TrustedPeer {
  id: string;
  kind: 'center' | 'gateway' | 'carrier' | 'configured';
  /** A center's country. */
  country: string | null;
  /** Source addresses and CIDR prefixes; empty: any source, with the digest. */
  sources: string[];
  digest?: SipCredentials;
}

/** What a destination costs, from the tree its Contact came from (ResolvedContact.source). */
export function destinationClass(source: string): DestinationClass {
  const last = source.split('>').at(-1) ?? source;
  if (last === 'pstn') return 'pstn';
  if (last === 'carriers') return 'carrier';
  if (last.startsWith('enum:')) return 'partner';
  if (last === 'emergency') return 'emergency';
  // registered terminals and our own trees: e164, vns, domains, email
  if (last === 'registered' || last === 'e164' || last === 'vns' || last === 'domains' || last === 'email')
    return 'on-net';
  return 'pstn'; // anything unknown is treated as paid
}

/** Why a call was refused, as metrics and logs count it (a bounded set). */
export const REFUSALS = [
  'auth-required',
  'auth-failed',
  'auth-malformed',
  'identity-invalid',
  'blocked-caller',
  'blocked-source',
  'rate-member',
  'rate-source',
  'rate-peer',
  'policy',
  'blocked-destination',
  'premium',
  'international-limit',
  'insufficient-funds',
  'no-rate',
  'billing-unavailable',
] as const;
export type Refusal = (typeof REFUSALS)[number];
