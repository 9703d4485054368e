// A registry for DNS tests: stores of either kind opened several times on the same data (as
// separate processes would), the publisher the API uses, and member documents.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Derivation, derivationFor } from '#publish';
import { silentLogger } from '../../../src/core/log.ts';
import type { Member, ZoneDoc } from '../../../src/core/model.ts';
import type { Store } from '../../../src/core/store.ts';
import { createJournal } from '../../../src/registry/journal.ts';
import { createPublisher, type Publisher } from '../../../src/registry/publisher.ts';
import { SCHEMA } from '../../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../../src/registry/stores/embedded/index.ts';
import { createMongoStore } from '../../../src/registry/stores/mongo.ts';

export const APEX = 'callx.test';

/** The derivation of this build for APEX: what the API's publisher and every DNS node get. */
export const DERIVATION: Derivation = derivationFor({ apex: APEX });

/** Opens one more connection to the same registry; `close()` closes all and drops the data. */
export interface Registry {
  kind: 'embedded' | 'mongodb';
  /** The embedded store's data directory (CALLX_DATA_DIR), for processes opened on it. */
  dataDir?: string;
  open(): Promise<Store>;
  close(): Promise<void>;
}

export function embeddedRegistry(): Registry {
  const dataDir = mkdtempSync(join(tmpdir(), 'callx-dnsreg-'));
  const opened: Store[] = [];
  return {
    kind: 'embedded',
    dataDir,
    async open() {
      const s = createEmbeddedStore({ dataDir, logger: silentLogger });
      await s.ensureSchema(SCHEMA);
      opened.push(s);
      return s;
    },
    async close() {
      for (const s of opened.splice(0)) await s.close().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function mongoRegistry(uri: string, dbName: string, serverSelectionTimeoutMs?: number): Registry {
  const opened: Awaited<ReturnType<typeof createMongoStore>>[] = [];
  return {
    kind: 'mongodb',
    async open() {
      const s = await createMongoStore({ uri, dbName, logger: silentLogger, serverSelectionTimeoutMs });
      // once: FerretDB v1.24.2 drops the connection (a panic in createIndexes) when the
      // schema's indexes are created again on a database that has them
      if (opened.length === 0) await s.ensureSchema(SCHEMA);
      opened.push(s);
      return s;
    },
    async close() {
      const first = opened[0];
      if (first) await first.db.dropDatabase().catch(() => {});
      for (const s of opened.splice(0)) await s.close().catch(() => {});
    },
  };
}

/** The publisher as the API builds it over `store` (this build's derivation, or another). */
export function publisherOn(store: Store, derivation: Derivation = DERIVATION): Publisher {
  return createPublisher({
    store,
    journal: createJournal({ store, logger: silentLogger }),
    derivation,
    logger: silentLogger,
  });
}

/** A member with PIN numbers (E.164, '+82...'), home country KR. */
export function member(id: string, e164s: string[], extra: Partial<Member> = {}): Omit<Member, 'version'> {
  const now = Date.now();
  return {
    _id: id,
    registrarId: 'r1',
    type: 'individual',
    displayName: `member ${id}`,
    country: 'KR',
    numbers: e164s.map((e164) => ({ kind: 'pin' as const, e164 })),
    otherCarriers: [],
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
}

/** The ENUM owner of an E.164 number under the e164 tree. */
export function enumName(e164: string, apex = APEX): string {
  return `${e164.slice(1).split('').reverse().join('.')}.e164.${apex}`;
}

/** A registrar's zone document (apex SOA and NS), as the API's POST /v1/zones stores it. */
export function zoneDoc(apex: string, registrarId = 'r1', now = Date.now()): Omit<ZoneDoc, 'version'> {
  return {
    _id: apex,
    registrarId,
    soa: {
      mname: `ns1.${apex}`,
      rname: `hostmaster.${apex}`,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: 300,
      ttl: 3600,
    },
    ns: [`ns1.${apex}`],
    createdAt: now,
    updatedAt: now,
  };
}
