// The slow path of the server: TSIG-signed requests, zone transfers (AXFR RFC 5936, IXFR
// RFC 1995) with their access control, and NOTIFY received. The query handler calls it for any
// query that is signed, asks for a transfer or is a NOTIFY (docs/dns.md, "Transfers").

import { createLogLimiter, type Logger, type LogLimiter } from '#core';
import type { DnsMetrics } from '#metrics';
import { CLASS, RCODE, readName, readRdata, TYPE } from '#wire';
import { encodeError } from '../answer/encode.ts';
import { serialGt } from '../model/serial.ts';
import type { Zone } from '../model/zone.ts';
import type { ZoneSet } from '../model/zoneset.ts';
import type { ParsedQuery } from '../server/query.ts';
import { type Acl, parseAcl, plainAddress } from './acl.ts';
import { ixfrRecords, stepsBetween } from './ixfr.ts';
import {
  axfrRecords,
  MessagePacker,
  snapshot,
  soaRecord,
  type XfrQuery,
  type XfrRecord,
} from './messages.ts';
import {
  appendUnsignedError,
  type Keyring,
  parseTsigKeys,
  readTsig,
  signBadTime,
  TSIG_ERROR,
  TsigSigner,
  tsigSize,
  verifyRequest,
} from './tsig.ts';

const TSIG_ERROR_NAME: Record<number, string> = Object.fromEntries(
  Object.entries(TSIG_ERROR).map(([k, v]) => [v, k]),
);

/** A transfer in progress: writes its messages through `send` (which waits for the socket). */
export interface XfrJob {
  readonly kind: 'xfr-job';
  run(send: (msg: Buffer) => Promise<void>): Promise<void>;
  /** Releases the job's transfer slot when it will never run (the connection went away). */
  cancel(): void;
}

export type HandlerResult = Buffer | XfrJob | null;

export function isJob(r: HandlerResult): r is XfrJob {
  return r !== null && !Buffer.isBuffer(r);
}

export interface XfrOptions {
  /** Addresses and CIDR prefixes allowed to transfer (CALLX_DNS_XFR_ALLOW). */
  allow: readonly string[];
  /** TSIG keys name:algorithm:base64 (CALLX_DNS_TSIG_KEYS); when any is set, transfers must be signed. */
  tsigKeys: readonly string[];
  /** Transfers running at once; more are REFUSED (default 10). */
  maxTransfers?: number;
  /** Seconds since the epoch (tests move time). */
  now?: () => number;
  /** Counts transfer requests by kind and outcome. */
  metrics?: DnsMetrics;
  /**
   * Rate-limited lines (one per kind and window, then a count): refusals and failed TSIG come
   * from spoofable packets. The server passes its own; one is made when absent.
   */
  logs?: LogLimiter;
}

/** How the normal answer path is called back for a verified signed query. */
export interface Ctx {
  tcp: boolean;
  remote: string;
  /** Largest response, the TSIG record already deducted. */
  limit: number;
  signer: TsigSigner | null;
}

export interface XfrService {
  readonly keys: Keyring;
  readonly acl: Acl;
  signed(
    q: ParsedQuery,
    msg: Buffer,
    tcp: boolean,
    remote: string,
    respond: (ctx: Ctx) => HandlerResult,
    udpLimit: number,
  ): HandlerResult;
  transfer(q: ParsedQuery, zones: ZoneSet, ctx: Ctx): HandlerResult;
  notify(q: ParsedQuery): HandlerResult;
  active(): number;
}

export function createXfrService(opts: XfrOptions, logger: Logger): XfrService {
  const logs = opts.logs ?? createLogLimiter(logger.child({ component: 'dns' }));
  const keys = parseTsigKeys(opts.tsigKeys);
  const acl = parseAcl(opts.allow);
  const nowSec = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const maxTransfers = opts.maxTransfers ?? 10;
  let running = 0;

  function xfrQuery(q: ParsedQuery): XfrQuery {
    return {
      id: q.id,
      rd: q.rd,
      question: Buffer.from(q.buf.subarray(12, q.qEnd)),
      qLabels: q.labels(),
      edns: q.edns ? { do: q.edns.do } : null,
    };
  }

  function signed(
    q: ParsedQuery,
    msg: Buffer,
    tcp: boolean,
    remote: string,
    respond: (ctx: Ctx) => HandlerResult,
    udpLimit: number,
  ): HandlerResult {
    let rec: ReturnType<typeof readTsig>;
    try {
      rec = readTsig(msg, q.tsigAt);
    } catch {
      return encodeError(q, RCODE.FORMERR);
    }
    const now = nowSec();
    const v = verifyRequest(msg, rec, keys, now);
    if (!v.ok) {
      if (v.error === RCODE.FORMERR) return encodeError(q, RCODE.FORMERR);
      // the key name is the sender's to choose: the line's key is the error alone
      const from = plainAddress(remote);
      const keyName = rec.keyName.join('.');
      const what = TSIG_ERROR_NAME[v.error] ?? String(v.error);
      logs.log(
        'info',
        `tsig:${v.error}`,
        { from, key: keyName, tsigError: v.error },
        `dns: TSIG verification failed (${what}): key ${keyName} from ${from}`,
      );
      const base = encodeError(q, RCODE.NOTAUTH);
      if (v.error === TSIG_ERROR.BADKEY || v.error === TSIG_ERROR.BADSIG)
        return appendUnsignedError(base, rec, v.error);
      const signer = new TsigSigner(v.key!, rec.mac, nowSec);
      return v.error === TSIG_ERROR.BADTIME
        ? signBadTime(base, signer, rec, now)
        : signer.sign(base, { error: v.error });
    }
    const signer = new TsigSigner(v.key, rec.mac, nowSec);
    const reserve = tsigSize(v.key);
    const out = respond({ tcp, remote, limit: (tcp ? 65535 : udpLimit) - reserve, signer });
    if (out === null || isJob(out)) return out;
    return signer.sign(out);
  }

  /** The client's serial from the SOA in an IXFR query's authority section, or null. */
  function clientSerial(q: ParsedQuery): number | null {
    if (q.nsCount !== 1) return null;
    try {
      const owner = readName(q.buf, q.qEnd);
      const p = owner.next;
      if (q.buf.readUInt16BE(p) !== TYPE.SOA) return null;
      const rd = readRdata(TYPE.SOA, q.buf, p + 10, q.buf.readUInt16BE(p + 8), false);
      return rd.fields[2] as number;
    } catch {
      return null;
    }
  }

  function job(
    kind: 'AXFR' | 'IXFR',
    zone: Zone,
    xq: XfrQuery,
    records: Generator<XfrRecord>,
    ctx: Ctx,
    note: string,
  ): XfrJob {
    running++;
    let started = false;
    const t0 = Date.now();
    const from = plainAddress(ctx.remote);
    return {
      kind: 'xfr-job',
      cancel() {
        if (started) return;
        started = true;
        running--;
        opts.metrics?.transfer(kind, 'error');
      },
      async run(send) {
        if (started) return;
        started = true;
        const packer = new MessagePacker(xq, ctx.signer ? tsigSize(ctx.signer.key) : 0);
        const sign = (m: Buffer) => (ctx.signer ? ctx.signer.sign(m) : m);
        try {
          for (const r of records) {
            const m = packer.add(r);
            if (m) await send(sign(m));
          }
          await send(sign(packer.finish()));
          opts.metrics?.transfer(kind, 'ok');
          logs.log(
            'info',
            `xfr-done:${kind}:${zone.name}:${from}`,
            {
              zone: zone.name,
              to: from,
              messages: packer.messages,
              records: packer.records,
              octets: packer.octets,
              ms: Date.now() - t0,
            },
            `dns: ${kind} of ${zone.name} to ${from} finished${note}`,
          );
        } catch (err) {
          opts.metrics?.transfer(kind, 'error');
          logs.log(
            'warn',
            `xfr-aborted:${zone.name}`,
            { err, zone: zone.name, to: from },
            `dns: ${kind} of ${zone.name} to ${from} aborted`,
          );
          throw err;
        } finally {
          running--;
        }
      },
    };
  }

  function singleSoa(zone: Zone, xq: XfrQuery): Buffer {
    const p = new MessagePacker(xq, 0);
    p.add(soaRecord(zone, zone.soa()!, zone.serial));
    return p.finish();
  }

  function transfer(q: ParsedQuery, zones: ZoneSet, ctx: Ctx): HandlerResult {
    const out = transferOrRefuse(q, zones, ctx);
    // a job counts itself when it ends; a single message is counted now
    if (opts.metrics && Buffer.isBuffer(out)) {
      const rcode = out[3]! & 0x0f;
      const refused = rcode === RCODE.REFUSED || rcode === RCODE.NOTAUTH || rcode === RCODE.NOTIMP;
      opts.metrics.transfer(
        q.qtype === TYPE.AXFR ? 'AXFR' : 'IXFR',
        rcode === 0 ? 'ok' : refused ? 'refused' : 'error',
      );
    }
    return out;
  }

  function transferOrRefuse(q: ParsedQuery, zones: ZoneSet, ctx: Ctx): HandlerResult {
    const axfr = q.qtype === TYPE.AXFR;
    if (axfr && !ctx.tcp) return encodeError(q, RCODE.NOTIMP); // RFC 5936 §4.2, as Knot
    const zone = zones.zones.get(q.qkey);
    if (!zone?.soa()) return encodeError(q, RCODE.NOTAUTH);
    const from = plainAddress(ctx.remote);
    if (q.qclass !== CLASS.IN && q.qclass !== CLASS.ANY) return encodeError(q, RCODE.REFUSED);
    if (!acl.allows(ctx.remote) || (keys.size > 0 && !ctx.signer)) {
      // a spoofable packet (IXFR over UDP): one line per zone and window, then a count
      logs.log(
        'info',
        `xfr-refused:${zone.name}`,
        { zone: zone.name, from, signed: ctx.signer !== null },
        `dns: ${axfr ? 'AXFR' : 'IXFR'} of ${zone.name} refused to ${from}`,
      );
      return encodeError(q, RCODE.REFUSED);
    }
    const xq = xfrQuery(q);
    let note = '';
    if (!axfr) {
      const c = clientSerial(q);
      if (c === null) return encodeError(q, RCODE.FORMERR);
      // up to date (or ahead of us), or over UDP: the single SOA (RFC 1995 §2, §4)
      if (!serialGt(zone.serial, c) || !ctx.tcp) return singleSoa(zone, xq);
      const steps = stepsBetween(zone.changes, c, zone.serial);
      if (steps) {
        if (running >= maxTransfers) return encodeError(q, RCODE.REFUSED);
        const soa = zone.soa()!;
        return job(
          'IXFR',
          zone,
          xq,
          ixfrRecords(zone, soa, steps, zone.serial),
          ctx,
          ` (serial ${c} -> ${zone.serial}, ${steps.length} steps)`,
        );
      }
      note = ` (IXFR from serial ${c}: history does not reach back, sent AXFR)`;
    }
    if (running >= maxTransfers) {
      logs.log(
        'warn',
        'xfr-busy',
        { zone: zone.name, from },
        `dns: too many transfers running (${maxTransfers}); refused ${zone.name} to ${from}`,
      );
      return encodeError(q, RCODE.REFUSED);
    }
    const snap = snapshot(zone)!;
    return job(axfr ? 'AXFR' : 'IXFR', zone, xq, axfrRecords(snap), ctx, note || ` (serial ${snap.serial})`);
  }

  /** callx is the primary: it takes NOTIFY from nobody (answered NOTAUTH, as Knot does). */
  function notify(q: ParsedQuery): HandlerResult {
    return encodeError(q, RCODE.NOTAUTH);
  }

  return { keys, acl, signed, transfer, notify, active: () => running };
}
