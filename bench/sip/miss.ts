// The cost of a cache miss, step by step: building the query, the DNS server's answer (in this
// process), decoding it, and a whole resolution with nothing cached. Prints JSON.
//   node bench/sip/miss.ts [iterations]
import dgram from 'node:dgram';
import { createDnsServer } from '#dns';
import { parseIdentifier } from '#numbering';
import { createResolver } from '#resolve';
import { silentLogger } from '../../src/core/log.ts';
import { createDnsClient } from '../../src/resolve/dns-client.ts';
import { decodeResponse, encodeQuery } from '../../src/resolve/wire.ts';
import { sipConfig, ZONES_DIR } from '../../test/sip/env.ts';

const N = Number(process.argv[2] ?? 20_000);
const dns = createDnsServer({
  config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 5000 },
  logger: silentLogger,
  zonesDir: ZONES_DIR,
});
await dns.start();
const name = '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test';
const answer: Buffer = await new Promise((resolve) => {
  const s = dgram.createSocket('udp4');
  s.on('message', (b: Buffer) => {
    resolve(b);
    s.close();
  });
  s.send(encodeQuery(1, name, 35), dns.port, '127.0.0.1');
});
const time = (fn: (i: number) => unknown) => {
  for (let i = 0; i < 1000; i++) fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  return Math.round(Number(process.hrtime.bigint() - t0) / N / 10) / 100;
};
const timeAsync = async (fn: (i: number) => Promise<unknown>) => {
  for (let i = 0; i < 500; i++) await fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await fn(i);
  return Math.round(Number(process.hrtime.bigint() - t0) / N / 10) / 100;
};
const client = createDnsClient({
  resolvers: [{ host: '127.0.0.1', port: dns.port }],
  timeoutMs: 1000,
  tries: 1,
});
const out = {
  'encode query': time((i) => encodeQuery(i & 0xffff, name, 35)),
  [`decode answer (${answer.length} octets, 3 NAPTRs)`]: time(() => decodeResponse(answer)),
  'query round trip over loopback (server in this process)': await timeAsync(() => client.query(name, 35)),
  'identifier: libphonenumber': time((i) =>
    parseIdentifier(`sip:+8226200${String(1000 + (i % 9000))}@127.0.0.1:5060`),
  ),
  'resolution with nothing cached (2 queries)': 0,
};
// caches of one entry and numbers taken in turn: every resolution parses and asks DNS twice
const cold = createResolver(sipConfig(dns.port), { limits: { dnsCacheEntries: 1, parseCacheEntries: 1 } });
const members = ['+82262006200', '+82262006202', '+82262006204'];
out['resolution with nothing cached (2 queries)'] = await timeAsync((i) =>
  cold.resolve(`sip:${members[i % 3]}@127.0.0.1:5060`),
);
cold.close();
console.log(JSON.stringify({ iterations: N, us: out }, null, 2));
client.close();
await dns.stop();
