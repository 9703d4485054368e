// Resolution: a dialed identifier (and the caller) in, a decision out — the Contacts of a 302
// or the precise error, with every DNS query and NAPTR decision recorded. The SIP path and
// `callx resolve` (and GET /v1/resolve) call this same function.

import { type CallerIdFormat, domainKey, emailKey, sipKey, telKey, vnsKey } from '#core';
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
import { emergencyDial, emergencyOwner } from './emergency.ts';
import { createIdentify } from './identify.ts';
import { type ChainResult, lookupStep, naptrChain, type QueryStep, ResolutionUnavailable } from './lookup.ts';
import {
  type CallerInput,
  CID_PARAM,
  type Decision,
  type PageDecision,
  type Resolution,
  type ResolutionDeps,
} from './types.ts';
import { createVerdicts } from './verdicts.ts';

export type {
  BindingSource,
  CallerInput,
  Decision,
  PageDecision,
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
  const realm = (deps.realm ?? deps.apex).toLowerCase();
  const contactsOf = createContacts(apex, deps.maxContacts ?? 16);
  const { parse, callerOf, memo: parseMemo } = createIdentify(deps.defaultCountry, deps.parseCacheEntries);
  const owned = (e164: string) => deps.ownedRanges.some((p) => e164.slice(1).startsWith(p));

  interface State {
    steps: QueryStep[];
    services: Decision['services'];
    caller: Caller | null;
    /** Identity keys whose registered terminals were looked up (decide() forgets by them). */
    bindingKeys: string[];
    /** Why a route was not taken or what was decided besides the Contacts (`callx resolve`). */
    notes: string[];
    /** Numbers already sent off-net in this resolution (no loops between partner trees). */
    offNet: Set<string>;
  }

  async function bindingsFor(key: string, st: State) {
    if (!deps.bindings) return [];
    st.bindingKeys.push(key);
    return deps.bindings.lookup(key);
  }

  /** The terminals registered by whoever holds `key` now (mobility): first, before any tree. */
  async function registered(key: string, country: string | null, st: State): Promise<Candidate[]> {
    const found = await bindingsFor(key, st);
    if (found.length > 0)
      st.notes.push(`registered: ${found.length} terminal(s) of the member holding ${key}, first`);
    return found.map((b) => ({
      uri: b.contact,
      source: 'registered',
      format: 'e164' as const,
      destCountry: country,
    }));
  }

  /** SIP results become candidates; tel results go on to the PSTN tree; our own domain is resolved again. */
  async function candidatesOf(
    r: ChainResult,
    source: string,
    format: CallerIdFormat,
    destCountry: string | null,
    st: State,
    depth: number,
    /** The number these records route off our network (partner, carrier, PSTN trees). */
    e164?: string,
  ): Promise<Candidate[]> {
    st.services.push(...r.services);
    const out: Candidate[] = [];
    for (const item of r.items) {
      if ('tel' in item) {
        // E2U+tel: a number of someone else (another carrier, the PSTN) goes where such a number
        // goes — partner ENUM trees, the carriers tree, the PSTN tree — and takes the record's
        // place; one that leads nowhere is reported, never dropped silently
        const tel = item.tel;
        const found = await offNet(tel, destCountry, st, depth);
        if (found.length === 0)
          st.notes.push(
            `${source}: tel:${tel} leads nowhere (no partner ENUM tree, carrier range or PSTN route has it): skipped`,
          );
        for (const c of found) out.push({ ...c, source: `${source}>${c.source}` });
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
      out.push({ uri, source, format: fmt, destCountry, ...(e164 ? { e164 } : {}) });
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
    const out = await registered(telKey(e164), country, st);
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
    const found = await offNet(e164, country, st, depth);
    if (found.length > 0) return found;
    throw new Terminal(404, `no member, partner, carrier or PSTN route has ${e164}`);
  }

  /**
   * Where a number that is not our member's goes: the first of the partners' ENUM trees, the
   * carriers tree (a partner's range) and the PSTN tree that routes it; [] when none does. Our
   * e164 tree is not asked again (a member's tel record never leads back to it), and a number
   * already on the way is not followed twice (partner trees pointing at each other).
   */
  async function offNet(
    e164: string,
    country: string | null,
    st: State,
    depth: number,
  ): Promise<Candidate[]> {
    if (st.offNet.has(e164)) return [];
    st.offNet.add(e164);
    for (const suffix of deps.enumSuffixes) {
      let r: ChainResult;
      try {
        r = await naptrChain(deps.dns, `enum:${suffix}`, enumName(e164, suffix), e164, st.steps);
      } catch (err) {
        if (err instanceof ResolutionUnavailable) continue; // a partner's tree down: the next route still reaches the number
        throw err;
      }
      if (usable(r)) {
        const c = await candidatesOf(r, `enum:${suffix}`, 'e164', country, st, depth, e164);
        if (c.length > 0) return c;
      }
    }
    const carriers = await naptrChain(
      deps.dns,
      'carriers',
      enumName(e164, treeApex('carriers', apex)),
      e164,
      st.steps,
    );
    if (usable(carriers)) return candidatesOf(carriers, 'carriers', 'e164', country, st, depth, e164);
    const pstn = await naptrChain(deps.dns, 'pstn', enumName(e164, treeApex('pstn', apex)), e164, st.steps);
    if (usable(pstn)) {
      // the PSTN tree routes; a tel record there would only lead back to it
      const routes = { ...pstn, items: pstn.items.filter((i) => 'sip' in i), tel: [] };
      return candidatesOf(routes, 'pstn', 'e164', country, st, depth, e164);
    }
    return [];
  }

  async function resolveId(id: Identifier, st: State, depth: number): Promise<Candidate[]> {
    switch (id.kind) {
      case 'pin':
      case 'e164':
        return resolveNumber(id.e164, id.country, st, depth);
      case 'vns': {
        const country = id.countries[0] ?? null;
        const reg = await registered(vnsKey(id.base, id.callingCode), country, st);
        const r = await naptrChain(
          deps.dns,
          'vns',
          vnsOwner(id.base, id.callingCode, apex),
          id.canonical,
          st.steps,
        );
        if (usable(r)) {
          if (id.countries.length > 1)
            st.notes.push(
              `vns: +${id.callingCode} is shared by ${id.countries.length} countries (${id.countries.slice(0, 4).join(', ')}${id.countries.length > 4 ? ', …' : ''}): every branch the company has there is offered, in its order`,
            );
          return [...reg, ...(await candidatesOf(r, 'vns', 'e164', country, st, depth))];
        }
        if (reg.length > 0) return reg;
        // No 604 here: owners are <base>.<calling code>.vns, so no single name tells whether the
        // base is sold in some other country (docs/sip.md, "The 604 rule").
        throw new Terminal(404, `VNS ${id.display}: the company has no branch for +${id.callingCode}`);
      }
      case 'domain': {
        const reg = await registered(domainKey(id.domain), null, st);
        const r = await naptrChain(deps.dns, 'domains', domainOwner(id.domain, apex), id.domain, st.steps);
        if (usable(r)) return [...reg, ...(await candidatesOf(r, 'domains', 'e164', null, st, depth))];
        if (reg.length > 0) return reg;
        throw new Terminal(404, `no company has the domain ${id.domain}`);
      }
      case 'email': {
        // sip:<user>@<our realm> names a member's SIP account as well as an address
        const reg = await registered(emailKey(id.address), null, st);
        if (id.domain === realm) reg.push(...(await registered(sipKey(id.local, realm), null, st)));
        const r = await naptrChain(deps.dns, 'email', emailOwner(id.address, apex), id.address, st.steps);
        if (usable(r)) return [...reg, ...(await candidatesOf(r, 'email', 'e164', null, st, depth))];
        if (reg.length > 0) return reg;
        if (id.domain === realm)
          throw new Terminal(
            404,
            `no member has the address ${id.address}, and no terminal is registered for the SIP user ${id.local}`,
          );
        throw new Terminal(404, `no member has the address ${id.address}`);
      }
    }
  }

  async function resolve(target: string, callerIn?: CallerInput): Promise<Decision> {
    {
      const caller = callerOf(callerIn);
      const st: State = { steps: [], services: [], caller, bindingKeys: [], notes: [], offNet: new Set() };
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
        notes: st.notes,
      };
      const finish = (status: number, warning?: string) => {
        decision.status = status;
        decision.reason = REASON[status] ?? '';
        if (warning) decision.warning = warning;
        return decision;
      };
      const country = callerIn?.country ?? caller?.country ?? deps.defaultCountry;
      // what the caller asserted is placed in the Contacts only when it is asserted (docs/trust.md)
      const asserted = callerIn?.assert === false ? null : caller;
      const sos = emergencyDial(target, country);
      if (sos) {
        // an emergency code of the caller's country: its emergency gateway, whatever else the digits are
        decision.emergency = sos;
        try {
          const r = await naptrChain(
            deps.dns,
            'emergency',
            emergencyOwner(sos.country, apex),
            sos.code,
            st.steps,
          );
          decision.contacts = contactsOf(
            r.sip.map((x) => ({ uri: x.uri, source: 'emergency', format: 'e164', destCountry: sos.country })),
            asserted,
          );
          if (decision.contacts.length > 0) return finish(302);
          return finish(503, `no emergency route for ${sos.country} (${emergencyOwner(sos.country, apex)})`);
        } catch (err) {
          if (!(err instanceof ResolutionUnavailable)) throw err;
          return finish(503, `DNS unavailable: ${err.message}`);
        }
      }
      let id: Identifier;
      try {
        id = parse(target, country);
      } catch (err) {
        if (!(err instanceof NumberingError)) throw err;
        decision.error = { code: err.code, message: err.message };
        return finish(statusForNumbering(err), err.message);
      }
      decision.classification = id;
      try {
        const cands = await resolveId(id, st, 0);
        decision.contacts = contactsOf(cands, asserted);
        if (decision.contacts.length === 0)
          return finish(
            404,
            `no usable destination for ${id.display}${st.notes.length ? ` (${st.notes.join('; ')})` : ''}`,
          );
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

  /** The web and mail services of an identifier (number pages), through the trees calls take. */
  async function pageOf(target: string, callerCountry?: string): Promise<PageDecision> {
    const st: State = {
      steps: [],
      services: [],
      caller: null,
      bindingKeys: [],
      notes: [],
      offNet: new Set(),
    };
    const out: PageDecision = {
      target,
      classification: null,
      status: 404,
      queries: st.steps,
      notes: st.notes,
    };
    let id: Identifier;
    try {
      id = parse(target, callerCountry ?? deps.defaultCountry);
    } catch (err) {
      if (!(err instanceof NumberingError)) throw err;
      out.status = 400;
      out.warning = err.message;
      return out;
    }
    out.classification = id;
    try {
      const found = await servicesOf(id, st, 0);
      const web = found.find((x) => x.service.startsWith('E2U+web'));
      const email = found.find((x) => x.service.startsWith('E2U+email'));
      if (web) out.web = web.uri;
      if (email) out.email = email.uri;
      out.status = 200;
      if (!web) out.warning = `no home page is published for ${id.display}`;
    } catch (err) {
      if (err instanceof Terminal) {
        out.status = 404;
        out.warning = err.why;
      } else if (err instanceof ResolutionUnavailable) {
        out.status = 503;
        out.warning = `DNS unavailable: ${err.message}`;
      } else throw err;
    }
    return out;
  }

  /**
   * Web and mail records of an identifier: our tree for its kind, then (numbers) the partners'
   * ENUM trees — the first tree that has the identifier decides. A result naming another
   * identifier in our name space (a domain's VNS) is followed, as for calls.
   */
  async function servicesOf(id: Identifier, st: State, depth: number): Promise<ChainResult['services']> {
    const ours = async (tree: string, name: string, aus: string): Promise<ChainResult | null> => {
      const r = await naptrChain(deps.dns, tree, name, aus, st.steps);
      return r.outcome === 'NOERROR' ? r : null;
    };
    let r: ChainResult | null = null;
    switch (id.kind) {
      case 'pin':
      case 'e164': {
        r = await ours('e164', e164Owner(id.e164, apex), id.e164);
        for (const suffix of r ? [] : deps.enumSuffixes) {
          try {
            r = await ours(`enum:${suffix}`, enumName(id.e164, suffix), id.e164);
          } catch (err) {
            if (!(err instanceof ResolutionUnavailable)) throw err;
          }
          if (r) break;
        }
        if (!r) throw new Terminal(404, `no member or partner has ${id.e164}`);
        break;
      }
      case 'vns':
        r = await ours('vns', vnsOwner(id.base, id.callingCode, apex), id.canonical);
        if (!r)
          throw new Terminal(404, `VNS ${id.display}: the company has no branch for +${id.callingCode}`);
        break;
      case 'domain':
        r = await ours('domains', domainOwner(id.domain, apex), id.domain);
        if (!r) throw new Terminal(404, `no company has the domain ${id.domain}`);
        break;
      case 'email':
        r = await ours('email', emailOwner(id.address, apex), id.address);
        if (!r) throw new Terminal(404, `no member has the address ${id.address}`);
        break;
    }
    const services = [...r.services];
    for (const s of r.sip) {
      const host = /^sips?:(?:[^@;?]*@)?([^;?:>]+)/i.exec(s.uri)?.[1]?.toLowerCase();
      if (host !== apex || depth >= MAX_DEPTH || services.some((x) => x.service.startsWith('E2U+web')))
        continue;
      try {
        services.push(...(await servicesOf(parse(s.uri, deps.defaultCountry), st, depth + 1)));
      } catch (err) {
        if (!(err instanceof Terminal) && !(err instanceof NumberingError)) throw err;
      }
    }
    return services;
  }

  const verdicts = createVerdicts(resolve, {
    max: deps.verdictCacheEntries ?? 50_000,
    maxBytes: deps.verdictCacheBytes ?? 32 * 1024 * 1024,
    bindingsTtlMs: deps.bindingsTtlMs ?? 2000,
  });

  return {
    resolve,
    page: pageOf,
    decide: verdicts.decide,
    forget: verdicts.forget,
    tables: () => ({ verdicts: verdicts.size, parsed: parseMemo.size }),
    purgeStale: () => verdicts.purgeStale(),
  };
}
