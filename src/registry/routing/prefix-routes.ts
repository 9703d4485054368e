// PSTN gateways and partner carriers are the same shape of routing data: a document with a SIP
// host and a list of E.164 prefixes, published as one aggregate tree per collection (pstn,
// carriers; src/publish AGGREGATES). One generic service serves both.

import { type Clock, DuplicateKeyError, type Filter, type Store } from '#core';
import { ServiceError } from '../auth/errors.ts';
import type { Page } from '../auth/index.ts';
import { type PageRequest, pageById } from '../auth/paging.ts';
import { type Principal, requireAdmin } from '../auth/principal.ts';
import type { PublishedDoc, Publisher } from '../publisher.ts';
import { checkHost, checkPrefixes, newId, SLUG, whyNoMatch } from './common.ts';

type RouteDoc = PublishedDoc & {
  _id: string;
  registrarId: string | null;
  createdAt: number;
  updatedAt: number;
  publishRemove?: true;
};

export interface RouteSpec<T extends RouteDoc> {
  collection: string;
  /** 'gateway', 'carrier': for ids (gw_..., carrier_...) and messages. */
  noun: string;
  idPrefix: string;
  /** The field holding the prefixes ('prefixes', 'ranges') and the SIP host ('host', 'ingress'). */
  prefixField: keyof T & string;
  hostField: keyof T & string;
  /** Further checks of the fields a create or update sets (ServiceError 'invalid'). */
  checkFields?: (fields: Record<string, unknown>) => void;
}

export interface RouteService<T extends RouteDoc, I, P> {
  list(p: Principal, page: PageRequest): Promise<Page<T>>;
  get(p: Principal, id: string): Promise<T>;
  /** `input.id` is optional: a random id is given when absent. */
  create(p: Principal, input: I & { id?: string | undefined }): Promise<T>;
  update(p: Principal, id: string, patch: P, ifVersion?: number): Promise<T>;
  remove(p: Principal, id: string, ifVersion?: number): Promise<void>;
}

export function createRouteService<T extends RouteDoc, I extends object, P extends object>(
  spec: RouteSpec<T>,
  deps: { store: Store; publisher: Publisher; clock: Clock },
): RouteService<T, I, P> {
  const coll = deps.store.collection<T>(spec.collection);
  const what = (id: string) => `${spec.noun} ${id}`;
  /** Checks the fields a create or update sets, the ones present. */
  function check(fields: Record<string, unknown>): void {
    spec.checkFields?.(fields);
    const host = fields[spec.hostField];
    if (typeof host === 'string') checkHost(host, spec.hostField);
    const prefixes = fields[spec.prefixField] as string[] | undefined;
    if (prefixes) checkPrefixes(prefixes, spec.prefixField);
  }

  const dedupe = (fields: Record<string, unknown>): Record<string, unknown> => {
    const prefixes = fields[spec.prefixField] as string[] | undefined;
    return prefixes ? { ...fields, [spec.prefixField]: [...new Set(prefixes)] } : fields;
  };

  return {
    list: (_p, page) => pageById(coll, { publishRemove: { $exists: false } }, page),

    async get(_p, id) {
      const d = await coll.get(id);
      if (!d || d.publishRemove) throw new ServiceError('not-found', `${what(id)}: not found`);
      return d;
    },

    async create(p, input) {
      const { id: given, ...fields } = input as Record<string, unknown> & { id?: string };
      requireAdmin(p, `create ${spec.noun}`);
      if (given !== undefined && !SLUG.test(given))
        throw new ServiceError('invalid', `${what(given)}: bad id`, [
          {
            pointer: '/id',
            detail: 'expected 1-63 characters a-z, 0-9, _ and -, starting with a letter or digit',
          },
        ]);
      const id = given ?? newId(spec.idPrefix);
      check(fields);
      const now = deps.clock.now();
      try {
        return await deps.publisher.insert<T>(spec.collection, {
          ...dedupe(fields),
          _id: id,
          registrarId: null,
          createdAt: now,
          updatedAt: now,
        } as unknown as Omit<T, 'version'>);
      } catch (err) {
        if (err instanceof DuplicateKeyError) throw new ServiceError('exists', `${what(id)}: exists already`);
        throw err;
      }
    },

    async update(p, id, patch, ifVersion) {
      requireAdmin(p, `change ${what(id)}`);
      const fields = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      check(fields);
      const filter: Filter = { _id: id, publishRemove: { $exists: false } };
      if (ifVersion !== undefined) filter.version = ifVersion;
      const set: Record<string, unknown> = { ...dedupe(fields), updatedAt: deps.clock.now() };
      const unset: Record<string, ''> = {};
      // null clears an optional field (JSON merge-patch style)
      for (const [k, v] of Object.entries(set)) {
        if (v === null) {
          delete set[k];
          unset[k] = '';
        }
      }
      const doc = await deps.publisher.update<T>(spec.collection, filter, {
        $set: set,
        ...(Object.keys(unset).length ? { $unset: unset } : {}),
      });
      return doc ?? whyNoMatch(p, coll, id, ifVersion, what(id));
    },

    async remove(p, id, ifVersion) {
      requireAdmin(p, `remove ${what(id)}`);
      const filter: Filter = { _id: id, publishRemove: { $exists: false } };
      if (ifVersion !== undefined) filter.version = ifVersion;
      const gone = await deps.publisher.remove(spec.collection, filter);
      if (!gone) await whyNoMatch(p, coll, id, ifVersion, what(id));
    },
  };
}
