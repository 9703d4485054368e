// One message on its way through the pipeline (pipeline.ts), and the types its steps share.
// The pipeline's own steps and the trust steps (trust/steps.ts) read and fill one `Call`.
import type { EmergencyDial, Route } from '#resolve';
import { header, parseNameAddr, type SipMessage, splitValues, type Via } from './message.ts';
import type { CallerClass } from './trust/types.ts';
import type { RequestContext, SipResponseSpec } from './types.ts';

/** One received message, as a transport hands it to the pipeline. */
export interface Inbound {
  /** The message: the bytes received (builtin), or the text drachtio-server forwarded. */
  raw: Buffer | string;
  ctx: RequestContext;
  /** `raw` is one UDP datagram as received (its Content-Length is checked against it). */
  datagram?: boolean;
  /** `raw` parsed already (drachtio-srf parses every message it is handed). */
  parsed?: SipMessage;
  /** The transport could not frame the stream any further (TCP): answer this when the request can be addressed. */
  refused?: { status: 400 | 513; reason: string };
}

/** An answer: the decision, and the request it answers (or what could be read of a malformed one). */
export interface Reply {
  spec: SipResponseSpec;
  /** Via, From, To, Call-ID and CSeq of the response come from it (builtin transport). */
  request: SipMessage;
  via: Via;
  method: string;
}

/** The caller as the request names it: P-Asserted-Identity, else From. */
export interface CallerIdentity {
  uri: string;
  display: string | undefined;
  header: 'P-Asserted-Identity' | 'From';
}

/**
 * The caller as resolution takes it: `assert: false` for an anonymous caller (no
 * P-Asserted-Identity in the Contacts); `country` when known (a member's home country).
 */
export interface ResolveCaller {
  uri: string;
  display: string | undefined;
  header: 'P-Asserted-Identity' | 'From';
  assert?: boolean;
  country?: string | undefined;
}

/** What resolution decided, as far as the SIP answer is concerned. */
export interface RedirectDecision {
  status: number;
  /** Contact header values in order (already with q and embedded headers). */
  contacts: string[];
  /** Where each Contact leads, in the same order (the call policy reads it). */
  routes?: Route[];
  /** The dialed number, when it is one. */
  dialed?: { e164: string; country: string | null; type: string | null } | undefined;
  /** An emergency call, routed to the emergency gateway of that country. */
  emergency?: { code: string; country: string } | undefined;
  /** Why, for a Warning header on errors (RFC 3261 §20.43). */
  warning?: string;
  /** Seconds, with 503. */
  retryAfter?: number;
}

export type Outcome = Reply | null;
export type Next = () => Outcome | Promise<Outcome>;

/** Where one message is on its way through the steps. */
export interface Call {
  readonly input: Inbound;
  /** The message as text; '' until the `text` step decoded it. */
  text: string;
  msg: SipMessage | undefined;
  via: Via | undefined;
  method: string;
  callId: string;
  cseq: number;
  fromTag: string | undefined;
  /** Transaction key (RFC 3261 §17.2.3) and the To tag derived from it. */
  key: string;
  toTag: string;
  // --- INVITE and MESSAGE, from the classify step on (docs/trust.md) ---
  /** Who is calling: member (digest), trusted peer, or anonymous. Every later step reads it. */
  caller: CallerClass;
  /** The caller as the request presents it (P-Asserted-Identity, else From). */
  presented: CallerIdentity | undefined;
  /** An emergency short code of the caller's country: routed whoever calls, never limited. */
  emergency: EmergencyDial | null;
  /** Identity headers a trusted peer sent, checked, passed on in its Contacts. */
  identities: string[];
  /** What resolution decided (the route step), narrowed by the policy step. */
  decision: RedirectDecision | undefined;
}

export interface Step {
  readonly name: string;
  run(c: Call, next: Next): Outcome | Promise<Outcome>;
}

/** An answer to the parsed request `c.msg`. */
export function answer(c: Call, s: SipResponseSpec): Reply {
  return { spec: s, request: c.msg!, via: c.via!, method: c.method };
}

/** The caller's identity: the first P-Asserted-Identity (RFC 3325), a tel: one preferred, else From. */
export function callerOf(msg: SipMessage): CallerIdentity | undefined {
  const pai = header(msg, 'p-asserted-identity');
  if (pai) {
    const values = splitValues(pai)
      .map(parseNameAddr)
      .filter((v) => v !== null);
    const chosen = values.find((v) => v.uri.toLowerCase().startsWith('tel:')) ?? values[0];
    if (chosen) return { uri: chosen.uri, display: chosen.display, header: 'P-Asserted-Identity' };
  }
  const from = parseNameAddr(header(msg, 'from') ?? '');
  return from ? { uri: from.uri, display: from.display, header: 'From' } : undefined;
}
