// Benchmark harness for bench/sip/run.sh: one callx process per role, as Kamailio and Knot are
// two processes in the peer measurement.
//   node bench/sip/serve.ts dns --zones DIR --port 5321
//   node bench/sip/serve.ts sip --port 5072 --resolver 127.0.0.1:5321 [--apex callx.test]
//   node bench/sip/serve.ts sip --drachtio 127.0.0.1:9032:secret --resolver 127.0.0.1:5321   (drachtio transport)
//   node bench/sip/serve.ts sip --auth --port 5076 --resolver 127.0.0.1:5321 [--stir-reuse 1]
//     caller trust on (docs/trust.md): nobody trusted, the member kim (password bench-pw, +82 2 6200
//     6200) authenticates by digest, its calls are signed (ES256, a key made at start), no limits
//     (a benchmark is one member at thousands of calls a second); --stir-reuse 0 signs every call
//   node bench/sip/serve.ts sip --auth --billing --port 5078 --resolver 127.0.0.1:5321
//     and the fee system's authorization (docs/billing.md): kim's calls to +44 (gw.uk.callx.test)
//     rated on a 100,000-prefix sell deck and a 10,000-prefix cost deck, held, logged, and given a
//     route token (bench/sip/billing-setup.ts: an embedded store in a temporary folder)
// Prints one JSON line when ready and counters on SIGTERM.
import { parseArgs } from 'node:util';
import { ha1 } from '#core';
import { createDnsServer } from '#dns';
import { generateStirCredentials } from '#registry';
import { createSipService } from '#sip';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { seedBilling } from './billing-setup.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    zones: { type: 'string' },
    port: { type: 'string' },
    resolver: { type: 'string' },
    apex: { type: 'string', default: 'callx.test' },
    drachtio: { type: 'string' },
    auth: { type: 'boolean', default: false },
    'stir-reuse': { type: 'string', default: '1' },
    billing: { type: 'boolean', default: false },
  },
});
const role = positionals[0];
const log = createLogger('warn');
const mib = (n: number) => Math.round(n / 1048576);

if (role === 'dns') {
  const dns = createDnsServer({
    config: { addr: '127.0.0.1', port: Number(values.port ?? 5321), tcpIdleMs: 10_000 },
    logger: log,
    zonesDir: values.zones!,
  });
  await dns.start();
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', role, port: dns.port, rssMiB: mib(process.memoryUsage().rss) })}\n`,
  );
  const stop = async () => {
    await dns.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else if (role === 'sip') {
  const [dHost, dPort, dSecret] = (values.drachtio ?? '').split(':');
  const config = loadConfig({
    CALLX_APEX: values.apex,
    CALLX_SIP_ADDR: '127.0.0.1',
    CALLX_SIP_PORT: values.port ?? '5072',
    CALLX_SIP_RESOLVERS: values.resolver ?? '127.0.0.1:5321',
    CALLX_DEFAULT_COUNTRY: 'KR',
    CALLX_SIP_TRUSTED: values.auth ? '' : '127.0.0.0/8',
    ...(values.drachtio
      ? {
          CALLX_SIP_TRANSPORT: 'drachtio',
          DRACHTIO_HOST: dHost,
          DRACHTIO_PORT: dPort,
          DRACHTIO_SECRET: dSecret,
        }
      : {}),
  });
  const auth = values.auth
    ? {
        accounts: {
          byUsername: async (u: string) =>
            u === 'kim'
              ? {
                  username: 'kim',
                  ha1Md5: ha1('MD5', 'kim', 'callx.test', 'bench-pw'),
                  ha1Sha256: ha1('SHA-256', 'kim', 'callx.test', 'bench-pw'),
                  memberId: 'm-kim',
                  registrarId: 'bench',
                  country: 'KR',
                  numbers: ['+82262006200'],
                  displayName: 'Kim',
                }
              : null,
        },
        trustSource: {
          load: async () => ({
            peers: [],
            policies: new Map([
              ['default', { limits: { memberPerMinute: 0, sourcePerMinute: 0, internationalPerDay: 0 } }],
            ]),
          }),
        },
        stir: () => generateStirCredentials('callx.test', Date.now()),
        stirReuseS: Number(values['stir-reuse']),
      }
    : {};
  const fees = values.billing
    ? await seedBilling({ id: 'gw-uk', host: 'gw.uk.callx.test', cc: '44', name: 'UK' })
    : null;
  const authorizer = fees?.billing.authorizer({ holder: 'bench-serve' });
  const sip = createSipService({
    config: values.auth
      ? {
          ...config,
          stir: {
            enabled: true,
            keyFile: undefined,
            certFile: undefined,
            x5u: 'http://127.0.0.1:8080/stir/cert.pem',
          },
        }
      : config,
    logger: log,
    ...auth,
    ...(fees && authorizer
      ? {
          billing: {
            authorize: authorizer.authorize,
            parties: fees.parties,
            stop: () => authorizer.wallet.close(),
          },
        }
      : {}),
  });
  const port = await sip.start();
  if (values.drachtio) {
    // listening means connected to drachtio-server with the routes registered
    while (!sip.health().drachtio?.connected) await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', role, port, rssMiB: mib(process.memoryUsage().rss) })}\n`,
  );
  const stop = async () => {
    process.stdout.write(
      `${JSON.stringify({ event: 'stats', rssMiB: mib(process.memoryUsage().rss), ...sip.stats() })}\n`,
    );
    await sip.stop();
    await fees?.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  process.stderr.write('usage: serve.ts dns --zones DIR --port N | sip --port N --resolver HOST:PORT\n');
  process.exit(2);
}
