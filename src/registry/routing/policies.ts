// Call policies (docs/trust.md, "Policy"): which destination classes each kind of caller may
// reach, fraud limits, blocked destinations and callers. One document per scope: 'default',
// 'country:<CC>' (callers of that country) and 'registrar:<id>' (its members); redirectors merge
// them over the built-in defaults (src/sip/trust/policy.ts). The operator's data like the rest of
// the routing data: only the admin writes; every registrar reads the default, the countries' and
// its own (another registrar's is not-found, as a missing one).
import { z } from 'zod';
import { type CallPolicy, type Clock, COLLECTIONS, DuplicateKeyError, type Store } from '#core';
import {
  canAccess,
  DocId,
  type Page,
  PageInput,
  type Principal,
  page,
  parseInput,
  REGISTRAR_ID,
  RegistryError,
  registrarOf,
  requireAdmin,
} from '../kernel/index.ts';
import { AddressOrCidr, Prefix } from './schemas.ts';

/** A policy's scope as written in a path: default, country:KR, registrar:reg-a. */
export const PolicyScope = z
  .string()
  .max(80, { error: 'expected default, country:<CC> or registrar:<id>' })
  .refine(
    (s) =>
      s === 'default' ||
      /^country:[A-Za-z]{2}$/.test(s) ||
      (/^registrar:/.test(s) && REGISTRAR_ID.test(s.slice(10))),
    {
      error: 'expected default, country:<CC> or registrar:<id>',
    },
  )
  .transform((s) => (s.startsWith('country:') ? `country:${s.slice(8).toUpperCase()}` : s))
  .meta({ example: 'registrar:reg-a' });

const Classes = z
  .array(z.enum(['on-net', 'pstn', 'carrier', 'partner']))
  .max(4)
  .transform((xs) => [...new Set(xs)]);
const Count = z.number().int().min(0).max(1_000_000);

export const CallPolicyInput = z
  .object({
    access: z
      .object({ anonymous: Classes.optional(), member: Classes.optional(), peer: Classes.optional() })
      .strict()
      .optional()
      .describe('Destination classes each kind of caller may reach (emergency calls are always routed)'),
    limits: z
      .object({
        memberPerMinute: Count.optional(),
        sourcePerMinute: Count.optional(),
        peerPerMinute: Count.optional(),
        internationalPerDay: Count.optional(),
      })
      .strict()
      .optional()
      .describe('Call attempts per minute (0: no limit) and international calls per day'),
    blockedPrefixes: z.array(Prefix).max(10_000).optional(),
    blockPremium: z.boolean().optional().describe('Block numbers libphonenumber types PREMIUM_RATE'),
    allowedPrefixes: z.array(Prefix).max(10_000).optional().describe('Exceptions to the premium-rate block'),
    blockedMembers: z.array(DocId).max(10_000).optional(),
    blockedSources: z.array(AddressOrCidr).max(10_000).optional(),
  })
  .strict()
  .meta({ id: 'CallPolicyInput' });
export type CallPolicyInput = z.input<typeof CallPolicyInput>;

export type PolicyView = CallPolicy;

export interface PolicyService {
  list(p: Principal, input?: PageInput): Promise<Page<CallPolicy>>;
  get(p: Principal, scope: string): Promise<CallPolicy>;
  /** Creates or replaces the rules of a scope (If-Match: its version). */
  put(
    p: Principal,
    scope: string,
    input: CallPolicyInput,
    ifVersion?: number,
  ): Promise<{ policy: CallPolicy; created: boolean }>;
  remove(p: Principal, scope: string, ifVersion?: number): Promise<void>;
}

/** The registrar a scope belongs to; null for the operator's (default, countries). */
const ownerOf = (scope: string): string | null => (scope.startsWith('registrar:') ? scope.slice(10) : null);

export function createPolicyService(deps: { store: Store; clock: Clock }): PolicyService {
  const coll = deps.store.collection<CallPolicy>(COLLECTIONS.policies);
  const what = (scope: string) => `registry: policy ${scope}`;
  const scopeOf = (raw: string) => parseInput(PolicyScope, raw, 'registry: policy');
  const readable = (p: Principal, scope: string) => {
    const owner = ownerOf(scope);
    return owner === null || canAccess(p, owner);
  };

  return {
    async list(p, input = {}) {
      const v = parseInput(PageInput, input, 'registry: policies');
      const mine = registrarOf(p);
      const filter =
        mine === null
          ? {}
          : { $or: [{ _id: 'default' }, { _id: { $regex: '^country:' } }, { _id: `registrar:${mine}` }] };
      return page(coll, filter, v, { list: 'policies' }, (d) => d);
    },

    async get(p, raw) {
      const scope = scopeOf(raw);
      const doc = await coll.get(scope);
      if (!doc || !readable(p, scope)) throw new RegistryError('not-found', `${what(scope)}: not found`);
      return doc;
    },

    async put(p, raw, input, ifVersion) {
      const scope = scopeOf(raw);
      requireAdmin(p, `${what(scope)}: write`);
      const rules = parseInput(CallPolicyInput, input, `${what(scope)}: write`);
      const now = deps.clock.now();
      const current = await coll.get(scope);
      if (ifVersion !== undefined && (current?.version ?? 0) !== ifVersion)
        throw new RegistryError(
          'version-conflict',
          `${what(scope)}: is at version ${current?.version ?? 0}, not ${ifVersion}`,
          { details: { version: current?.version ?? 0 } },
        );
      if (!current) {
        const doc: CallPolicy = { _id: scope, ...rules, version: 1, createdAt: now, updatedAt: now };
        try {
          await coll.insert(doc);
          return { policy: doc, created: true };
        } catch (err) {
          if (!(err instanceof DuplicateKeyError)) throw err;
          throw new RegistryError('version-conflict', `${what(scope)}: was created meanwhile; try again`, {
            details: { version: 1 },
          });
        }
      }
      const next: CallPolicy = {
        _id: scope,
        ...rules,
        version: current.version + 1,
        createdAt: current.createdAt,
        updatedAt: now,
      };
      const written = await coll.findOneAndReplace({ _id: scope, version: current.version }, next);
      if (!written)
        throw new RegistryError('version-conflict', `${what(scope)}: changed meanwhile; try again`, {
          details: { version: current.version },
        });
      return { policy: written, created: false };
    },

    async remove(p, raw, ifVersion) {
      const scope = scopeOf(raw);
      requireAdmin(p, `${what(scope)}: remove`);
      const gone = await coll.findOneAndDelete(
        ifVersion === undefined ? { _id: scope } : { _id: scope, version: ifVersion },
      );
      if (gone) return;
      const doc = await coll.get(scope);
      if (doc)
        throw new RegistryError(
          'version-conflict',
          `${what(scope)}: is at version ${doc.version}, not ${ifVersion}`,
          {
            details: { version: doc.version },
          },
        );
      throw new RegistryError('not-found', `${what(scope)}: not found`);
    },
  };
}
