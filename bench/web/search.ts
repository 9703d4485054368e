// The store's search page with 1,000,000 numbers in stock: server time of GET / (the whole
// request through the web app: visitor cookie, session look-up, the search, premiums per hit,
// the page template), measured with app.request() on the embedded store, no network.
//
//   node_modules/.bin/node bench/web/search.ts [numbers=1000000] [runs=50]
//
// Stocks through the sales service (blocks of 10,000, prices fixed when stocked; the search
// n-grams written with them) into bench/data/web-search (kept between runs: delete it to stock
// again). Each query is timed twice in the same run: with the n-grams' `!ready` marker removed
// (patterns that start with '*' walk the digits index, as before the n-grams) and with it (they
// read their n-gram's numbers). Prints one JSON line per query and mode: median, p90, max in ms.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.ts';
import { derivationFor } from '../../src/publish/index.ts';
import {
  ADMIN,
  createJournal,
  createMembers,
  createPublisher,
  createSales,
  registrarPrincipal,
  SCHEMA,
} from '../../src/registry/index.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { createWeb } from '../../src/web/index.ts';

const total = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 50);
const dir = join(import.meta.dirname, '..', 'data', `web-search-${total}`);
const fresh = !existsSync(dir);
mkdirSync(dir, { recursive: true });
const store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
await store.ensureSchema(SCHEMA);
const journal = createJournal({ store, logger: silentLogger });
const publisher = createPublisher({
  store,
  journal,
  derivation: derivationFor({ apex: 'callx.test' }),
  logger: silentLogger,
});
const sales = createSales({ store, publisher, logger: silentLogger });
const members = createMembers({ store, publisher, logger: silentLogger, realm: 'callx.test' });

if (fresh) {
  const t0 = performance.now();
  const acme = registrarPrincipal('acme');
  // Seoul numbers 02-2000-0000 onwards: 1,000,000 in blocks of 10,000
  for (let i = 0; i < total / 10_000; i++) {
    const first = `+82220${String(i * 10_000).padStart(6, '0')}`;
    await sales.stock(acme, { country: 'KR', kind: 'pin', range: { first, count: 10_000 } });
    if (i % 10 === 9)
      process.stderr.write(`stocked ${(i + 1) * 10_000} in ${Math.round(performance.now() - t0)} ms\n`);
  }
  console.log(JSON.stringify({ stocked: total, ms: Math.round(performance.now() - t0) }));
}
console.log(JSON.stringify({ inStock: await store.collection('numbers').count({ status: 'available' }) }));

const web = createWeb({
  config: {
    apex: 'callx.test',
    http: { adminToken: undefined } as never,
    sip: { realm: 'callx.test', port: 5060 },
  },
  logger: silentLogger,
  store,
  publisher,
  sales,
  members,
});
void ADMIN;

const queries: Record<string, string> = {
  'first page (country, kind)': '/?country=KR&kind=pin',
  'prefix 2200012*': '/?country=KR&kind=pin&pattern=2200012*',
  'contains *6200*': '/?country=KR&kind=pin&pattern=*6200*',
  'ends in *8888 (1 in 10,000)': '/?country=KR&kind=pin&pattern=*8888',
  'price range 50.00-200.00': '/?country=KR&kind=pin&minPrice=50&maxPrice=200',
};

// a visitor with its cookie, as after the first page
const first = await web.app.request('/');
const cookie = first.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');

const grams = store.collection<{ _id: string; at?: number }>('numberGrams');
async function measure(mode: string, app: typeof web.app) {
  for (const [name, path] of Object.entries(queries)) {
    const times: number[] = [];
    let hits = 0;
    for (let i = 0; i < runs + 5; i++) {
      const t = performance.now();
      const res = await app.request(path, { headers: { cookie } });
      const html = await res.text();
      const ms = performance.now() - t;
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      hits = (html.match(/<tr>/g)?.length ?? 1) - 1;
      if (i >= 5) times.push(ms);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 10) / 10;
    console.log(
      JSON.stringify({ mode, query: name, hits, runs, medianMs: at(0.5), p90Ms: at(0.9), maxMs: at(1) }),
    );
  }
}

// before: no marker, so patterns that start with '*' walk the digits index
await grams.findOneAndDelete({ _id: '!ready' });
const walk = createSales({ store, publisher, logger: silentLogger });
const webWalk = createWeb({
  config: {
    apex: 'callx.test',
    http: { adminToken: undefined } as never,
    sip: { realm: 'callx.test', port: 5060 },
  },
  logger: silentLogger,
  store,
  publisher,
  sales: walk,
  members,
});
// a fresh sales service: it has not seen the marker
await measure('digits index (before)', webWalk.app);
// after: the grams were written when the numbers were stocked (or now, for older data)
if (fresh) await grams.insertMany([{ _id: '!ready', at: Date.now() }]);
else await sales.indexGrams();
console.log(JSON.stringify({ grams: await grams.count({}) }));
await measure('n-grams (after)', web.app);
await store.close();
