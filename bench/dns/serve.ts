// Benchmark harness: serve one master file with callx's DNS server and report load time and
// memory. Usage: node bench/dns/serve.ts --zone FILE --apex NAME [--port 5310] [--cache N]
//                [--no-wildcard-templates]   (--cache 0 turns the packet cache off)
//                [--load-only]   (measure the load of e.g. a 1M-name zone, then exit)
//                [--metrics]     (count queries for /metrics, as `callx serve` does; printed at exit)
import { parseArgs } from 'node:util';
import { createDnsServer, loadZone, ZoneSet } from '#dns';
import { createMetrics } from '#metrics';
import { createLogger } from '../../src/core/log.ts';

const { values } = parseArgs({
  options: {
    zone: { type: 'string' },
    apex: { type: 'string' },
    port: { type: 'string', default: '5310' },
    addr: { type: 'string', default: '127.0.0.1' },
    cache: { type: 'string', default: '200000' },
    'load-only': { type: 'boolean', default: false },
    'no-wildcard-templates': { type: 'boolean', default: false },
    metrics: { type: 'boolean', default: false },
  },
});
if (!values.zone || !values.apex) {
  process.stderr.write('usage: serve.ts --zone FILE --apex NAME [--port N] [--cache N] [--load-only]\n');
  process.exit(2);
}

const mib = (n: number) => Math.round(n / 1048576);
const t0 = performance.now();
const loaded = loadZone(values.zone, values.apex);
const zones = new ZoneSet();
zones.addZone(loaded.zone);
const loadMs = Math.round(performance.now() - t0);
globalThis.gc?.();
const mem = process.memoryUsage();
const report = {
  loadMs,
  names: loaded.zone.nodes.size,
  records: loaded.records,
  rssMiB: mib(mem.rss),
  heapMiB: mib(mem.heapUsed),
};
process.stdout.write(`${JSON.stringify({ event: 'loaded', ...report })}\n`);
if (values['load-only']) process.exit(0);

const metrics = values.metrics ? createMetrics() : undefined;
const dns = createDnsServer({
  config: { addr: values.addr, port: Number(values.port), tcpIdleMs: 10_000 },
  logger: createLogger('warn'),
  zones,
  cacheEntries: Number(values.cache),
  wildcardTemplates: !values['no-wildcard-templates'],
  metrics: metrics?.dns,
});
await dns.start();
process.stdout.write(`${JSON.stringify({ event: 'listening', port: dns.port })}\n`);
const stop = async () => {
  const s = dns.stats();
  process.stdout.write(
    `${JSON.stringify({ event: 'stats', rssMiB: mib(process.memoryUsage().rss), ...s })}\n`,
  );
  if (metrics)
    process.stdout.write(
      `${(await metrics.text())
        .split('\n')
        .filter((l) => l.startsWith('callx_dns_'))
        .join('\n')}\n`,
    );
  await dns.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
