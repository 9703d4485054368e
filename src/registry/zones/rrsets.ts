// PATCH of record sets, PowerDNS style: each change REPLACEs an owner+type with new records or
// DELETEs it. Every change is checked (names inside the zone and not inside another zone, types,
// records parsed by the DNS server's parser, CNAME rules, no duplicates) before any is written;
// then each RRset is one single-document write through the publisher. Not a transaction across
// RRsets (the registry has none): a crash mid-way leaves a prefix of the changes applied, and
// sending the same PATCH again converges (REPLACE and DELETE are idempotent).

import type { Clock, Store } from '#core';
import { COLLECTIONS, type RRsetDoc } from '#core';
import { type InputIssue, invalidInput, issue } from '../kernel/index.ts';
import type { Publisher } from '../publisher.ts';
import { closestZone, inZone, isOwnerName, normalizeName } from './names.ts';
import { canonicalRecord, canonicalType, type RecordData, RecordError } from './records.ts';

/** One change as parsed by RRsetPatch (schemas.ts). */
export interface RRsetChangeData {
  name: string;
  type: string;
  changetype: 'REPLACE' | 'DELETE';
  ttl?: number | undefined;
  records?: RecordData[] | undefined;
}

interface Checked {
  id: string;
  name: string;
  type: string;
  changetype: 'REPLACE' | 'DELETE';
  ttl: number;
  records: string[];
}

export const rrsetId = (zone: string, name: string, type: string): string => `${zone}|${name}|${type}`;

function checkOne(
  zone: { apex: string; otherZones: Set<string> },
  c: RRsetChangeData,
  i: number,
  problems: InputIssue[],
): Checked | null {
  const at = (field: string) => `rrsets.${i}${field}`;
  const before = problems.length;
  const name = normalizeName(c.name);
  if (!isOwnerName(name)) problems.push(issue(at('.name'), `'${c.name}' is not a DNS name`));
  else if (!inZone(name, zone.apex))
    problems.push(issue(at('.name'), `${name} is outside zone ${zone.apex}`));
  else {
    const inner = closestZone(name, zone.otherZones);
    if (inner && inner.length > zone.apex.length)
      problems.push(issue(at('.name'), `${name} belongs to zone ${inner}, not ${zone.apex}`));
  }
  let type = '';
  try {
    type = canonicalType(c.type);
  } catch (err) {
    problems.push(issue(at('.type'), (err as Error).message));
  }
  if (type === 'SOA')
    problems.push(issue(at('.type'), 'the SOA is set on the zone (PATCH /v1/zones/{apex})'));
  if (type === 'NS' && name === zone.apex)
    problems.push(issue(at('.type'), 'the apex NS set is set on the zone (PATCH /v1/zones/{apex})'));
  const records: string[] = [];
  if (c.changetype === 'REPLACE') {
    if (c.ttl === undefined) problems.push(issue(at('.ttl'), 'REPLACE needs a ttl'));
    if (!c.records || c.records.length === 0)
      problems.push(issue(at('.records'), 'REPLACE needs at least one record (DELETE removes an RRset)'));
    if (type && problems.length === before) {
      c.records?.forEach((r, j) => {
        try {
          const text = canonicalRecord(type, r, zone.apex);
          if (!records.includes(text)) records.push(text);
        } catch (err) {
          if (!(err instanceof RecordError)) throw err;
          problems.push(issue(at(`.records.${j}`), `${type} ${err.message}`));
        }
      });
      if (type === 'CNAME' && records.length > 1)
        problems.push(issue(at('.records'), 'a CNAME RRset holds exactly one record'));
    }
  }
  if (problems.length > before) return null;
  return {
    id: rrsetId(zone.apex, name, type),
    name,
    type,
    changetype: c.changetype,
    ttl: c.ttl ?? 0,
    records,
  };
}

/** CNAME and other data never share a name (RFC 1034 §3.6.2), counting what is stored already. */
async function checkCnames(
  store: Store,
  apex: string,
  changes: Checked[],
  problems: InputIssue[],
): Promise<void> {
  const coll = store.collection<RRsetDoc>(COLLECTIONS.rrsets);
  const names = [...new Set(changes.map((c) => c.name))];
  for (const name of names) {
    const types = new Map<string, boolean>();
    for (const r of await coll.find({ zone: apex, name }))
      types.set(r.type, r.records.length > 0 && !r.publishRemove);
    for (const c of changes.filter((x) => x.name === name)) types.set(c.type, c.changetype === 'REPLACE');
    const live = [...types].filter(([, v]) => v).map(([t]) => t);
    if (live.includes('CNAME') && live.length > 1) {
      const i = changes.findIndex((c) => c.name === name);
      problems.push(
        issue(
          `rrsets.${i}.name`,
          `${name} would hold a CNAME and ${live.filter((t) => t !== 'CNAME').join(', ')}: a CNAME stands alone`,
        ),
      );
    }
  }
}

export async function applyRRsetChanges(
  deps: { store: Store; publisher: Publisher; clock: Clock },
  zone: { apex: string; fromFile: boolean; otherZones: Set<string> },
  changes: RRsetChangeData[],
): Promise<RRsetDoc[]> {
  const problems: InputIssue[] = [];
  const checked = changes.map((c, i) => checkOne(zone, c, i, problems));
  const seen = new Map<string, number>();
  checked.forEach((c, i) => {
    if (!c) return;
    const first = seen.get(c.id);
    if (first !== undefined)
      problems.push(issue(`rrsets.${i}`, `${c.name} ${c.type} is changed twice (also /rrsets/${first})`));
    else seen.set(c.id, i);
  });
  const ok = checked.filter((c): c is Checked => c !== null);
  if (problems.length === 0) await checkCnames(deps.store, zone.apex, ok, problems);
  if (problems.length) throw invalidInput(`registry: zone ${zone.apex}: record sets`, problems);

  const out: RRsetDoc[] = [];
  for (const c of ok) {
    const now = deps.clock.now();
    // An empty RRset hides the same owner+type of the zone's master file (an override,
    // docs/dns.md, "Zone model"); in a zone with no file there is nothing to hide, so the document goes.
    if (c.changetype === 'DELETE' && !zone.fromFile) {
      await deps.publisher.remove(COLLECTIONS.rrsets, { _id: c.id });
      continue;
    }
    const doc = await deps.publisher.update<RRsetDoc>(
      COLLECTIONS.rrsets,
      { _id: c.id },
      {
        $set: { zone: zone.apex, name: c.name, type: c.type, ttl: c.ttl, records: c.records, updatedAt: now },
        $setOnInsert: { createdAt: now },
      },
      { upsert: true },
    );
    if (doc) out.push(doc);
  }
  return out;
}
