// A decision as JSON for people and programs (`callx resolve`, GET /v1/resolve): records in
// master-file presentation, every NAPTR with whether it was chosen and why.
import type { DnsRecord } from './dns-client.ts';
import type { QueryStep } from './lookup.ts';
import type { Decision } from './resolver.ts';

function quoteString(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function fqdn(name: unknown): string {
  const n = String(name ?? '');
  return n === '' ? '.' : `${n.replace(/\.$/, '')}.`;
}

/** RDATA of the records the redirector reads, as in a master file. */
export function presentRecord(r: DnsRecord): string {
  switch (r.type) {
    case 35:
      return `${r.order} ${r.preference} ${quoteString(String(r.flags))} ${quoteString(String(r.service))} ${quoteString(String(r.regexp))} ${fqdn(r.replacement)}`;
    case 6:
      return `${fqdn(r.primary)} ${fqdn(r.admin)} ${r.serial} ${r.refresh} ${r.retry} ${r.expiration} ${r.minimum}`;
    case 5:
      return fqdn(r.domain);
    default:
      return `TYPE${r.type}`;
  }
}

function presentStep(s: QueryStep) {
  return {
    tree: s.tree,
    question: `${s.name}. IN NAPTR`,
    outcome: s.outcome,
    ...(s.error ? { error: s.error } : {}),
    server: s.server || undefined,
    transport: s.transport || undefined,
    cached: s.cached,
    ms: Math.round(s.ms * 1000) / 1000,
    ttl: s.ttl,
    answer: s.records.map((r) => `${fqdn(r.name)} ${r.ttl} IN NAPTR ${presentRecord(r)}`),
    ...(s.soa ? { soa: `${fqdn(s.soa.name)} ${s.soa.ttl} IN SOA ${presentRecord(s.soa)}` } : {}),
    ...(s.naptrs
      ? {
          naptrs: s.naptrs.map((e) => ({
            record: `${e.record.order} ${e.record.preference} ${quoteString(e.record.flags)} ${quoteString(e.record.services)} ${quoteString(e.record.regexp)} ${fqdn(e.record.replacement === '.' ? '' : e.record.replacement)}`,
            chosen: e.chosen,
            why: e.why,
            result:
              e.verdict.use === 'skip'
                ? undefined
                : e.verdict.use === 'next'
                  ? `next: ${e.verdict.domain}`
                  : `${e.verdict.use}: ${e.verdict.uri}`,
          })),
        }
      : {}),
  };
}

export function decisionJson(d: Decision) {
  return {
    target: d.target,
    status: d.status,
    reason: d.reason,
    ...(d.warning ? { why: d.warning } : {}),
    ...(d.retryAfter !== undefined ? { retryAfter: d.retryAfter } : {}),
    classification: d.classification,
    ...(d.error ? { error: d.error } : {}),
    ...(d.emergency
      ? {
          emergency: {
            ...d.emergency,
            why: `${d.emergency.code} is an emergency number in ${d.emergency.country} (libphonenumber ShortNumberInfo): routed to that country's emergency gateway, whoever calls, never blocked by limits`,
          },
        }
      : {}),
    caller: d.caller,
    queries: d.queries.map(presentStep),
    contacts: d.contacts.map((c) => ({
      contact: c.header,
      target: c.target,
      q: c.q,
      source: c.source,
      callerId: c.callerId,
      ...(c.e164 ? { e164: c.e164 } : {}),
    })),
    services: d.services,
    notes: d.notes,
  };
}
