// Raw DNS queries for tests: build a query packet and send it over UDP or TCP.
import dgram from 'node:dgram';
import net from 'node:net';
import { parseName } from '../../../src/wire/name.ts';
import { TYPE, typeFromName } from '../../../src/wire/types.ts';
import { Writer } from '../../../src/wire/writer.ts';

export interface QuerySpec {
  name: string;
  type: string;
  id?: number;
  rd?: boolean;
  cd?: boolean;
  ad?: boolean;
  opcode?: number;
  qclass?: number;
  /** null: no OPT record. */
  edns?: { size?: number; version?: number; do?: boolean } | null;
}

export function buildQuery(s: QuerySpec): Buffer {
  const w = new Writer(512, false);
  w.u16(s.id ?? Math.floor(Math.random() * 65536));
  w.u8(((s.opcode ?? 0) << 3) | (s.rd ? 1 : 0));
  w.u8((s.ad ? 0x20 : 0) | (s.cd ? 0x10 : 0));
  w.u16(1);
  w.u16(0);
  w.u16(0);
  w.u16(s.edns === null || s.edns === undefined ? 0 : 1);
  w.name(parseName(s.name.endsWith('.') ? s.name : `${s.name}.`, null), false);
  const t = typeFromName(s.type);
  if (t === undefined) throw new Error(`unknown type ${s.type}`);
  w.u16(t);
  w.u16(s.qclass ?? 1);
  if (s.edns) {
    w.u8(0);
    w.u16(TYPE.OPT);
    w.u16(s.edns.size ?? 1232);
    w.u32(((s.edns.version ?? 0) << 16) | (s.edns.do ? 0x8000 : 0));
    w.u16(0);
  }
  return Buffer.from(w.toBuffer());
}

/** Sends one datagram and waits for the answer with the same ID. */
export function udpQuery(port: number, msg: Buffer, host = '127.0.0.1', timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`udp query to ${host}:${port} timed out`));
    }, timeoutMs);
    sock.on('message', (m) => {
      if (m.length >= 2 && msg.length >= 2 && m.readUInt16BE(0) !== msg.readUInt16BE(0)) return;
      clearTimeout(timer);
      sock.close();
      resolve(m);
    });
    sock.send(msg, port, host);
  });
}

/** Sends several length-prefixed queries on one TCP connection; resolves with their answers. */
export function tcpQuery(
  port: number,
  msgs: Buffer[],
  host = '127.0.0.1',
  timeoutMs = 5000,
): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host });
    const out: Buffer[] = [];
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`tcp query to ${host}:${port} timed out after ${out.length}/${msgs.length} answers`));
    }, timeoutMs);
    sock.on('connect', () => {
      for (const m of msgs) {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(m.length);
        sock.write(Buffer.concat([len, m]));
      }
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        out.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (out.length === msgs.length) {
        clearTimeout(timer);
        sock.end();
        resolve(out);
      }
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
