// One query in, one response out (or nothing): the transport-independent part of the server.
// Hot path: parse the question from the buffer, look the packet cache up, patch and copy.

import type { DnsMetrics } from '#metrics';
import { CLASS, latin1Write, OPCODE, RCODE, TYPE } from '#wire';
import { encodeAnswer, encodeError, responseLimit } from '../answer/encode.ts';
import { resolve } from '../answer/resolve.ts';
import { PacketCache } from '../cache/packet-cache.ts';
import { WildcardCache } from '../cache/wildcard-cache.ts';
import type { ZoneSet } from '../model/zoneset.ts';
import type { Ctx, HandlerResult, XfrService } from '../xfr/service.ts';
import { ParsedQuery } from './query.ts';

export interface HandlerStats {
  queries: number;
  formerr: number;
  dropped: number;
}

export interface Handler {
  /** The response to `msg` over UDP (or a one-message TCP answer), or null when nothing must be sent. */
  handle(msg: Buffer, tcp: boolean, remote?: string): Buffer | null;
  /** Over TCP a transfer answers with a job that streams its messages. */
  handleTcp(msg: Buffer, remote: string): HandlerResult;
  cache: PacketCache;
  wildcards: WildcardCache;
  stats: HandlerStats;
}

export interface HandlerOptions {
  /** Packet cache size; 0 turns it off (benchmarks measure each step). */
  cacheEntries?: number;
  /** Packet cache bound in bytes (CALLX_DNS_CACHE_BYTES). */
  cacheBytes?: number;
  /** One shared answer per wildcard (default on). */
  wildcardTemplates?: boolean;
  /** TSIG, transfers and NOTIFY; without it they get NOTIMP (and signatures are ignored). */
  xfr?: XfrService;
  /** Counts every answer (transport, qtype, rcode, time): a few typed-array cells per query. */
  metrics?: DnsMetrics;
}

export function createHandler(zones: () => ZoneSet, opts: HandlerOptions = {}): Handler {
  const q = new ParsedQuery();
  const cache = new PacketCache(opts.cacheEntries, opts.cacheBytes);
  const wild = new WildcardCache();
  const templates = opts.wildcardTemplates ?? true;
  const xfr = opts.xfr;
  const metrics = opts.metrics;
  const stats: HandlerStats = { queries: 0, formerr: 0, dropped: 0 };
  /** An extended rcode (above 15) the answer carries in its OPT record, for metrics. */
  let extRcode = 0;

  function run(msg: Buffer, tcp: boolean, remote: string): HandlerResult {
    if (metrics === undefined) return answer(msg, tcp, remote);
    const t0 = performance.now();
    extRcode = 0;
    const out = answer(msg, tcp, remote);
    if (out !== null && out instanceof Uint8Array)
      metrics.query(
        tcp ? 'tcp' : 'udp',
        q.qtype,
        extRcode || out[3]! & 0x0f,
        (performance.now() - t0) / 1000,
      );
    return out;
  }

  function answer(msg: Buffer, tcp: boolean, remote: string): HandlerResult {
    stats.queries++;
    const status = q.parse(msg);
    if (status === 'drop') {
      stats.dropped++;
      return null;
    }
    if (status === 'formerr') {
      stats.formerr++;
      return encodeError(q, RCODE.FORMERR);
    }
    if (xfr && q.tsigAt >= 0) {
      const udpLimit = responseLimit(q, false);
      return xfr.signed(
        q,
        msg,
        tcp,
        remote,
        (ctx) => respond(msg, ctx.tcp, ctx.remote, ctx.limit, ctx),
        udpLimit,
      );
    }
    return respond(msg, tcp, remote, responseLimit(q, tcp), null);
  }

  /** `ctx` is the signed path's context; plain queries pass null (no allocation per query). */
  function respond(msg: Buffer, tcp: boolean, remote: string, limit: number, ctx: Ctx | null): HandlerResult {
    if (q.opcode === OPCODE.NOTIFY && xfr) return xfr.notify(q);
    if (q.opcode !== OPCODE.QUERY) return encodeError(q, RCODE.NOTIMP);
    if (q.edns && q.edns.version > 0) {
      extRcode = RCODE.BADVERS;
      return encodeError(q, RCODE.BADVERS);
    }
    // class ANY is answered as IN (as Knot does); other classes are not served
    if (q.qclass !== CLASS.IN && q.qclass !== CLASS.ANY) return encodeError(q, RCODE.REFUSED);
    const qtype = q.qtype;
    if (qtype === TYPE.AXFR || qtype === TYPE.IXFR)
      return xfr
        ? xfr.transfer(q, zones(), ctx ?? { tcp, remote, limit, signer: null })
        : encodeError(q, RCODE.NOTIMP);
    if (qtype === TYPE.OPT || qtype === TYPE.TSIG || qtype === TYPE.TKEY || qtype === 0)
      return encodeError(q, RCODE.FORMERR);
    const zs = zones();
    const mode = q.edns ? (q.edns.do ? 2 : 1) : 0;
    const hit = cache.get(q, mode, zs);
    if (hit && hit.wire.length <= limit) return patch(hit.wire, msg, q.nameEnd);
    const answer = resolve(zs, q.qkey, qtype);
    const wc =
      templates && answer.wildcard && WildcardCache.relocatable(answer.answer) ? answer.wildcard : null;
    if (wc) {
      const out = wild.get(wc, qtype, mode, msg, q.qEnd);
      if (out && out.length <= limit) return out;
    }
    q.labels();
    const full = encodeAnswer(q, answer, 65535);
    if (wc) wild.set(wc, qtype, mode, full, q.qEnd);
    else cache.set(q, mode, full, zs, answer.zone, answer.deps);
    if (full.length <= limit) return full;
    return encodeAnswer(q, answer, limit);
  }

  function handle(msg: Buffer, tcp: boolean, remote = ''): Buffer | null {
    const out = run(msg, tcp, remote);
    if (out === null || out instanceof Uint8Array) return out;
    // only a TCP connection can stream a transfer (handleTcp); nothing to send here
    out.cancel();
    return null;
  }

  return { handle, handleTcp: (msg, remote) => run(msg, true, remote), cache, wildcards: wild, stats };
}

/**
 * Copies a cached response, taking ID, RD and the question name (the client's case) from the
 * query; type and class are the same (the cache compared them).
 */
function patch(wire: string, query: Buffer, nameEnd: number): Buffer {
  const out = Buffer.allocUnsafe(wire.length);
  latin1Write(out, wire, 0); // one native copy, without Buffer#write's argument handling
  out[0] = query[0]!;
  out[1] = query[1]!;
  out[2] = (out[2]! & 0xfe) | (query[2]! & 0x01);
  for (let i = 13; i < nameEnd; i++) out[i] = query[i]!;
  return out;
}
