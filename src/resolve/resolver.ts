// Resolution: a dialed identifier (and the caller) in, a decision out — the Contacts of a 302
// or the precise error, with every DNS query and NAPTR decision recorded. The SIP path and
// `callx resolve` (and GET /v1/resolve) call this same function.

import type { CallerIdFormat } from '#core';
import {
  domainOwner,
  e164Owner,
  emailOwner,
  enumName,
  type Identifier,
  NumberingError,
  treeApex,
  vnsOwner,
} from '#numbering';
import type { Caller } from './callerid.ts';
import { takeUriParam } from './contact.ts';
import { type Candidate, createContacts } from './contacts.ts';
import { createIdentify } from './identify.ts';
import { type ChainResult, lookupStep, naptrChain, type QueryStep, ResolutionUnavailable } from './lookup.ts';
import { type CallerInput, CID_PARAM, type Decision, type Resolution, type ResolutionDeps } from './types.ts';
import { createVerdicts } from './verdicts.ts';

export type {
  BindingSource,
  CallerInput,
  Decision,
  Resolution,
  ResolutionDeps,
  ResolvedContact,
  Verdict,
} from './types.ts';
export { CID_PARAM } from './types.ts';

const REASON: Record<number, string> = {
  302: 'Moved Temporarily',
  400: 'Bad Request',
  404: 'Not Found',
  480: 'Temporarily Unavailable',
  484: 'Address Incomplete',
  503: 'Service Unavailable',
  604: 'Does Not Exist Anywhere',
};

const CID_FORMATS = new Set(['e164', 'national', 'pin']);
const MAX_DEPTH = 3;

/** Resolution ended with an answer other than a redirect. */
class Terminal extends Error {
  readonly status: number;
  readonly why: string;
  constructor(status: number, why: string) {
    super(why);
    this.status = status;
    this.why = why;
  }
}

function statusForNumbering(err: NumberingError): number {
  switch (err.code) {
    case 'too-short':
      return 484;
    case 'invalid-number':
    case 'too-long-number':
    case 'unknown-country-code':
      return 404;
    default:
      return 400;
  }
}

export function createResolution(deps: ResolutionDeps): Resolution {
  const apex = deps.apex;
  const contactsOf = createContacts(apex, deps.maxContacts ?? 16);
  const { parse, callerOf, memo: parseMemo } = createIdentify(deps.defaultCountry, deps.parseCacheEntries);
  const owned = (e164: string) => deps.ownedRanges.some((p) => e164.slice(1).startsWith(p));

  interface State {
    steps: QueryStep[];
    services: Decision['services'];
    caller: Caller | null;
    /** Identity keys whose registered terminals were looked up (decide() forgets by them). */
    bindingKeys: string[];
  }

  async function bindingsFor(key: string, st: State) {
    if (!deps.bindings) return [];
    st.bindingKeys.push(key);
    return deps.bindings.lookup(key);
  }

  /** SIP results become candidates; tel results go on to the PSTN tree; our own domain is resolved again. */
  async function candidatesOf(
    r: ChainResult,
    source: string,
    format: CallerIdFormat,
    destCountry: string | null,
    st: State,
    depth: number,
  ): Promise<Candidate[]> {
    st.services.push(...r.services);
    const out: Candidate[] = [];
    for (const item of r.items) {
      if ('tel' in item) {
        // E2U+tel: the number goes on to the PSTN tree, its gateway takes the record's place
        const e164 = item.tel;
        const pstn = await naptrChain(
          deps.dns,
          'pstn',
          enumName(e164, treeApex('pstn', apex)),
          e164,
          st.steps,
        );
        st.services.push(...pstn.services);
        for (const s of pstn.sip)
          out.push({ uri: s.uri, source: `${source}>pstn`, format: 'e164', destCountry });
        continue;
      }
      const { uri, value } = takeUriParam(item.sip, CID_PARAM);
      const fmt = value && CID_FORMATS.has(value) ? (value as CallerIdFormat) : format;
      const host = /^sips?:(?:[^@;?]*@)?([^;?:>]+)/i.exec(uri)?.[1]?.toLowerCase();
      if (host === apex && depth < MAX_DEPTH) {
        // a URI in our own name space names another identifier (a domain's VNS contact)
        let id: Identifier | null = null;
        try {
          id = parse(uri, st.caller?.country ?? deps.defaultCountry);
        } catch {
          id = null;
        }
        if (id) {
          try {
            out.push(
              ...(await resolveId(id, st, depth + 1)).map((c) => ({ ...c, source: `${source}>${c.source}` })),
            );
          } catch (err) {
            if (!(err instanceof Terminal)) throw err; // that identifier leads nowhere: skip it
          }
          continue;
        }
      }
      out.push({ uri, source, format: fmt, destCountry });
    }
    return out;
  }

  const usable = (r: ChainResult) => r.sip.length > 0 || r.tel.length > 0;

  async function resolveNumber(
    e164: string,
    country: string | null,
    st: State,
    depth: number,
  ): Promise<Candidate[]> {
    const out: Candidate[] = [];
    for (const b of await bindingsFor(`tel:${e164}`, st)) {
      out.push({ uri: b.contact, source: 'registered', format: 'e164', destCountry: country });
    }
    const owner = e164Owner(e164, apex);
    const own = await naptrChain(deps.dns, 'e164', owner, e164, st.steps);
    if (usable(own) || out.length > 0) {
      out.push(...(await candidatesOf(own, 'e164', 'e164', country, st, depth)));
      return out;
    }
    // A member's number without NAPTRs: suspended for unpaid rent if it carries the marker
    // (src/publish SUSPENDED_TXT, docs/billing.md "Number rental").
    if (own.outcome === 'NODATA') {
      const txt = await lookupStep(deps.dns, 'e164', owner, st.steps, 'TXT');
      if (txt.records.some((r) => Array.isArray(r.txt) && r.txt.includes('callx-suspended')))
        throw new Terminal(480, `${e164} is suspended: its rent is unpaid`);
    }
    if (own.outcome === 'NXDOMAIN' && owned(e164)) {
      throw new Terminal(604, `${e164} is in a range of ours and assigned to nobody`);
    }
    for (const suffix of deps.enumSuffixes) {
      let r: ChainResult;
      try {
        r = await naptrChain(deps.dns, `enum:${suffix}`, enumName(e164, suffix), e164, st.steps);
      } catch (err) {
        if (err instanceof ResolutionUnavailable) continue; // a partner's tree down: the next route still reaches the number
        throw err;
      }
      if (usable(r)) return candidatesOf(r, `enum:${suffix}`, 'e164', country, st, depth);
    }
    const carriers = await naptrChain(
      deps.dns,
      'carriers',
      enumName(e164, treeApex('carriers', apex)),
      e164,
      st.steps,
    );
    if (usable(carriers)) return candidatesOf(carriers, 'carriers', 'e164', country, st, depth);
    const pstn = await naptrChain(deps.dns, 'pstn', enumName(e164, treeApex('pstn', apex)), e164, st.steps);
    if (usable(pstn)) {
      // the PSTN tree routes; a tel record there would only lead back to it
      const routes = { ...pstn, items: pstn.items.filter((i) => 'sip' in i), tel: [] };
      return candidatesOf(routes, 'pstn', 'e164', country, st, depth);
    }
    throw new Terminal(404, `no member, partner, carrier or PSTN route has ${e164}`);
  }

  async function resolveId(id: Identifier, st: State, depth: number): Promise<Candidate[]> {
    switch (id.kind) {
      case 'pin':
      case 'e164':
        return resolveNumber(id.e164, id.country, st, depth);
      case 'vns': {
        const country = id.countries[0] ?? null;
        const r = await naptrChain(
          deps.dns,
          'vns',
          vnsOwner(id.base, id.callingCode, apex),
          id.canonical,
          st.steps,
        );
        if (usable(r)) return candidatesOf(r, 'vns', 'e164', country, st, depth);
        // No 604 here: owners are <base>.<calling code>.vns, so no single name tells whether the
        // base is sold in some other country (docs/sip.md, "The 604 rule").
        throw new Terminal(404, `VNS ${id.display}: the company has no branch for +${id.callingCode}`);
      }
      case 'domain': {
        const r = await naptrChain(deps.dns, 'domains', domainOwner(id.domain, apex), id.domain, st.steps);
        if (usable(r)) return candidatesOf(r, 'domains', 'e164', null, st, depth);
        throw new Terminal(404, `no company has the domain ${id.domain}`);
      }
      case 'email': {
        const r = await naptrChain(deps.dns, 'email', emailOwner(id.address, apex), id.address, st.steps);
        if (usable(r)) {
          const bound = await bindingsFor(`email:${id.address}`, st);
          const reg = bound.map((b) => ({
            uri: b.contact,
            source: 'registered',
            format: 'e164' as const,
            destCountry: null,
          }));
          return [...reg, ...(await candidatesOf(r, 'email', 'e164', null, st, depth))];
        }
        throw new Terminal(404, `no member has the address ${id.address}`);
      }
    }
  }

  async function resolve(target: string, callerIn?: CallerInput): Promise<Decision> {
    {
      const caller = callerOf(callerIn);
      const st: State = { steps: [], services: [], caller, bindingKeys: [] };
      const decision: Decision = {
        target,
        classification: null,
        caller,
        status: 0,
        reason: '',
        queries: st.steps,
        contacts: [],
        services: st.services,
        bindingKeys: st.bindingKeys,
      };
      const finish = (status: number, warning?: string) => {
        decision.status = status;
        decision.reason = REASON[status] ?? '';
        if (warning) decision.warning = warning;
        return decision;
      };
      let id: Identifier;
      try {
        id = parse(target, caller?.country ?? deps.defaultCountry);
      } catch (err) {
        if (!(err instanceof NumberingError)) throw err;
        decision.error = { code: err.code, message: err.message };
        return finish(statusForNumbering(err), err.message);
      }
      decision.classification = id;
      try {
        const cands = await resolveId(id, st, 0);
        decision.contacts = contactsOf(cands, caller);
        if (decision.contacts.length === 0) return finish(404, `no usable destination for ${id.display}`);
        return finish(302);
      } catch (err) {
        if (err instanceof Terminal) return finish(err.status, err.why);
        if (err instanceof ResolutionUnavailable) {
          decision.retryAfter = deps.retryAfterS ?? 5;
          return finish(503, `DNS unavailable: ${err.message}`);
        }
        if (err instanceof NumberingError) {
          decision.error = { code: err.code, message: err.message };
          return finish(400, err.message);
        }
        throw err;
      }
    }
  }

  const verdicts = createVerdicts(resolve, {
    max: deps.verdictCacheEntries ?? 50_000,
    maxBytes: deps.verdictCacheBytes ?? 32 * 1024 * 1024,
    bindingsTtlMs: deps.bindingsTtlMs ?? 2000,
  });

  return {
    resolve,
    decide: verdicts.decide,
    forget: verdicts.forget,
    tables: () => ({ verdicts: verdicts.size, parsed: parseMemo.size }),
    purgeStale: () => verdicts.purgeStale(),
  };
}
