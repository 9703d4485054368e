// Where the redirector's time goes, step by step, in one process with a warm DNS cache:
// parsing (drachtio-srf's SipMessage), resolution (identifier parse, cached DNS answers, NAPTR
// processing, Contacts), building the response, and the whole pipeline. Prints JSON.
//   node bench/sip/steps.ts [iterations]
import { createDnsServer } from '#dns';
import { parseIdentifier } from '#numbering';
import { callerOf } from '#sip';
import { silentLogger } from '../../src/core/log.ts';
import { parseSipMessage } from '../../src/sip/message.ts';
import { buildResponse, topViaOf } from '../../src/sip/response.ts';
import { createSipService } from '../../src/sip/service.ts';
import { sipConfig, ZONES_DIR } from '../../test/sip/env.ts';

const N = Number(process.argv[2] ?? 50_000);
const dns = createDnsServer({
  config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 5000 },
  logger: silentLogger,
  zonesDir: ZONES_DIR,
});
await dns.start();
const service = createSipService({ config: sipConfig(dns.port), logger: silentLogger });
const ctx = { transport: 'udp' as const, remoteAddress: '127.0.0.1', remotePort: 5080 };

const NUMBERS = [
  '+82262006200',
  '+82262006201',
  '+82262006202',
  '+82262006204',
  '+12125550100',
  '+442079460123',
];
let seq = 0;
const invite = (num: string) =>
  [
    `INVITE sip:${num}@127.0.0.1:5060 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-${++seq}-0`,
    `From: <sip:sipp@127.0.0.1:5080>;tag=${seq}SIPpTag001`,
    `To: <sip:${num}@127.0.0.1:5060>`,
    `Call-ID: ${seq}-4242@127.0.0.1`,
    'CSeq: 1 INVITE',
    'Contact: <sip:sipp@127.0.0.1:5080>',
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

// warm the DNS cache and the identifier cache
const pipeline = async (raw: Buffer) => {
  const out = await service.redirector.process({ raw, ctx, datagram: true });
  return out && buildResponse(out.request, out.spec, out.via, ctx);
};
for (const n of NUMBERS) await pipeline(Buffer.from(invite(n)));

function time(label: string, fn: (i: number) => unknown): [string, number] {
  for (let i = 0; i < 2000; i++) fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  return [label, Number(process.hrtime.bigint() - t0) / 1000 / N];
}
async function timeAsync(label: string, fn: (i: number) => Promise<unknown>): Promise<[string, number]> {
  for (let i = 0; i < 2000; i++) await fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await fn(i);
  return [label, Number(process.hrtime.bigint() - t0) / 1000 / N];
}

const texts = Array.from({ length: 1000 }, (_, i) => invite(NUMBERS[i % NUMBERS.length]!));
const bufs = texts.map((t) => Buffer.from(t));
const msgs = texts.map((t) => parseSipMessage(t));
const results: [string, number][] = [];
results.push(time('buffer to string', (i) => bufs[i % 1000]!.toString('utf8')));
results.push(time('parse: drachtio SipMessage', (i) => parseSipMessage(texts[i % 1000]!)));
results.push(time('parse: top Via', (i) => topViaOf(msgs[i % 1000]!)));
results.push(
  time('identifier: libphonenumber (uncached)', (i) =>
    parseIdentifier(`sip:${NUMBERS[i % NUMBERS.length]}@127.0.0.1:5060`),
  ),
);
results.push(
  await timeAsync('resolution: decide() (verdict remembered)', (i) =>
    service.resolver.decide(msgs[i % 1000]!.uri!, callerOf(msgs[i % 1000]!)),
  ),
);
results.push(
  await timeAsync('resolution: resolve() (full, DNS answers cached)', (i) =>
    service.resolver.resolve(msgs[i % 1000]!.uri!, callerOf(msgs[i % 1000]!)),
  ),
);
const spec = (await service.redirector.process({ raw: invite(NUMBERS[0]!), ctx }))!.spec;
results.push(
  time('response: build and serialize', (i) =>
    buildResponse(msgs[i % 1000]!, spec, topViaOf(msgs[i % 1000]!)!, ctx),
  ),
);
results.push(
  await timeAsync(
    'core: process() of a parsed message (drachtio transport) incl. transaction memory',
    (i) => {
      const raw = invite(NUMBERS[i % NUMBERS.length]!);
      return service.redirector.process({ raw, ctx, parsed: parseSipMessage(raw) });
    },
  ),
);
results.push(
  await timeAsync('pipeline: bytes in -> response text (builtin transport)', (i) =>
    pipeline(Buffer.from(invite(NUMBERS[i % NUMBERS.length]!))),
  ),
);

console.log(
  JSON.stringify(
    {
      iterations: N,
      node: process.version,
      us_per_call: Object.fromEntries(results.map(([k, v]) => [k, Math.round(v * 100) / 100])),
    },
    null,
    2,
  ),
);
await service.stop();
await dns.stop();
