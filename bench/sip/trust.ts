// The in-process cost of caller trust per call (docs/trust.md): the whole pipeline (bytes in ->
// response text, DNS answers and verdicts cached) for each caller class, and its parts — digest
// verification, the policy, ES256 signing, a reused PASSporT. Prints JSON.
//   node bench/sip/trust.ts [iterations]
import { createDnsServer } from '#dns';
import { generateStirCredentials } from '#registry';
import { silentLogger } from '../../src/core/log.ts';
import { parseSipMessage } from '../../src/sip/message.ts';
import { digestResponse, parseAuthorization } from '../../src/sip/register/digest.ts';
import { createSipService } from '../../src/sip/service.ts';
import { createDigestVerifier } from '../../src/sip/trust/digest-auth.ts';
import { createSigner, origidOf } from '../../src/sip/trust/stir.ts';
import { sipConfig, ZONES_DIR } from '../../test/sip/env.ts';
import { authorizations, invite, KIM, KIM_ACCOUNTS, pipeline, TRUST_SOURCE } from './member-calls.ts';

const N = Number(process.argv[2] ?? 20_000);
const dns = createDnsServer({
  config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 5000 },
  logger: silentLogger,
  zonesDir: ZONES_DIR,
});
await dns.start();
const creds = await generateStirCredentials('callx.test', Date.now());
/** A redirector with caller trust: nobody trusted but 127.0.0.2, kim a member, signing with reuse `reuseS`. */
async function redirector(reuseS: number) {
  const service = createSipService({
    config: {
      ...sipConfig(dns.port, { CALLX_SIP_TRUSTED: '127.0.0.2' }),
      stir: {
        enabled: true,
        keyFile: undefined,
        certFile: undefined,
        x5u: 'https://callx.test/stir/cert.pem',
      },
    },
    logger: silentLogger,
    accounts: KIM_ACCOUNTS,
    trustSource: TRUST_SOURCE,
    stir: async () => ({ ...creds }),
    stirReuseS: reuseS,
  });
  await service.start();
  return service;
}
const reused = await redirector(1);
const signing = await redirector(0);

/** CPU time per call (the process's, signing threads included: what one pinned core pays), and wall time. */
async function timeAsync(
  label: string,
  n: number,
  fn: (i: number) => Promise<unknown>,
): Promise<[string, { cpu: number; wall: number }]> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  const wall = Number(process.hrtime.bigint() - t0) / 1000 / n;
  const c = process.cpuUsage(c0);
  return [label, { cpu: (c.user + c.system) / n, wall }];
}

// 10,000 destinations (as the SIPp ladder's), warmed: DNS answers and verdicts cached
const DESTS = Array.from({ length: 10_000 }, (_, i) => `+1212555${String(i).padStart(4, '0')}`);
for (const d of DESTS) await pipeline(signing, invite(d), '127.0.0.2');
for (const d of DESTS) await pipeline(reused, invite(d), '127.0.0.2');
const expect = async (
  service: Awaited<ReturnType<typeof redirector>>,
  raw: string,
  addr: string,
  want: number,
) => {
  const got = await pipeline(service, raw, addr);
  if (got !== want) throw new Error(`bench: expected ${want}, got ${got}`);
};
await expect(reused, invite('+82262006200'), '127.0.0.1', 302);
await expect(reused, invite(DESTS[0]!), '127.0.0.1', 401);

const results: [string, { cpu: number; wall: number }][] = [];

// PROFILE=anon|challenge|member: the CPU profile of that loop alone (top functions by self time)
const PROFILES: Record<string, (i: number) => Promise<unknown>> = {
  anon: (i) => pipeline(reused, invite(i % 2 ? '+82262006200' : '+82262006204'), '127.0.0.1'),
  challenge: (i) => pipeline(reused, invite(DESTS[i % DESTS.length]!), '127.0.0.1'),
  challenge1: () => pipeline(reused, invite(DESTS[0]!), '127.0.0.1'),
  anonpstn: () => pipeline(signing, invite(DESTS[0]!), '127.0.0.2'),
  peer: () => pipeline(reused, invite(DESTS[0]!), '127.0.0.2'),
  peersign: (i) => pipeline(signing, invite(DESTS[i % DESTS.length]!), '127.0.0.2'),
};
const memberAuth =
  process.env.PROFILE === 'member' ? await authorizations(reused, [DESTS[1]!], N + 2000) : [];
PROFILES.member = (i) => pipeline(reused, invite(DESTS[1]!, { auth: memberAuth[i], cseq: 2 }));
if (process.env.PROFILE) {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  const loop = PROFILES[process.env.PROFILE]!;
  for (let i = 0; i < 2000; i++) await loop(i);
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const r = await timeAsync(process.env.PROFILE, N, (i) => loop(i + 2000));
  const { profile } = await session.post('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const dt = profile.timeDeltas ?? [];
  const total = dt.reduce((a, b) => a + b, 0);
  (profile.samples ?? []).forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const k = `${f.functionName} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`;
    self.set(k, (self.get(k) ?? 0) + dt[i]!);
  });
  console.log(r);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`${((v / total) * 100).toFixed(1)}% ${k}`);
  process.exit(0);
}
results.push(
  await timeAsync('pipeline: anonymous caller -> member (classify, limits, policy; no signing)', N, (i) =>
    pipeline(reused, invite(i % 2 ? '+82262006200' : '+82262006204'), '127.0.0.1'),
  ),
);
results.push(
  await timeAsync('pipeline: anonymous caller -> PSTN: 401 with a new nonce', N, (i) =>
    pipeline(reused, invite(DESTS[i % DESTS.length]!), '127.0.0.1'),
  ),
);
results.push(
  await timeAsync('pipeline: trusted peer -> PSTN, PASSporT reused (attest C)', N, () =>
    pipeline(reused, invite(DESTS[0]!), '127.0.0.2'),
  ),
);
results.push(
  await timeAsync(
    'pipeline: trusted peer -> PSTN, 10,000 destinations, signed each call (attest C)',
    N,
    (i) => pipeline(signing, invite(DESTS[i % DESTS.length]!), '127.0.0.2'),
  ),
);
const one = await authorizations(reused, [DESTS[1]!], N);
results.push(
  await timeAsync(
    'pipeline: member with digest -> PSTN, one destination, PASSporT reused (attest A)',
    N,
    (i) => pipeline(reused, invite(DESTS[1]!, { auth: one[i], cseq: 2 })),
  ),
);
const many = await authorizations(signing, DESTS, N);
results.push(
  await timeAsync(
    'pipeline: member with digest -> PSTN, 10,000 destinations, signed each call (attest A)',
    N,
    (i) => pipeline(signing, invite(DESTS[i % DESTS.length]!, { auth: many[i], cseq: 2 })),
  ),
);

// the parts
const verifier = createDigestVerifier({ realm: 'callx.test', clock: { now: () => Date.now() } });
const ch = (await verifier.challenges(false))[0]![1];
const nonce = parseAuthorization(ch)!.get('nonce')!;
const msgs = Array.from({ length: N }, (_, i) => {
  const nc = (i + 1).toString(16).padStart(8, '0');
  const uri = `sip:${DESTS[0]}@callx.test`;
  const response = digestResponse('MD5', KIM.ha1Md5, {
    nonce,
    nc,
    cnonce: 'c',
    qop: 'auth',
    method: 'INVITE',
    uri,
  });
  return parseSipMessage(
    invite(DESTS[0]!, {
      auth: `Authorization: Digest username="kim", realm="callx.test", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="c"`,
    }),
  );
});
results.push(
  await timeAsync('part: digest verification (MD5, nonce HMAC, replay table)', N, (i) =>
    verifier.verify(msgs[i]!, () => KIM),
  ),
);
results.push(await timeAsync('part: a new challenge (nonce)', N, () => verifier.challenges(false)));
const signer = await createSigner({
  ...creds,
  x5u: 'https://callx.test/stir/cert.pem',
  clock: { now: () => Date.now() },
  reuseS: 0,
});
const claims = (i: number) => ({
  attest: 'A' as const,
  orig: '82262006200',
  dest: { tn: DESTS[i % DESTS.length]!.slice(1) },
  origid: origidOf('member', 'm-kim'),
});
results.push(
  await timeAsync('part: ES256 PASSporT signed (node:crypto)', Math.min(N, 5000), (i) =>
    signer.identity(claims(i)),
  ),
);
const cached = await createSigner({
  ...creds,
  x5u: 'https://callx.test/stir/cert.pem',
  clock: { now: () => Date.now() },
});
await cached.identity(claims(0));
results.push(
  await timeAsync('part: PASSporT reused within its iat second', N, () => cached.identity(claims(0))),
);

const cpu = process.cpuUsage();
console.log(
  JSON.stringify(
    {
      iterations: N,
      node: process.version,
      us_per_call_cpu: Object.fromEntries(results.map(([k, v]) => [k, Math.round(v.cpu * 10) / 10])),
      us_per_call_wall: Object.fromEntries(results.map(([k, v]) => [k, Math.round(v.wall * 10) / 10])),
      process_cpu_s: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    },
    null,
    2,
  ),
);
await reused.stop();
await signing.stop();
await dns.stop();
