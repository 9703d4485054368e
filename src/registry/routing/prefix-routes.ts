// PSTN gateways and partner carriers are the same shape of routing data: a document with a SIP
// host and a list of E.164 prefixes, published as one aggregate tree per collection (pstn,
// carriers; src/publish AGGREGATES). One generic service serves both. The operator's data:
// every principal reads it, only the admin writes it (docs/registry.md, "Services").

import type { z } from 'zod';
import { type Clock, DuplicateKeyError, type Filter, type Store, type Update } from '#core';
import {
  type Page,
  PageInput,
  type Principal,
  page,
  parseInput,
  RegistryError,
  requireAdmin,
} from '../kernel/index.ts';
import type { PublishedDoc, Publisher } from '../publisher.ts';
import { newId, whyNoMatch } from './common.ts';

export type RouteDoc = PublishedDoc & {
  _id: string;
  registrarId: string | null;
  createdAt: number;
  updatedAt: number;
  publishRemove?: true;
};

export interface RouteSpec<T extends RouteDoc, I extends z.ZodType, P extends z.ZodType<object>> {
  collection: string;
  /** 'gateway', 'carrier': for messages; `idPrefix` for generated ids (gw_..., carrier_...). */
  noun: string;
  idPrefix: string;
  input: I;
  patch: P;
  /** The new document from a parsed input. */
  build(v: z.output<I>, meta: { _id: string; createdAt: number; updatedAt: number }): Omit<T, 'version'>;
  /** The id a parsed input chose, if any. */
  idOf(v: z.output<I>): string | undefined;
}

export interface RouteService<T extends RouteDoc, I extends z.ZodType, P extends z.ZodType<object>> {
  list(p: Principal, input?: PageInput): Promise<Page<T>>;
  get(p: Principal, id: string): Promise<T>;
  /** A random id is given when the input names none. */
  create(p: Principal, input: z.input<I>): Promise<T>;
  /** Fields given replace the stored ones; null removes an optional field. */
  update(p: Principal, id: string, patch: z.input<P>, ifVersion?: number): Promise<T>;
  remove(p: Principal, id: string, ifVersion?: number): Promise<void>;
}

const LIVE: Filter = { publishRemove: { $exists: false } };

export function createRouteService<T extends RouteDoc, I extends z.ZodType, P extends z.ZodType<object>>(
  spec: RouteSpec<T, I, P>,
  deps: { store: Store; publisher: Publisher; clock: Clock },
): RouteService<T, I, P> {
  const coll = deps.store.collection<T>(spec.collection);
  const what = (id: string) => `registry: ${spec.noun} ${id}`;

  return {
    async list(_p, input = {}) {
      const v = parseInput(PageInput, input, `registry: ${spec.collection}`);
      return page(coll, LIVE, v, { list: spec.collection }, (d) => d);
    },

    async get(_p, id) {
      const d = await coll.get(id);
      if (!d || d.publishRemove) throw new RegistryError('not-found', `${what(id)}: not found`);
      return d;
    },

    async create(p, input) {
      requireAdmin(p, `registry: create ${spec.noun}`);
      const v = parseInput(spec.input, input, `registry: create ${spec.noun}`);
      const id = spec.idOf(v) ?? newId(spec.idPrefix);
      const now = deps.clock.now();
      try {
        return await deps.publisher.insert<T>(
          spec.collection,
          spec.build(v, { _id: id, createdAt: now, updatedAt: now }),
        );
      } catch (err) {
        if (err instanceof DuplicateKeyError)
          throw new RegistryError('exists', `${what(id)}: exists already`);
        throw err;
      }
    },

    async update(p, id, patch, ifVersion) {
      requireAdmin(p, `${what(id)}: change`);
      const v = parseInput(spec.patch, patch, `${what(id)}: change`);
      const filter: Filter = { _id: id, ...LIVE };
      if (ifVersion !== undefined) filter.version = ifVersion;
      const set: Record<string, unknown> = { updatedAt: deps.clock.now() };
      const unset: Record<string, ''> = {};
      // null clears an optional field (JSON merge-patch style)
      for (const [k, x] of Object.entries(v)) {
        if (x === null) unset[k] = '';
        // a peer's sources change; its secret (set apart) stays
        else if (k === 'trust') set['trust.sources'] = (x as { sources: string[] }).sources;
        else if (x !== undefined) set[k] = x;
      }
      const update: Update = { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) };
      const doc = await deps.publisher.update<T>(spec.collection, filter, update);
      return doc ?? whyNoMatch(coll, id, ifVersion, what(id));
    },

    async remove(p, id, ifVersion) {
      requireAdmin(p, `${what(id)}: remove`);
      const filter: Filter = { _id: id, ...LIVE };
      if (ifVersion !== undefined) filter.version = ifVersion;
      const gone = await deps.publisher.remove(spec.collection, filter);
      if (!gone) await whyNoMatch(coll, id, ifVersion, what(id));
    },
  };
}
