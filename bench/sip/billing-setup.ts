// The registry a benchmark with the fee system needs (bench/sip/billing.ts, serve.ts --billing):
// an embedded store in a temporary folder, the member kim's registrar with a 100,000-prefix sell
// deck, a PSTN gateway with a 10,000-prefix cost deck (bench/billing/data.ts), each with a row for
// the dialed country, and kim's prepaid account with plenty of funds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.ts';
import { derivationFor } from '../../src/publish/index.ts';
import { createBilling } from '../../src/registry/billing/index.ts';
import { createJournal } from '../../src/registry/journal.ts';
import { createPublisher } from '../../src/registry/publisher.ts';
import { SCHEMA } from '../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { deckCsv } from '../billing/data.ts';

export interface BenchGateway {
  id: string;
  /** The host the pstn tree's NAPTRs name (a Contact's host). */
  host: string;
  /** The country code dialed (E.164 digits), its rows in both decks. */
  cc: string;
  name: string;
}

export async function seedBilling(gw: BenchGateway) {
  const dir = mkdtempSync(join(tmpdir(), 'callx-bench-billing-'));
  const store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
  await store.ensureSchema(SCHEMA);
  const publisher = createPublisher({
    store,
    journal: createJournal({ store, logger: silentLogger }),
    derivation: derivationFor({ apex: 'callx.test' }),
    logger: silentLogger,
  });
  const billing = createBilling({ store, publisher, logger: silentLogger, apex: 'callx.test' });
  const admin = { role: 'admin' as const };
  const now = Date.now();
  const doc = { version: 1, createdAt: now, updatedAt: now };
  await store.collection('registrars').insert({ _id: 'bench', name: 'Bench', ...doc } as never);
  await store.collection('gateways').insert({
    _id: gw.id,
    name: gw.name,
    host: gw.host,
    prefixes: [gw.cc],
    registrarId: null,
    ...doc,
  } as never);
  await store.collection('members').insert({
    _id: 'm-kim',
    registrarId: 'bench',
    type: 'individual',
    displayName: 'Kim',
    country: 'KR',
    numbers: [{ kind: 'pin', e164: '+82262006200' }],
    otherCarriers: [],
    ...doc,
  } as never);
  // 100,000 and 10,000 synthetic prefixes, and the rows of the dialed country
  const sell = deckCsv(100_000, 7).csv.replace(/\n$/, `\n${gw.cc},${gw.name},0.0100,0,60/60,2025-01-01\n`);
  const cost = deckCsv(10_000, 8).csv.replace(/\n$/, `\n${gw.cc},${gw.name},0.0040,0,6/6,2025-01-01\n`);
  const t0 = performance.now();
  await billing.decks.create(admin, { party: 'registrar:bench', currency: 'USD' });
  await billing.decks.importCsv(admin, { deckId: 'registrar.bench.USD', csv: sell });
  await billing.decks.create(admin, { party: `gateway:${gw.id}`, currency: 'USD' });
  await billing.decks.importCsv(admin, { deckId: `gateway.${gw.id}.USD`, csv: cost });
  const importS = (performance.now() - t0) / 1000;
  await billing.accounts.open(admin, { memberId: 'm-kim', currency: 'USD' });
  await billing.accounts.post(admin, {
    memberId: 'm-kim',
    kind: 'topup',
    amount: '100000000.00',
    currency: 'USD',
    key: 'bench',
  });
  await billing.startRating();
  /** Where the redirector finds the counterparty of a Contact. */
  const parties = {
    load: async () => ({ byHost: new Map([[gw.host, `gateway:${gw.id}`]]), byEnumSuffix: new Map() }),
  };
  const close = async () => {
    billing.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { store, billing, parties, importS, close };
}
