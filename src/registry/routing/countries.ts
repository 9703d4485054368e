// Countries we serve and their call centers (published at <cc>.center.<apex>: NAPTR, SRV, A/AAAA).
// The calling code comes from the number plan, never from the client. The operator's data:
// every principal reads it, only the admin writes it (docs/registry.md, "Services").
import { type Clock, COLLECTIONS, type Country, DuplicateKeyError, type Filter, type Store } from '#core';
import { callingCodeOf } from '#numbering';
import {
  type Page,
  PageInput,
  type Principal,
  page,
  parseInput,
  RegistryError,
  requireAdmin,
} from '../kernel/index.ts';
import type { Publisher } from '../publisher.ts';
import { whyNoMatch } from './common.ts';
import { CountryInput, CountryPatch } from './schemas.ts';

export interface CountryService {
  list(p: Principal, input?: PageInput): Promise<Page<Country>>;
  get(p: Principal, code: string): Promise<Country>;
  create(p: Principal, input: CountryInput): Promise<Country>;
  update(p: Principal, code: string, patch: CountryPatch, ifVersion?: number): Promise<Country>;
  remove(p: Principal, code: string, ifVersion?: number): Promise<void>;
}

const LIVE: Filter = { publishRemove: { $exists: false } };

export function createCountryService(deps: {
  store: Store;
  publisher: Publisher;
  clock: Clock;
}): CountryService {
  const coll = deps.store.collection<Country>(COLLECTIONS.countries);
  const what = (code: string) => `registry: country ${code}`;

  return {
    async list(_p, input = {}) {
      return page(
        coll,
        LIVE,
        parseInput(PageInput, input, 'registry: countries'),
        { list: 'countries' },
        (c) => c,
      );
    },

    async get(_p, rawCode) {
      const code = rawCode.toUpperCase();
      const c = await coll.get(code);
      if (!c || c.publishRemove) throw new RegistryError('not-found', `${what(code)}: not found`);
      return c;
    },

    async create(p, input) {
      requireAdmin(p, 'registry: create country');
      const v = parseInput(CountryInput, input, 'registry: create country');
      const now = deps.clock.now();
      try {
        return await deps.publisher.insert<Country>(COLLECTIONS.countries, {
          _id: v.code,
          callingCode: callingCodeOf(v.code),
          name: v.name,
          center: v.center,
          ...(v.emergency ? { emergency: v.emergency } : {}),
          ...(v.trust ? { trust: { sources: v.trust.sources } } : {}),
          registrarId: null,
          createdAt: now,
          updatedAt: now,
        });
      } catch (err) {
        if (err instanceof DuplicateKeyError)
          throw new RegistryError('exists', `${what(v.code)}: exists already`);
        throw err;
      }
    },

    async update(p, rawCode, patch, ifVersion) {
      const code = rawCode.toUpperCase();
      requireAdmin(p, `${what(code)}: change`);
      const v = parseInput(CountryPatch, patch, `${what(code)}: change`);
      const filter: Filter = { _id: code, ...LIVE };
      if (ifVersion !== undefined) filter.version = ifVersion;
      const set: Record<string, unknown> = { updatedAt: deps.clock.now() };
      const unset: Record<string, ''> = {};
      if (v.name !== undefined) set.name = v.name;
      if (v.center !== undefined) set.center = v.center;
      if (v.emergency === null) unset.emergency = '';
      else if (v.emergency !== undefined) set.emergency = v.emergency;
      // the peer's sources change; its secret (set apart) stays
      if (v.trust === null) unset.trust = '';
      else if (v.trust !== undefined) set['trust.sources'] = v.trust.sources;
      const doc = await deps.publisher.update<Country>(COLLECTIONS.countries, filter, {
        $set: set,
        ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
      });
      return doc ?? whyNoMatch(coll, code, ifVersion, what(code));
    },

    async remove(p, rawCode, ifVersion) {
      const code = rawCode.toUpperCase();
      requireAdmin(p, `${what(code)}: remove`);
      const filter: Filter = { _id: code, ...LIVE };
      if (ifVersion !== undefined) filter.version = ifVersion;
      const gone = await deps.publisher.remove(COLLECTIONS.countries, filter);
      if (!gone) await whyNoMatch(coll, code, ifVersion, what(code));
    },
  };
}
