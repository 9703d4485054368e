// The request pipeline: everything the redirector does with one received message, declared once
// as an ordered list of steps and run by both transports. The builtin transport hands it the
// bytes of a datagram or of a framed TCP message; the drachtio transport hands it the text
// drachtio-server forwarded (already parsed by drachtio-srf). What comes out is the answer, or
// null for "send nothing"; the transport only writes it (builtin: response.ts, drachtio:
// res.send, where drachtio-server adds Via, From, To, Call-ID and CSeq itself).
//
// A step gets the call and `next` (the rest of the pipeline): it answers, drops (null), or
// returns what `next` gives (possibly after adding to it). docs/sip.md lists the steps.
import type { Logger, LogLimiter } from '#core';
import type { SipBilling } from './billing/authorize.ts';
import { authorize } from './billing/authorize.ts';
import {
  answer,
  type Call,
  type Inbound,
  type Outcome,
  type RedirectDecision,
  type Reply,
  type ResolveCaller,
  type Step,
} from './call.ts';
import { salvageRequest } from './malformed.ts';
import {
  header,
  parseCSeq,
  parseNameAddr,
  parseSipMessage,
  type SipMessage,
  SipParseError,
  splitValues,
} from './message.ts';
import { topViaOf } from './response.ts';
import { spec } from './spec.ts';
import { type Transactions, toTagFor, transactionKey } from './transactions.ts';
import { classify, identity, limits, policy, redirect, route } from './trust/steps.ts';
import type { Trust } from './trust/trust.ts';
import type { RequestContext, SipResponseSpec } from './types.ts';
import { UNSAFE_IN_HEADER, warning } from './warning.ts';

export type { Call, Step } from './call.ts';
export { callerOf } from './call.ts';

export const ALLOW = 'INVITE, ACK, CANCEL, OPTIONS, MESSAGE, REGISTER';
const ANONYMOUS = { kind: 'anonymous' } as const;
export const SERVER = 'callx';

export type { CallerIdentity, Inbound, RedirectDecision, Reply, ResolveCaller } from './call.ts';

export type ResolveFn = (requestUri: string, caller: ResolveCaller | undefined) => Promise<RedirectDecision>;
export type RegisterFn = (msg: SipMessage, ctx: RequestContext, toTag: string) => Promise<SipResponseSpec>;

export interface PipelineDeps {
  resolve: ResolveFn;
  /** REGISTER handling (mobility); without it REGISTER gets 405. */
  register?: RegisterFn | undefined;
  log: Logger;
  /** Repeated log lines (a store outage fails every request alike). */
  limiter: LogLimiter;
  tx: Transactions;
  /** Who is calling and what they may reach (docs/trust.md): the trust steps' dependencies. */
  trust: Trust;
  /** The fee system's pre-call authorization (docs/billing.md); without it no call is rated. */
  billing?: SipBilling | undefined;
}

/**
 * A 400 (or 513) for a message that cannot be processed, addressed from what can be read of it;
 * null (nothing sent) when not even that can be read, or a copied header holds a control character.
 */
function refuse(c: Call, status: 400 | 513, why: string): Outcome {
  const salvaged = salvageRequest(c.text || textOf(c.input.raw));
  if (!salvaged) return null;
  const h = salvaged.msg.headers;
  const key = `${salvaged.via.params.get('branch') ?? ''}|${h['call-id']}|${h.cseq}`;
  return {
    spec: spec(status, toTagFor(key), [warning(why)]),
    request: salvaged.msg,
    via: salvaged.via,
    method: salvaged.msg.method ?? '',
  };
}

const textOf = (raw: Buffer | string): string => (typeof raw === 'string' ? raw : raw.toString('utf8'));

// ---------------------------------------------------------------------------------------------
// The steps, in the order they run (PIPELINE below).

/**
 * Every answer leaves through here: the Server header is added, and a header value holding a
 * control character (none should: the steps below refuse them in requests and warning() escapes
 * what it quotes) has it replaced, so nothing a request sent can end a header line of ours.
 * A request that makes a step throw (drachtio-srf's lazily parsed headers can) gets a 400.
 */
const seal = (deps: PipelineDeps): Step => ({
  name: 'seal',
  run(c, next) {
    const done = (r: Outcome): Outcome => {
      if (!r) return r;
      // a new list: the decision may be shared with retransmissions (transactions.ts)
      const headers: [string, string][] = [];
      for (const [name, value] of r.spec.headers) {
        if (!UNSAFE_IN_HEADER.test(value)) headers.push([name, value]);
        else {
          headers.push([name, value.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' ')]);
          deps.limiter.log(
            'error',
            `unsafe:${name}`,
            { header: name },
            `sip: ${name} value had a control character`,
          );
        }
      }
      headers.push(['Server', SERVER]);
      return { ...r, spec: { ...r.spec, headers } };
    };
    const failed = (err: unknown): Outcome => {
      deps.log.debug({ err: (err as Error).message }, 'sip: request could not be handled');
      return done(refuse(c, 400, 'malformed message'));
    };
    try {
      const out = next();
      return out instanceof Promise ? out.then(done, failed) : done(out);
    } catch (err) {
      return failed(err);
    }
  },
});

/**
 * An ACK is never answered (RFC 3261 §17.2.1: it ends our 3xx-6xx exchange; we send no 2xx):
 * dropped before anything is spent on it. One in every two messages of a call is an ACK.
 * (drachtio-server absorbs ACKs itself: none reaches this step through it.)
 */
const ack = (): Step => ({
  name: 'ack',
  run(c, next) {
    const raw = c.input.raw;
    let i = 0;
    if (typeof raw === 'string') {
      while (raw.charCodeAt(i) === 13 || raw.charCodeAt(i) === 10) i++;
      if (raw.startsWith('ACK ', i)) return null;
    } else {
      while (raw[i] === 13 || raw[i] === 10) i++;
      if (raw[i] === 0x41 && raw[i + 1] === 0x43 && raw[i + 2] === 0x4b && raw[i + 3] === 0x20) return null;
    }
    return next();
  },
});

/** A TCP stream that cannot be framed any further: 400 or 513 when the request can be addressed. */
const refused = (): Step => ({
  name: 'refused',
  run(c, next) {
    const r = c.input.refused;
    return r ? refuse(c, r.status, r.reason) : next();
  },
});

const CL_RE = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im;

/** RFC 3261 §18.3: a datagram whose Content-Length exceeds its body is malformed. */
const datagram = (): Step => ({
  name: 'datagram',
  run(c, next) {
    const raw = c.input.raw;
    if (c.input.datagram && typeof raw !== 'string') {
      const end = raw.indexOf('\r\n\r\n');
      const cl = end < 0 ? null : CL_RE.exec(raw.subarray(0, end).toString('latin1'));
      if (cl && Number(cl[1]) > raw.length - end - 4)
        return refuse(c, 400, 'Content-Length exceeds the datagram');
    }
    return next();
  },
});

const FOLD = /\r\n[ \t]+/g;

/**
 * The header section `t[0, end)`: 0 when clean; 1 when it has folded lines (CRLF + SP/HT) and is
 * otherwise clean; 2 when a bare CR, a bare LF or another control character (HT aside) is in it.
 * A loop rather than a regular expression: about half the time, on every message.
 */
function headerState(t: string, end: number): 0 | 1 | 2 {
  let state: 0 | 1 = 0;
  for (let i = 0; i < end; i++) {
    const c = t.charCodeAt(i);
    if ((c >= 32 && c !== 127) || c === 9) continue;
    if (c === 13 && t.charCodeAt(i + 1) === 10) {
      const next = t.charCodeAt(i + 2);
      if (next === 32 || next === 9) state = 1;
      i++;
      continue;
    }
    return 2;
  }
  return state;
}

/**
 * The header section as text, line by line. Folded lines (CRLF + whitespace, RFC 3261 §7.3.1)
 * are joined. A bare CR or LF inside a header line, NUL or another control character is never
 * part of a value: the request gets 400, addressed from its headers read with every CR, LF or
 * CRLF as a line break (so `Require: a<LF>X-Inj: 1` can neither reach the 420's Unsupported nor
 * become a header of ours), or nothing when a header we would copy holds one.
 */
const text = (): Step => ({
  name: 'text',
  run(c, next) {
    let t = textOf(c.input.raw);
    const found = t.indexOf('\r\n\r\n');
    const end = found < 0 ? t.length : found;
    c.text = t;
    const state = headerState(t, end);
    if (state === 2) return refuse(c, 400, 'control character in a header line');
    if (state === 1) {
      t = t.slice(0, end).replace(FOLD, ' ') + t.slice(end);
      c.text = t;
    }
    return next();
  },
});

/** drachtio-srf's parser (the same model on both transports); refused: 400 when addressable. */
const parse = (deps: PipelineDeps): Step => ({
  name: 'parse',
  run(c, next) {
    const pre = c.input.parsed;
    if (pre && c.text === pre.raw) c.msg = pre;
    else {
      try {
        c.msg = parseSipMessage(c.text);
      } catch (err) {
        if (!(err instanceof SipParseError)) throw err;
        const ctx = c.input.ctx;
        deps.log.debug(
          { from: `${ctx.remoteAddress}:${ctx.remotePort}`, err: err.message },
          'sip: malformed message',
        );
        return refuse(c, 400, 'malformed message');
      }
    }
    return next();
  },
});

/** A stateless server sends no requests: responses reaching it are stray. */
const requests = (): Step => ({
  name: 'requests',
  run: (c, next) => (c.msg!.type === 'request' ? next() : null),
});

/** The top Via, read once: without one no response can be addressed. */
const via = (): Step => ({
  name: 'via',
  run(c, next) {
    const v = topViaOf(c.msg!);
    if (!v) return null;
    c.via = v;
    c.method = c.msg!.method!;
    return next();
  },
});

/** Call-ID, CSeq (matching the method), From and To: the transaction key and To tag come from them. */
const dialog = (): Step => ({
  name: 'dialog',
  run(c, next) {
    const msg = c.msg!;
    const callId = header(msg, 'call-id');
    const cseq = parseCSeq(header(msg, 'cseq') ?? '');
    const from = parseNameAddr(header(msg, 'from') ?? '');
    const to = parseNameAddr(header(msg, 'to') ?? '');
    c.callId = callId ?? '';
    c.cseq = cseq?.seq ?? 0;
    c.fromTag = from?.params.get('tag');
    c.key = transactionKey(c.via!, c.method, c.callId, c.fromTag, c.cseq);
    c.toTag = toTagFor(c.key);
    const missing = !callId ? 'Call-ID' : !cseq ? 'CSeq' : !from ? 'From' : !to ? 'To' : undefined;
    if (missing)
      return answer(
        c,
        spec(400, c.toTag, [warning(`missing or malformed ${missing}`)], `Bad Request (${missing})`),
      );
    if (cseq!.method !== c.method)
      return answer(c, spec(400, c.toTag, [warning('CSeq method does not match the request')]));
    return next();
  },
});

/** CANCEL: 200 and the pending INVITE ends with 487, or 481 when no such INVITE is known. */
const cancel = (deps: PipelineDeps): Step => ({
  name: 'cancel',
  run(c, next) {
    if (c.method !== 'CANCEL') return next();
    const key = transactionKey(c.via!, 'INVITE', c.callId, c.fromTag, c.cseq);
    const invite = deps.tx.get(key);
    if (!invite) return answer(c, spec(481, c.toTag));
    invite.terminate?.(spec(487, toTagFor(key)));
    return answer(c, spec(200, c.toTag));
  },
});

/** A retransmission gets the answer given (or being given) to its transaction; the rest runs once. */
const transaction = (deps: PipelineDeps): Step => ({
  name: 'transaction',
  run(c, next) {
    return deps.tx
      .run(
        c.key,
        async () => (await next())?.spec ?? null,
        c.method === 'INVITE', // a CANCEL can end it
      )
      .then((s) => (s ? answer(c, s) : null));
  },
});

/** Request-URIs we redirect: sip, sips, tel; anything else 416. */
const scheme = (): Step => ({
  name: 'scheme',
  run(c, next) {
    const s = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(c.msg!.uri ?? '')?.[1]?.toLowerCase();
    if (s === 'sip' || s === 'sips' || s === 'tel') return next();
    return answer(
      c,
      spec(416, c.toTag, [warning(`Request-URI scheme '${s ?? ''}' is not sip, sips or tel`)]),
    );
  },
});

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;

/** We support no extension: Require gets 420 listing them (RFC 3261 §8.2.2.3); option tags are tokens. */
const require = (): Step => ({
  name: 'require',
  run(c, next) {
    const r = header(c.msg!, 'require');
    if (!r) return next();
    const tags = splitValues(r);
    if (!tags.every((t) => TOKEN.test(t)))
      return answer(c, spec(400, c.toTag, [warning('malformed Require')]));
    return answer(c, spec(420, c.toTag, [['Unsupported', tags.join(', ')]]));
  },
});

/** For what we redirect (INVITE, MESSAGE): Max-Forwards 0 is 483, a malformed one 400. */
const maxForwards = (): Step => ({
  name: 'max-forwards',
  run(c, next) {
    if (c.method !== 'INVITE' && c.method !== 'MESSAGE') return next();
    const mf = header(c.msg!, 'max-forwards');
    if (mf !== undefined) {
      if (!/^\s*\d{1,9}\s*$/.test(mf))
        return answer(c, spec(400, c.toTag, [warning(`bad Max-Forwards '${mf}'`)]));
      if (Number(mf) === 0) return answer(c, spec(483, c.toTag));
    }
    return next();
  },
});

/**
 * OPTIONS answered, REGISTER registered, anything else but INVITE and MESSAGE 405; INVITE and
 * MESSAGE go on to the trust steps and the redirect. A failure on the way is a 500 (logged).
 */
const method = (deps: PipelineDeps): Step => ({
  name: 'method',
  async run(c, next) {
    const msg = c.msg!;
    const toTag = c.toTag;
    try {
      switch (c.method) {
        case 'INVITE':
        case 'MESSAGE':
          return await next();
        case 'OPTIONS':
          return answer(
            c,
            spec(200, toTag, [
              ['Allow', ALLOW],
              ['Accept', 'application/sdp'],
            ]),
          );
        case 'REGISTER':
          if (deps.register) return answer(c, await deps.register(msg, c.input.ctx, toTag));
          return answer(c, spec(405, toTag, [['Allow', ALLOW.replace(', REGISTER', '')]]));
        default:
          return answer(c, spec(405, toTag, [['Allow', ALLOW]]));
      }
    } catch (err) {
      deps.limiter.log(
        'error',
        `failed:${c.method}:${(err as Error).message}`,
        { err, method: c.method, callId: c.callId },
        `sip: ${c.method} ${msg.uri}: request failed`,
      );
      return answer(c, spec(500, toTag, [warning('internal error')]));
    }
  },
});

/** The pipeline, in order. */
export const PIPELINE: readonly ((deps: PipelineDeps) => Step)[] = [
  seal,
  ack,
  refused,
  datagram,
  text,
  parse,
  requests,
  via,
  dialog,
  cancel,
  transaction,
  scheme,
  require,
  maxForwards,
  method,
  // INVITE and MESSAGE (docs/trust.md): who calls, fraud limits, resolution, what they may reach,
  // the fee system's authorization (docs/billing.md), the signed identity, the 302
  classify,
  limits,
  route,
  policy,
  authorize,
  identity,
  redirect,
];

/** Builds the steps with their dependencies; `run` takes one message through them. */
export function createPipeline(deps: PipelineDeps): {
  steps: readonly Step[];
  run(input: Inbound): Promise<Reply | null>;
} {
  const steps = PIPELINE.map((make) => make(deps));
  const at = (c: Call, i: number): Outcome | Promise<Outcome> => steps[i]!.run(c, () => at(c, i + 1));
  return {
    steps,
    async run(input) {
      const c: Call = {
        input,
        text: '',
        msg: undefined,
        via: undefined,
        method: '',
        callId: '',
        cseq: 0,
        fromTag: undefined,
        key: '',
        toTag: '',
        caller: ANONYMOUS,
        presented: undefined,
        emergency: null,
        identities: [],
        decision: undefined,
      };
      return at(c, 0);
    },
  };
}
