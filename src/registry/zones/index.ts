// Zones and record sets managed over HTTP (ZoneDoc, RRsetDoc), written through the publisher so
// every change reaches DNS nodes by the change journal. Zones from master files have no
// document: only the admin may change their record sets (the files are the operator's).

import {
  type Clock,
  COLLECTIONS,
  DuplicateKeyError,
  type Filter,
  type RRsetDoc,
  type SoaValues,
  type Store,
  systemClock,
  type ZoneDoc,
} from '#core';
import { ServiceError } from '../auth/errors.ts';
import type { Page } from '../auth/index.ts';
import { type PageRequest, pageById } from '../auth/paging.ts';
import { checkAccess, ownerOf, type Principal, visibleTo } from '../auth/principal.ts';
import type { Publisher } from '../publisher.ts';
import { inZone, isApex, normalizeName } from './names.ts';
import { applyRRsetChanges, type RRsetChange } from './rrsets.ts';

export type { NaptrFields, RecordInput } from './records.ts';
export { naptrFields } from './records.ts';
export type { RRsetChange } from './rrsets.ts';

export interface ZoneInput {
  apex: string;
  soa: SoaValues;
  ns: string[];
}

export interface ZonePatch {
  soa?: SoaValues | undefined;
  ns?: string[] | undefined;
}

/** A zone the caller may manage: an HTTP zone (with its document) or a master-file zone (admin). */
export type ZoneRef = { kind: 'doc'; apex: string; doc: ZoneDoc } | { kind: 'file'; apex: string };

export interface ZoneService {
  list(p: Principal, page: PageRequest): Promise<Page<ZoneDoc>>;
  get(p: Principal, apex: string): Promise<ZoneRef>;
  create(p: Principal, input: ZoneInput): Promise<ZoneDoc>;
  update(p: Principal, apex: string, patch: ZonePatch, ifVersion?: number): Promise<ZoneDoc>;
  remove(p: Principal, apex: string, ifVersion?: number): Promise<void>;
  /** Record sets set over HTTP (empty ones, which hide a file RRset, only with `includeDeleted`). */
  rrsets(
    p: Principal,
    apex: string,
    q?: { name?: string | undefined; type?: string | undefined; includeDeleted?: boolean },
  ): Promise<RRsetDoc[]>;
  /** PowerDNS-style REPLACE/DELETE changes; all are validated before any is written. */
  patchRRsets(p: Principal, apex: string, changes: RRsetChange[]): Promise<RRsetDoc[]>;
}

export interface ZoneDeps {
  store: Store;
  publisher: Publisher;
  clock?: Clock;
  /** The deployment apex (CALLX_APEX): its trees are the operator's, no registrar zone may touch them. */
  apex: string;
  /** Apexes of the zones loaded from master files (CALLX_ZONES_DIR). */
  fileZones?: () => Iterable<string>;
}

function checkApex(apex: string): string {
  const a = normalizeName(apex);
  if (!isApex(a))
    throw new ServiceError('invalid', `zone '${apex}': not a DNS name`, [
      { pointer: '/apex', detail: 'expected a DNS name such as example.com' },
    ]);
  return a;
}

function checkNs(ns: string[]): string[] {
  const out = ns.map(normalizeName);
  const bad = out.flatMap((n, i) =>
    isApex(n) ? [] : [{ pointer: `/ns/${i}`, detail: `'${ns[i]}' is not a host name` }],
  );
  if (bad.length) throw new ServiceError('invalid', `ns: ${bad.map((b) => b.detail).join('; ')}`, bad);
  return [...new Set(out)];
}

function checkSoa(soa: SoaValues): SoaValues {
  const mname = normalizeName(soa.mname);
  const rname = normalizeName(soa.rname);
  const bad: { pointer: string; detail: string }[] = [];
  if (!isApex(mname)) bad.push({ pointer: '/soa/mname', detail: `'${soa.mname}' is not a host name` });
  if (!isApex(rname))
    bad.push({
      pointer: '/soa/rname',
      detail: `'${soa.rname}' is not a mailbox name (hostmaster.example.com)`,
    });
  if (bad.length) throw new ServiceError('invalid', `soa: ${bad.map((b) => b.detail).join('; ')}`, bad);
  return { ...soa, mname, rname };
}

export function createZoneService(deps: ZoneDeps): ZoneService {
  const clock = deps.clock ?? systemClock;
  const zones = deps.store.collection<ZoneDoc>(COLLECTIONS.zones);
  const rrsetColl = deps.store.collection<RRsetDoc>(COLLECTIONS.rrsets);
  const fileZones = (): Set<string> => new Set([...(deps.fileZones?.() ?? [])].map(normalizeName));
  const what = (apex: string) => `zone ${apex}`;

  async function get(p: Principal, rawApex: string): Promise<ZoneRef> {
    const apex = checkApex(rawApex);
    const doc = await zones.get(apex);
    if (doc && !doc.deleted && !doc.publishRemove) {
      checkAccess(p, doc.registrarId, what(apex));
      return { kind: 'doc', apex, doc };
    }
    // a deleted document hides the file zone of the same apex
    if (!doc && p.role === 'admin' && fileZones().has(apex)) return { kind: 'file', apex };
    throw new ServiceError('not-found', `${what(apex)}: not found`);
  }

  /**
   * A registrar's zone may not be, contain or lie inside the deployment's name space, a file
   * zone or another registrar's zone: records go to the most specific enclosing zone, so that
   * would take over names someone else answers for.
   */
  async function checkOverlap(p: Principal, apex: string): Promise<void> {
    if (p.role === 'admin') return;
    const taken = [normalizeName(deps.apex), ...fileZones()];
    const others = await zones.find({ registrarId: { $ne: p.registrarId }, deleted: { $ne: true } });
    for (const z of [...taken, ...others.map((d) => d._id)]) {
      if (inZone(apex, z) || inZone(z, apex))
        throw new ServiceError('overlap', `${what(apex)}: overlaps zone ${z}, which is not yours`);
    }
  }

  async function whyNoMatch(p: Principal, apex: string, ifVersion: number | undefined): Promise<never> {
    const ref = await get(p, apex);
    if (ref.kind === 'doc' && ifVersion !== undefined && ref.doc.version !== ifVersion)
      throw new ServiceError(
        'version-mismatch',
        `${what(apex)}: is at version ${ref.doc.version}, not ${ifVersion}`,
      );
    throw new ServiceError('not-found', `${what(apex)}: not found`);
  }

  return {
    get,
    list: (p, page) => pageById(zones, { ...visibleTo(p), deleted: { $ne: true } }, page),

    async create(p, input) {
      const apex = checkApex(input.apex);
      const soa = checkSoa(input.soa);
      const ns = checkNs(input.ns);
      await checkOverlap(p, apex);
      const now = clock.now();
      const fields = { registrarId: ownerOf(p), soa, ns, updatedAt: now };
      try {
        return await deps.publisher.insert<ZoneDoc>(COLLECTIONS.zones, {
          _id: apex,
          ...fields,
          createdAt: now,
        });
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
      // a deleted zone of that apex: take its document over
      const doc = await deps.publisher.update<ZoneDoc>(
        COLLECTIONS.zones,
        { _id: apex, deleted: true },
        { $set: { ...fields, createdAt: now }, $unset: { deleted: '' } },
      );
      if (!doc) throw new ServiceError('exists', `${what(apex)}: exists already`);
      return doc;
    },

    async update(p, rawApex, patch, ifVersion) {
      const ref = await get(p, rawApex);
      if (ref.kind === 'file')
        throw new ServiceError(
          'invalid',
          `${what(ref.apex)}: comes from a master file; edit the file for its SOA and NS`,
        );
      const set: Record<string, unknown> = { updatedAt: clock.now() };
      if (patch.soa) set.soa = checkSoa(patch.soa);
      if (patch.ns) set.ns = checkNs(patch.ns);
      const filter: Filter = { _id: ref.apex, deleted: { $ne: true }, ...visibleTo(p) };
      if (ifVersion !== undefined) filter.version = ifVersion;
      const doc = await deps.publisher.update<ZoneDoc>(COLLECTIONS.zones, filter, { $set: set });
      return doc ?? whyNoMatch(p, ref.apex, ifVersion);
    },

    async remove(p, rawApex, ifVersion) {
      const ref = await get(p, rawApex);
      if (ref.kind === 'file')
        throw new ServiceError(
          'invalid',
          `${what(ref.apex)}: comes from a master file; remove the file instead`,
        );
      if (ifVersion !== undefined && ref.doc.version !== ifVersion) await whyNoMatch(p, ref.apex, ifVersion);
      // Record sets first: a crash in between leaves a smaller zone (DELETE again finishes),
      // never record sets without their zone, which would surface in an enclosing zone.
      for (const r of await rrsetColl.find({ zone: ref.apex })) {
        await deps.publisher.remove(COLLECTIONS.rrsets, { _id: r._id });
      }
      const filter: Filter = { _id: ref.apex, deleted: { $ne: true }, ...visibleTo(p) };
      if (ifVersion !== undefined) filter.version = ifVersion;
      const doc = await deps.publisher.update<ZoneDoc>(COLLECTIONS.zones, filter, {
        $set: { deleted: true, updatedAt: clock.now() },
      });
      if (!doc) await whyNoMatch(p, ref.apex, ifVersion);
    },

    async rrsets(p, rawApex, q = {}) {
      const ref = await get(p, rawApex);
      const filter: Filter = { zone: ref.apex };
      if (q.name) filter.name = normalizeName(q.name);
      if (q.type) filter.type = q.type.toUpperCase();
      const found = await rrsetColl.find(filter, { sort: { _id: 1 } });
      return found.filter((r) => !r.publishRemove && (q.includeDeleted || r.records.length > 0));
    },

    async patchRRsets(p, rawApex, changes) {
      const ref = await get(p, rawApex);
      const others = new Set([
        ...fileZones(),
        ...(await zones.find({ deleted: { $ne: true } })).map((z) => z._id),
      ]);
      others.delete(ref.apex);
      return applyRRsetChanges(
        { store: deps.store, publisher: deps.publisher, clock },
        { apex: ref.apex, fromFile: ref.kind === 'file' || fileZones().has(ref.apex), otherZones: others },
        changes,
      );
    },
  };
}
