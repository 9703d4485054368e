// The Contacts of a 302: candidates deduplicated, cut to the maximum, given descending q-values,
// each carrying the caller identity switched into the destination's numbering as an embedded
// P-Asserted-Identity header (RFC 3261 §19.1.5).
import { LRUCache } from 'lru-cache';
import type { CallerIdFormat } from '#core';
import { type Caller, type SwitchedCallerId, switchCallerId } from './callerid.ts';
import { contactValue, escapeHeaderValue, qvalues, withEscapedUriHeader } from './contact.ts';
import type { ResolvedContact } from './types.ts';

/** A destination found by resolution, before it becomes a Contact. */
export interface Candidate {
  uri: string;
  source: string;
  format: CallerIdFormat;
  destCountry: string | null;
  /** The E.164 number it reaches off our network (PSTN, carrier, partner tree). */
  e164?: string;
}

export function createContacts(apex: string, maxContacts: number) {
  // the same caller rewritten the same way on every call: remember the result and its escaping
  const switchMemo = new LRUCache<string, { callerId: SwitchedCallerId | null; escaped: string }>({
    max: 10_000,
  });
  function switched(caller: Caller | null, c: Candidate) {
    const key = caller ? `${caller.uri}|${caller.display ?? ''}|${c.format}|${c.destCountry ?? ''}` : '';
    let r = switchMemo.get(key);
    if (!r) {
      const callerId = switchCallerId(caller, c.format, c.destCountry, apex);
      r = { callerId, escaped: callerId ? escapeHeaderValue(callerId.value) : '' };
      switchMemo.set(key, r);
    }
    return r;
  }

  function contactsOf(cands: Candidate[], caller: Caller | null): ResolvedContact[] {
    const seen = new Set<string>();
    const unique = cands.filter((c) => {
      const k = c.uri.toLowerCase();
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const kept = unique.slice(0, maxContacts);
    const qs = qvalues(kept.length);
    return kept.map((c, i) => {
      const { callerId, escaped } = switched(caller, c);
      const uri = callerId ? withEscapedUriHeader(c.uri, 'P-Asserted-Identity', escaped) : c.uri;
      return {
        uri,
        target: c.uri,
        q: qs[i]!,
        source: c.source,
        callerId,
        header: contactValue(uri, qs[i]!),
        ...(c.e164 ? { e164: c.e164 } : {}),
      };
    });
  }

  return contactsOf;
}
