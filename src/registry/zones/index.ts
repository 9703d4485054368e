// Zones and record sets managed over HTTP (ZoneDoc, RRsetDoc), written through the publisher so
// every change reaches DNS nodes by the change journal. Zones from master files have no
// document: only the admin may change their record sets (the files are the operator's).

import {
  type Clock,
  COLLECTIONS,
  DuplicateKeyError,
  type Filter,
  type RRsetDoc,
  type Store,
  systemClock,
  type ZoneDoc,
} from '#core';
import {
  type Page,
  PageInput,
  type Principal,
  page,
  parseInput,
  RegistryError,
  registrarOf,
  visible,
  visibleFilter,
} from '../kernel/index.ts';
import type { Publisher } from '../publisher.ts';
import { inZone, normalizeName } from './names.ts';
import { applyRRsetChanges } from './rrsets.ts';
import { RRsetPatch, RRsetQuery, ZoneInput, ZonePatch } from './schemas.ts';

export type { NaptrFields, RecordData } from './records.ts';
export { naptrFields } from './records.ts';
export * from './schemas.ts';

/** A zone the caller may manage: an HTTP zone (with its document) or a master-file zone (admin). */
export type ZoneRef = { kind: 'doc'; apex: string; doc: ZoneDoc } | { kind: 'file'; apex: string };

export interface ZoneService {
  list(p: Principal, input?: PageInput): Promise<Page<ZoneDoc>>;
  get(p: Principal, apex: string): Promise<ZoneRef>;
  /** A zone and the record sets set over HTTP that hold records. */
  view(p: Principal, apex: string): Promise<{ zone: ZoneRef; rrsets: RRsetDoc[] }>;
  create(p: Principal, input: ZoneInput): Promise<ZoneDoc>;
  update(p: Principal, apex: string, patch: ZonePatch, ifVersion?: number): Promise<ZoneDoc>;
  remove(p: Principal, apex: string, ifVersion?: number): Promise<void>;
  /** Record sets set over HTTP, empty ones (which hide a master file's RRset) included, page by page. */
  rrsets(p: Principal, apex: string, input?: RRsetQuery): Promise<Page<RRsetDoc>>;
  /** PowerDNS-style REPLACE/DELETE changes; all are validated before any is written. */
  patchRRsets(p: Principal, apex: string, input: RRsetPatch): Promise<RRsetDoc[]>;
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

export function createZoneService(deps: ZoneDeps): ZoneService {
  const clock = deps.clock ?? systemClock;
  const zones = deps.store.collection<ZoneDoc>(COLLECTIONS.zones);
  const rrsetColl = deps.store.collection<RRsetDoc>(COLLECTIONS.rrsets);
  const fileZones = (): Set<string> => new Set([...(deps.fileZones?.() ?? [])].map(normalizeName));
  const what = (apex: string) => `registry: zone ${apex}`;

  async function get(p: Principal, rawApex: string): Promise<ZoneRef> {
    const apex = normalizeName(rawApex);
    const doc = await zones.get(apex);
    if (doc && !doc.deleted && !doc.publishRemove)
      return { kind: 'doc', apex, doc: visible(p, doc, what(apex)) };
    // a deleted document hides the file zone of the same apex
    if (!doc && p.role === 'admin' && fileZones().has(apex)) return { kind: 'file', apex };
    throw new RegistryError('not-found', `${what(apex)}: not found`);
  }

  /**
   * A registrar's zone may not be, contain or lie inside the deployment's name space, a file
   * zone or another registrar's zone: records go to the most specific enclosing zone, so that
   * would take over names someone else answers for.
   */
  async function checkOverlap(p: Principal, apex: string): Promise<void> {
    const mine = registrarOf(p);
    if (mine === null) return;
    const taken = [normalizeName(deps.apex), ...fileZones()];
    const others = await zones.find({ registrarId: { $ne: mine }, deleted: { $ne: true } });
    for (const z of [...taken, ...others.map((d) => d._id)]) {
      if (inZone(apex, z) || inZone(z, apex))
        throw new RegistryError('overlap', `${what(apex)}: overlaps zone ${z}, which is not yours`);
    }
  }

  async function whyNoMatch(p: Principal, apex: string, ifVersion: number | undefined): Promise<never> {
    const ref = await get(p, apex);
    if (ref.kind === 'doc' && ifVersion !== undefined && ref.doc.version !== ifVersion)
      throw new RegistryError(
        'version-conflict',
        `${what(apex)}: is at version ${ref.doc.version}, not ${ifVersion}`,
        { details: { version: ref.doc.version } },
      );
    throw new RegistryError('not-found', `${what(apex)}: not found`);
  }

  /** The master files are the operator's: SOA, NS and the zone itself are changed there. */
  function docOf(ref: ZoneRef, action: string): ZoneDoc {
    if (ref.kind === 'file')
      throw new RegistryError('invalid-input', `${what(ref.apex)}: comes from a master file; ${action}`);
    return ref.doc;
  }

  return {
    get,

    async list(p, input = {}) {
      const v = parseInput(PageInput, input, 'registry: zones');
      return page(zones, { ...visibleFilter(p), deleted: { $ne: true } }, v, { list: 'zones' }, (z) => z);
    },

    async view(p, apex) {
      const zone = await get(p, apex);
      const found = await rrsetColl.find({ zone: zone.apex }, { sort: { _id: 1 } });
      return { zone, rrsets: found.filter((r) => !r.publishRemove && r.records.length > 0) };
    },

    async create(p, input) {
      const v = parseInput(ZoneInput, input, 'registry: create zone');
      await checkOverlap(p, v.apex);
      const now = clock.now();
      const fields = { registrarId: registrarOf(p), soa: v.soa, ns: v.ns, updatedAt: now };
      try {
        return await deps.publisher.insert<ZoneDoc>(COLLECTIONS.zones, {
          _id: v.apex,
          ...fields,
          createdAt: now,
        });
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
      // a deleted zone of that apex: take its document over
      const doc = await deps.publisher.update<ZoneDoc>(
        COLLECTIONS.zones,
        { _id: v.apex, deleted: true },
        { $set: { ...fields, createdAt: now }, $unset: { deleted: '' } },
      );
      if (!doc) throw new RegistryError('exists', `${what(v.apex)}: exists already`);
      return doc;
    },

    async update(p, rawApex, patch, ifVersion) {
      const ref = await get(p, rawApex);
      docOf(ref, 'edit the file for its SOA and NS');
      const v = parseInput(ZonePatch, patch, `${what(ref.apex)}: change`);
      const set: Record<string, unknown> = { updatedAt: clock.now() };
      if (v.soa) set.soa = v.soa;
      if (v.ns) set.ns = v.ns;
      const filter: Filter = { _id: ref.apex, deleted: { $ne: true }, ...visibleFilter(p) };
      if (ifVersion !== undefined) filter.version = ifVersion;
      const doc = await deps.publisher.update<ZoneDoc>(COLLECTIONS.zones, filter, { $set: set });
      return doc ?? whyNoMatch(p, ref.apex, ifVersion);
    },

    async remove(p, rawApex, ifVersion) {
      const ref = await get(p, rawApex);
      const zone = docOf(ref, 'remove the file instead');
      if (ifVersion !== undefined && zone.version !== ifVersion) await whyNoMatch(p, ref.apex, ifVersion);
      // Record sets first: a crash in between leaves a smaller zone (DELETE again finishes),
      // never record sets without their zone, which would surface in an enclosing zone.
      for (const r of await rrsetColl.find({ zone: ref.apex })) {
        await deps.publisher.remove(COLLECTIONS.rrsets, { _id: r._id });
      }
      const filter: Filter = { _id: ref.apex, deleted: { $ne: true }, ...visibleFilter(p) };
      if (ifVersion !== undefined) filter.version = ifVersion;
      const doc = await deps.publisher.update<ZoneDoc>(COLLECTIONS.zones, filter, {
        $set: { deleted: true, updatedAt: clock.now() },
      });
      if (!doc) await whyNoMatch(p, ref.apex, ifVersion);
    },

    async rrsets(p, rawApex, input = {}) {
      const ref = await get(p, rawApex);
      const v = parseInput(RRsetQuery, input, `${what(ref.apex)}: record sets`);
      const name = v.name ? normalizeName(v.name) : undefined;
      const type = v.type ? v.type.toUpperCase() : undefined;
      const filter: Filter = { zone: ref.apex, publishRemove: { $exists: false } };
      if (name) filter.name = name;
      if (type) filter.type = type;
      return page(rrsetColl, filter, v, { list: 'rrsets', query: { zone: ref.apex, name, type } }, (r) => r);
    },

    async patchRRsets(p, rawApex, input) {
      const ref = await get(p, rawApex);
      const v = parseInput(RRsetPatch, input, `${what(ref.apex)}: record sets`);
      const others = new Set([
        ...fileZones(),
        ...(await zones.find({ deleted: { $ne: true } })).map((z) => z._id),
      ]);
      others.delete(ref.apex);
      return applyRRsetChanges(
        { store: deps.store, publisher: deps.publisher, clock },
        { apex: ref.apex, fromFile: ref.kind === 'file' || fileZones().has(ref.apex), otherZones: others },
        v.rrsets,
      );
    },
  };
}
