// Test helpers for the sales and members services: both services over a store with a real
// journal and publisher (DNS derivation of src/publish) and a clock the test moves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derivationFor } from '#publish';
import { silentLogger } from '../../src/core/log.ts';
import type { Store } from '../../src/core/store.ts';
import { createJournal } from '../../src/registry/journal.ts';
import { type Principal, RegistryError } from '../../src/registry/kernel/index.ts';
import { createMembers } from '../../src/registry/members/index.ts';
import { createPublisher } from '../../src/registry/publisher.ts';
import { anyCenter, registryCenters } from '../../src/registry/routing/centers.ts';
import { createSales } from '../../src/registry/sales/index.ts';
import { SCHEMA } from '../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';

export const ADMIN: Principal = { role: 'admin' };
export const REG_A: Principal = { role: 'registrar', registrarId: 'reg-a' };
export const REG_B: Principal = { role: 'registrar', registrarId: 'reg-b' };
export const REALM = 'callx.test';

/** A member of each kind, as most tests register them (spread to add fields). */
export const KIM = { type: 'individual', displayName: 'K', email: 'k@example.com', country: 'KR' } as const;
export const ACME = { type: 'company', displayName: 'A', domain: 'acme.example', country: 'KR' } as const;

export interface ManualClock {
  now(): number;
  advance(ms: number): number;
}

export function manualClock(start = 1_700_000_000_000): ManualClock {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

export interface ServiceOptions {
  reservationTtlMs?: number;
  claimGraceMs?: number;
  settleMs?: number;
  /** Countries with a call center besides the registry's countries (default: those the tests use). */
  centers?: readonly string[];
  /**
   * Proof of ownership before a PIN is published (production: always). Default false here: the
   * sales and members suites test the payment's writes and their recovery with PINs; the proof
   * step has its own suite (src/registry/sales/verification.test.ts) and the API tests keep it on.
   */
  verifyPins?: boolean;
}

/** The countries whose centers the tests take for granted (the demo zone files have KR and US). */
export const TEST_CENTERS = ['KR', 'US', 'CA', 'JP', 'GB', 'DE', 'AU'] as const;

export async function servicesOn(store: Store, opts: ServiceOptions = {}) {
  await store.ensureSchema(SCHEMA);
  const clock = manualClock();
  const journal = createJournal({ store, clock, logger: silentLogger });
  const publisher = createPublisher({
    store,
    journal,
    derivation: derivationFor({ apex: REALM }),
    clock,
    logger: silentLogger,
  });
  const known = new Set<string>(opts.centers ?? TEST_CENTERS);
  const centers = anyCenter(registryCenters(store), async (c) => known.has(c));
  const deps = {
    store,
    publisher,
    clock,
    logger: silentLogger,
    centers,
    verifyPins: opts.verifyPins ?? false,
  };
  return {
    store,
    clock,
    journal,
    publisher,
    centers,
    sales: createSales({
      ...deps,
      reservationTtlMs: opts.reservationTtlMs ?? 60_000,
      settleMs: opts.settleMs ?? 1_000,
    }),
    members: createMembers({
      ...deps,
      realm: REALM,
      claimGraceMs: opts.claimGraceMs ?? 30_000,
      settleMs: opts.settleMs ?? 1_000,
    }),
  };
}

export type Services = Awaited<ReturnType<typeof servicesOn>>;

/** Services on an embedded store in a temporary directory; close() removes it. */
export async function embeddedServices(
  opts: ServiceOptions = {},
): Promise<Services & { close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'callx-sales-'));
  const store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
  const s = await servicesOn(store, opts);
  return {
    ...s,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The RegistryError code of a rejected promise (fails the test for anything else). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RegistryError) return err.code;
    throw err;
  }
  throw new Error('expected a RegistryError, but the call succeeded');
}
