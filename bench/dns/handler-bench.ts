// CPU cost of callx's own query path, without sockets: the query handler called in a loop on
// the dnsperf query file (gen_data.py's 100,000-number zone), like the UDP server calls it. The
// network and Node's dgram add a fixed cost per packet on top (bench/RESULTS.md); this isolates
// what callx's code does, with far less noise than a dnsperf run on a shared machine.
//
// Usage: node bench/dns/handler-bench.ts --zone FILE --queries FILE [--apex e164.callx.test]
//          [--rounds 5] [--seconds 3] [--edns] [--metrics]
// Prints ns per query for each round (each round cycles through the queries), and the median.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadZone, ZoneSet } from '#dns';
import { createMetrics } from '#metrics';
import { createHandler } from '../../src/dns/server/handler.ts';
import { buildQuery } from '../../test/dns/helpers/wire.ts';

const { values } = parseArgs({
  options: {
    zone: { type: 'string' },
    queries: { type: 'string' },
    apex: { type: 'string', default: 'e164.callx.test' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '3' },
    edns: { type: 'boolean', default: false },
    metrics: { type: 'boolean', default: false },
  },
});
if (!values.zone || !values.queries) {
  process.stderr.write('usage: handler-bench.ts --zone FILE --queries FILE [--rounds N] [--seconds S]\n');
  process.exit(2);
}

const zones = new ZoneSet();
zones.addZone(loadZone(values.zone, values.apex).zone);
const metrics = values.metrics ? createMetrics({ processMetrics: false }).dns : undefined;
const handler = createHandler(() => zones, { metrics });
const queries = readFileSync(values.queries, 'latin1')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l, i) => {
    const [name, type] = l.trim().split(/\s+/);
    return buildQuery({ name: name!, type: type!, id: i & 0xffff, edns: values.edns ? {} : null });
  });

// warm-up: every answer cached once, the JIT settled
for (let i = 0; i < queries.length * 2; i++) handler.handle(queries[i % queries.length]!, false, '127.0.0.1');

const results: number[] = [];
let sink = 0;
for (let r = 0; r < Number(values.rounds); r++) {
  const until = performance.now() + Number(values.seconds) * 1000;
  let n = 0;
  const t0 = process.cpuUsage();
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++, n++) {
      const out = handler.handle(queries[n % queries.length]!, false, '127.0.0.1');
      sink += out ? out.length : 0;
    }
  }
  const cpu = process.cpuUsage(t0);
  const ns = ((cpu.user + cpu.system) * 1000) / n;
  results.push(ns);
  process.stdout.write(`round ${r + 1}: ${ns.toFixed(0)} ns/query (${n} queries)\n`);
}
results.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({ event: 'handler', medianNsPerQuery: Math.round(results[results.length >> 1]!), sink: sink > 0 })}\n`,
);
