// Opening the sales and members services on a store for the integration suites, and reading
// what DNS would see: folding the journal the way a DNS node does.

import type { PublishedRRset } from '../../src/core/model.ts';
import type { Store } from '../../src/core/store.ts';
import type { Journal } from '../../src/registry/journal.ts';
import { type ServiceOptions, type Services, servicesOn } from '../helpers/sales.ts';
import type { StoreSpec } from './fixtures/open.ts';

export interface OpenedStore {
  store: Store;
  spec: StoreSpec;
  close(): Promise<void>;
}

export type StoreOpener = () => Promise<OpenedStore>;

export interface Harness extends Services {
  spec: StoreSpec;
}

export function harnessFactory(open: StoreOpener) {
  const opened: OpenedStore[] = [];
  return {
    async fresh(opts: ServiceOptions = {}): Promise<Harness> {
      const h = await open();
      opened.push(h);
      return { ...(await servicesOn(h.store, opts)), spec: h.spec };
    },
    async closeAll(): Promise<void> {
      for (const h of opened.splice(0)) await h.close();
    },
  };
}

/** Per journal source, the RRsets of its newest version: what a DNS node holds. */
export async function dnsView(journal: Journal): Promise<Map<string, PublishedRRset[]>> {
  const state = new Map<string, { version: number; rrsets: PublishedRRset[] }>();
  for (let pos = 0; ; ) {
    const batch = await journal.readAfter(pos, 1000);
    if (batch.length === 0) break;
    for (const e of batch) {
      const cur = state.get(e.source);
      if (!e.noop && (!cur || e.version > cur.version))
        state.set(e.source, { version: e.version, rrsets: e.rrsets });
    }
    pos = batch.at(-1)!._id;
  }
  return new Map([...state].map(([k, v]) => [k, v.rrsets]));
}

/** Every owner name DNS publishes for the member. */
export async function ownersOf(journal: Journal, memberId: string): Promise<string[]> {
  return ((await dnsView(journal)).get(`members/${memberId}`) ?? []).map((r) => r.name).sort();
}
