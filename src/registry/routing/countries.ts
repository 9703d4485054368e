// Countries we serve and their call centers (published at <cc>.center.<apex>: NAPTR, SRV, A/AAAA).
// The calling code comes from the number plan, never from the client.
import { isIP } from 'node:net';
import {
  type CenterTarget,
  type Clock,
  COLLECTIONS,
  type Country,
  DuplicateKeyError,
  type Filter,
  type Store,
} from '#core';
import { callingCodeOf, NumberingError } from '#numbering';
import { ServiceError } from '../auth/errors.ts';
import type { Page } from '../auth/index.ts';
import type { PageRequest } from '../auth/paging.ts';
import { pageById } from '../auth/paging.ts';
import { type Principal, requireAdmin } from '../auth/principal.ts';
import type { Publisher } from '../publisher.ts';
import { SIP_HOST, whyNoMatch } from './common.ts';

export interface CountryInput {
  code: string;
  name: string;
  center: { targets: CenterTarget[] };
}

export interface CountryPatch {
  name?: string | undefined;
  center?: { targets: CenterTarget[] } | undefined;
}

export interface CountryService {
  list(p: Principal, page: PageRequest): Promise<Page<Country>>;
  get(p: Principal, code: string): Promise<Country>;
  create(p: Principal, input: CountryInput): Promise<Country>;
  update(p: Principal, code: string, patch: CountryPatch, ifVersion?: number): Promise<Country>;
  remove(p: Principal, code: string, ifVersion?: number): Promise<void>;
}

function checkTargets(targets: CenterTarget[]): void {
  const bad = targets.flatMap((t, i) => {
    const out: { pointer: string; detail: string }[] = [];
    if (!SIP_HOST.test(t.host) || t.host.includes(':'))
      out.push({ pointer: `/center/targets/${i}/host`, detail: `'${t.host}' is not a host name` });
    t.addresses.forEach((a, j) => {
      if (isIP(a) === 0)
        out.push({ pointer: `/center/targets/${i}/addresses/${j}`, detail: `'${a}' is not an IP address` });
    });
    return out;
  });
  if (bad.length) throw new ServiceError('invalid', `center: ${bad.map((b) => b.detail).join('; ')}`, bad);
}

export function createCountryService(deps: {
  store: Store;
  publisher: Publisher;
  clock: Clock;
}): CountryService {
  const coll = deps.store.collection<Country>(COLLECTIONS.countries);
  const what = (code: string) => `country ${code}`;

  async function get(_p: Principal, code: string): Promise<Country> {
    const c = await coll.get(code.toUpperCase());
    if (!c || c.publishRemove) throw new ServiceError('not-found', `${what(code)}: not found`);
    return c;
  }

  return {
    get,
    list: (_p, page) => pageById(coll, { publishRemove: { $exists: false } }, page),

    async create(p, input) {
      requireAdmin(p, `create ${what(input.code.toUpperCase())}`);
      const code = input.code.toUpperCase();
      let callingCode: string;
      try {
        callingCode = callingCodeOf(code);
      } catch (err) {
        if (!(err instanceof NumberingError)) throw err;
        throw new ServiceError('invalid', `${what(code)}: not an ISO 3166 country with a numbering plan`, [
          {
            pointer: '/code',
            detail: 'expected an ISO 3166-1 alpha-2 code with a numbering plan, such as KR',
          },
        ]);
      }
      checkTargets(input.center.targets);
      const now = deps.clock.now();
      try {
        return await deps.publisher.insert<Country>(COLLECTIONS.countries, {
          _id: code,
          callingCode,
          name: input.name,
          center: { targets: input.center.targets },
          registrarId: null,
          createdAt: now,
          updatedAt: now,
        });
      } catch (err) {
        if (err instanceof DuplicateKeyError)
          throw new ServiceError('exists', `${what(code)}: exists already`);
        throw err;
      }
    },

    async update(p, rawCode, patch, ifVersion) {
      const code = rawCode.toUpperCase();
      requireAdmin(p, `change ${what(code)}`);
      if (patch.center) checkTargets(patch.center.targets);
      const filter: Filter = { _id: code, publishRemove: { $exists: false } };
      if (ifVersion !== undefined) filter.version = ifVersion;
      const set: Record<string, unknown> = { updatedAt: deps.clock.now() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.center !== undefined) set.center = { targets: patch.center.targets };
      const doc = await deps.publisher.update<Country>(COLLECTIONS.countries, filter, { $set: set });
      return doc ?? whyNoMatch(p, coll, code, ifVersion, what(code));
    },

    async remove(p, rawCode, ifVersion) {
      const code = rawCode.toUpperCase();
      requireAdmin(p, `remove ${what(code)}`);
      const filter: Filter = { _id: code, publishRemove: { $exists: false } };
      if (ifVersion !== undefined) filter.version = ifVersion;
      const gone = await deps.publisher.remove(COLLECTIONS.countries, filter);
      if (!gone) await whyNoMatch(p, coll, code, ifVersion, what(code));
    },
  };
}
