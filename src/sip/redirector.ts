// The redirector core: one parsed request in, one response decision out, no I/O of its own
// (resolution and REGISTER are passed in). RFC 3261 behaviour of a stateless redirect server.
import type { Logger } from '#core';
import { header, parseCSeq, parseNameAddr, type SipMessage, splitValues } from './message.ts';
import { topViaOf } from './response.ts';
import { createTransactions, type Transactions, toTagFor, transactionKey } from './transactions.ts';
import { REASONS, type Redirector, type RequestContext, type SipResponseSpec } from './types.ts';

export const ALLOW = 'INVITE, ACK, CANCEL, OPTIONS, MESSAGE, REGISTER';

/** The caller as the request names it: P-Asserted-Identity, else From. */
export interface CallerIdentity {
  uri: string;
  display: string | undefined;
  header: 'P-Asserted-Identity' | 'From';
}

/** What resolution decided, as far as the SIP answer is concerned. */
export interface RedirectDecision {
  status: number;
  /** Contact header values in order (already with q and embedded headers). */
  contacts: string[];
  /** One line for a Warning header on errors (RFC 3261 §20.43), saying why. */
  warning?: string;
  /** Seconds, with 503. */
  retryAfter?: number;
}

export type ResolveFn = (requestUri: string, caller: CallerIdentity | undefined) => Promise<RedirectDecision>;
export type RegisterFn = (msg: SipMessage, ctx: RequestContext, toTag: string) => Promise<SipResponseSpec>;

export interface RedirectorDeps {
  resolve: ResolveFn;
  /** REGISTER handling (mobility); without it REGISTER gets 405. */
  register?: RegisterFn;
  log: Logger;
  /** Remembered transactions: how many, for how long (default 64*T1 = 32 s). */
  transactions?: { max: number; ttlMs: number };
}

/** The core, and its transaction table for metrics and the sweeper. */
export interface RedirectorCore extends Redirector {
  readonly transactions: Pick<Transactions, 'size' | 'purgeStale'>;
}

export function spec(
  status: number,
  toTag: string,
  headers: [string, string][] = [],
  reason?: string,
): SipResponseSpec {
  return { status, reason: reason ?? REASONS[status] ?? 'Unknown', headers, toTag };
}

/** warn-text is a quoted-string: escape quotes and backslashes, keep it on one line. */
function warning(text: string): [string, string] {
  const safe = text
    .replace(/[\r\n]+/g, ' ')
    .replace(/["\\]/g, (c) => `\\${c}`)
    .slice(0, 200);
  return ['Warning', `399 callx "${safe}"`];
}

/** The caller's identity: the first P-Asserted-Identity (RFC 3325), else From. */
export function callerOf(msg: SipMessage): CallerIdentity | undefined {
  const pai = header(msg, 'p-asserted-identity');
  if (pai) {
    // several PAI values (a sip: and a tel: one) may come: prefer the tel: (a number), else the first
    const values = splitValues(pai)
      .map(parseNameAddr)
      .filter((v) => v !== null);
    const chosen = values.find((v) => v.uri.toLowerCase().startsWith('tel:')) ?? values[0];
    if (chosen) return { uri: chosen.uri, display: chosen.display, header: 'P-Asserted-Identity' };
  }
  const from = parseNameAddr(header(msg, 'from') ?? '');
  return from ? { uri: from.uri, display: from.display, header: 'From' } : undefined;
}

export function createRedirector(deps: RedirectorDeps): RedirectorCore {
  const log = deps.log;
  const tx = createTransactions(deps.transactions?.max ?? 50_000, deps.transactions?.ttlMs ?? 32_000);

  async function redirect(msg: SipMessage, toTag: string): Promise<SipResponseSpec> {
    const mf = header(msg, 'max-forwards');
    if (mf !== undefined) {
      if (!/^\s*\d{1,9}\s*$/.test(mf)) return spec(400, toTag, [warning(`bad Max-Forwards '${mf}'`)]);
      if (Number(mf) === 0) return spec(483, toTag);
    }
    const decision = await deps.resolve(msg.uri ?? '', callerOf(msg));
    const headers: [string, string][] = [];
    if (decision.status >= 300 && decision.status < 400) {
      for (const c of decision.contacts) headers.push(['Contact', c]);
    }
    if (decision.retryAfter !== undefined) headers.push(['Retry-After', String(decision.retryAfter)]);
    if (decision.warning && decision.status >= 400) headers.push(warning(decision.warning));
    return spec(decision.status, toTag, headers);
  }

  async function dispatch(
    msg: SipMessage,
    ctx: RequestContext,
    method: string,
    toTag: string,
  ): Promise<SipResponseSpec> {
    switch (method) {
      case 'INVITE':
      case 'MESSAGE':
        return redirect(msg, toTag);
      case 'OPTIONS':
        return spec(200, toTag, [
          ['Allow', ALLOW],
          ['Accept', 'application/sdp'],
        ]);
      case 'REGISTER':
        if (deps.register) return deps.register(msg, ctx, toTag);
        return spec(405, toTag, [['Allow', ALLOW.replace(', REGISTER', '')]]);
      default:
        return spec(405, toTag, [['Allow', ALLOW]]);
    }
  }

  return {
    transactions: tx,
    async handle(msg, ctx) {
      if (msg.type !== 'request') return null; // a stateless server sends no requests: responses are stray
      const via = topViaOf(msg);
      if (!via) return null; // nowhere to send a response
      const method = msg.method!;
      if (method === 'ACK') return null; // the ACK for our 3xx/4xx-6xx ends the exchange; 2xx we never send

      const callId = header(msg, 'call-id');
      const cseq = parseCSeq(header(msg, 'cseq') ?? '');
      const from = parseNameAddr(header(msg, 'from') ?? '');
      const to = parseNameAddr(header(msg, 'to') ?? '');
      const key = transactionKey(via, method, callId ?? '', from?.params.get('tag'), cseq?.seq ?? 0);
      const toTag = toTagFor(key);
      const missing = !callId ? 'Call-ID' : !cseq ? 'CSeq' : !from ? 'From' : !to ? 'To' : undefined;
      if (missing)
        return spec(400, toTag, [warning(`missing or malformed ${missing}`)], `Bad Request (${missing})`);
      if (cseq!.method !== method)
        return spec(400, toTag, [warning('CSeq method does not match the request')]);

      if (method === 'CANCEL') {
        const invite = tx.get(transactionKey(via, 'INVITE', callId!, from!.params.get('tag'), cseq!.seq));
        if (!invite) return spec(481, toTag);
        invite.terminate?.(
          spec(487, toTagFor(transactionKey(via, 'INVITE', callId!, from!.params.get('tag'), cseq!.seq))),
        );
        return spec(200, toTag);
      }

      const uriScheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(msg.uri ?? '')?.[1]?.toLowerCase();
      const require = header(msg, 'require');
      return tx.run(
        key,
        async () => {
          if (uriScheme !== 'sip' && uriScheme !== 'sips' && uriScheme !== 'tel') {
            return spec(416, toTag, [
              warning(`Request-URI scheme '${uriScheme ?? ''}' is not sip, sips or tel`),
            ]);
          }
          if (require && method !== 'CANCEL') {
            return spec(420, toTag, [['Unsupported', splitValues(require).join(', ')]]);
          }
          try {
            return await dispatch(msg, ctx, method, toTag);
          } catch (err) {
            log.error({ err, callId, method }, 'sip: request failed');
            return spec(500, toTag, [warning('internal error')]);
          }
        },
        method === 'INVITE',
      );
    },
  };
}
