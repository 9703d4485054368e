// NOTIFY (RFC 1996) to the configured secondaries after a zone's serial moves: over UDP, signed
// with the first TSIG key when keys are configured, retried with exponential backoff until the
// secondary answers; a newer serial replaces a pending one (only the latest matters).
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { type Clock, createLogLimiter, type HostPort, type Logger, systemClock, toSeconds } from '#core';
import { CLASS, OPCODE, TYPE, Writer, writeRdata } from '#wire';
import type { Zone } from '../model/zone.ts';
import { signRequest, type TsigKey } from './tsig.ts';

export interface NotifierOptions {
  targets: readonly HostPort[];
  /** Signs each NOTIFY (the secondary checks it against its ACL). */
  key?: TsigKey;
  logger: Logger;
  /** The time TSIG signatures carry (default the system clock). */
  clock?: Clock;
  /** First wait for an answer before resending (ms); doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

export interface Notifier {
  /** Sends NOTIFY for each zone's current serial to every target. */
  changed(zones: Iterable<Zone>): void;
  /** NOTIFYs sent and not answered yet. */
  pending(): number;
  /** Answers received so far (tests, metrics). */
  answered(): number;
  stop(): Promise<void>;
}

interface Pending {
  zone: Zone;
  target: HostPort;
  serial: number;
  id: number;
  attempts: number;
  timer: NodeJS.Timeout | null;
}

/** The NOTIFY message: opcode NOTIFY, AA, the zone's SOA as question and (RFC 1996 §3.7) answer. */
export function notifyMessage(zone: Zone, id: number): Buffer {
  const soa = zone.soa()!;
  const w = new Writer(256);
  w.u16(id);
  w.u8((OPCODE.NOTIFY << 3) | 0x04);
  w.u8(0);
  w.u16(1);
  w.u16(1);
  w.u16(0);
  w.u16(0);
  w.name(zone.apex, true);
  w.u16(TYPE.SOA);
  w.u16(CLASS.IN);
  w.name(zone.apex, true);
  w.u16(TYPE.SOA);
  w.u16(CLASS.IN);
  w.u32(soa.ttl);
  const lenAt = w.pos;
  w.u16(0);
  writeRdata(w, soa.rdatas[0]!, true);
  w.buf.writeUInt16BE(w.pos - lenAt - 2, lenAt);
  return Buffer.from(w.toBuffer());
}

export function createNotifier(opts: NotifierOptions): Notifier {
  const log = opts.logger.child({ component: 'dns' });
  const clock = opts.clock ?? systemClock;
  // answers arrive over UDP (spoofable), retries repeat: one line per kind, target and window
  const logs = createLogLimiter(log, { clock });
  const first = opts.retryMs ?? 1000;
  const max = opts.maxRetryMs ?? 60_000;
  const state = new Map<string, Pending>();
  const sockets: { 4?: dgram.Socket; 6?: dgram.Socket } = {};
  let answered = 0;
  let stopped = false;

  function socketFor(host: string): dgram.Socket {
    const fam = isIPv6(host) ? 6 : 4;
    let s = sockets[fam];
    if (!s) {
      s = dgram.createSocket(fam === 6 ? 'udp6' : 'udp4');
      s.on('message', onAnswer);
      s.on('error', (err) => logs.log('warn', 'notify-socket', { err }, 'dns: notify socket error'));
      s.unref();
      sockets[fam] = s;
    }
    return s;
  }

  function onAnswer(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (msg.length < 12 || (msg[2]! & 0x80) === 0 || ((msg[2]! >> 3) & 0xf) !== OPCODE.NOTIFY) return;
    const id = msg.readUInt16BE(0);
    for (const [k, p] of state) {
      if (p.id !== id || p.target.port !== rinfo.port) continue;
      if (p.timer) clearTimeout(p.timer);
      state.delete(k);
      answered++;
      const rcode = msg[3]! & 0xf;
      const to = `${p.target.host}:${p.target.port}`;
      if (rcode !== 0)
        logs.log(
          'warn',
          `notify-error:${p.zone.name}:${to}`,
          { zone: p.zone.name, to, rcode },
          `dns: NOTIFY of ${p.zone.name} answered with an error by ${to}`,
        );
      else log.debug({ zone: p.zone.name, serial: p.serial }, 'dns: NOTIFY answered');
      return;
    }
  }

  function send(p: Pending): void {
    if (stopped) return;
    p.attempts++;
    p.id = randomInt(0, 65536);
    let msg = notifyMessage(p.zone, p.id);
    if (opts.key) msg = signRequest(msg, opts.key, toSeconds(clock.now())).wire;
    const to = `${p.target.host}:${p.target.port}`;
    socketFor(p.target.host).send(msg, p.target.port, p.target.host, (err) => {
      if (err)
        logs.log(
          'warn',
          `notify-send:${to}`,
          { err, zone: p.zone.name, to },
          `dns: NOTIFY of ${p.zone.name} could not be sent to ${to}`,
        );
    });
    if (p.attempts === 4)
      logs.log(
        'warn',
        `notify-silent:${to}`,
        { zone: p.zone.name, to },
        `dns: secondary ${to} does not answer NOTIFY of ${p.zone.name}; still retrying`,
      );
    const wait = Math.min(first * 2 ** (p.attempts - 1), max);
    p.timer = setTimeout(() => send(p), wait);
    p.timer.unref();
  }

  return {
    changed(zones) {
      for (const zone of zones) {
        if (!zone.soa()) continue;
        for (const target of opts.targets) {
          const k = `${zone.key}|${target.host}|${target.port}`;
          const old = state.get(k);
          if (old?.timer) clearTimeout(old.timer);
          const p: Pending = { zone, target, serial: zone.serial, id: 0, attempts: 0, timer: null };
          state.set(k, p);
          send(p);
        }
      }
    },
    pending: () => state.size,
    answered: () => answered,
    async stop() {
      stopped = true;
      logs.flush();
      for (const p of state.values()) if (p.timer) clearTimeout(p.timer);
      state.clear();
      await Promise.all(
        Object.values(sockets).map((s) => new Promise<void>((r) => (s as dgram.Socket).close(() => r()))),
      );
    },
  };
}
