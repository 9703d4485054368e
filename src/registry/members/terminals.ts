// Registered terminals (mobility, the "flash card": log in on any terminal, receive all your
// calls there). A binding belongs to a member; which identities it answers for is computed when
// a call looks it up, from the member as it is now — its PINs (bought before or after the
// REGISTER), its VNS branches, its domain, its address, its SIP username — never from what was
// copied at REGISTER time. So a number bought after a REGISTER reaches the terminal at once, and
// a number released or sold on no longer reaches the old holder's terminal (docs/sip.md, "Mobility").
//
// Who holds an identity is read through documents keyed by the value (inventory numbers,
// claims), then checked against the member, never through a scan of members.
import {
  type Binding,
  type Claim,
  type Clock,
  COLLECTIONS,
  domainKey,
  emailKey,
  type InventoryNumber,
  type Member,
  type Store,
  sipKey,
  systemClock,
  telKey,
  vnsKey,
} from '#core';
import { callingCodeOf } from '#numbering';
import { claimKey } from './claims.ts';

/** The identity keys a member answers for now (#core identity keys). */
export function memberIdentityKeys(m: Member, realm: string): string[] {
  const out: string[] = [];
  for (const n of m.numbers) {
    if (n.kind === 'pin') out.push(telKey(n.e164));
    else
      for (const cc of new Set(n.branches.map((b) => callingCodeOf(b.country)))) out.push(vnsKey(n.base, cc));
  }
  if (m.email) out.push(emailKey(m.email));
  if (m.domain) out.push(domainKey(m.domain));
  if (m.sip) out.push(sipKey(m.sip.username, realm));
  return out;
}

export interface TerminalLookup {
  /** Live bindings of the members that answer for `key` now, best q first. */
  forIdentity(key: string, now: number): Promise<Binding[]>;
}

/**
 * The registry's answer to "which terminals take calls for this identity": the member holding
 * it now (inventory number, claim), confirmed on the member document, then that member's live
 * bindings. Bindings written before identities were computed name them in `identities`: those
 * members are asked too (and confirmed the same way), so nothing registered earlier is lost.
 */
export function registryTerminals(store: Store, realm: string): TerminalLookup {
  const members = store.collection<Member>(COLLECTIONS.members);
  const numbers = store.collection<InventoryNumber>(COLLECTIONS.numbers);
  const claims = store.collection<Claim>(COLLECTIONS.claims);
  const bindings = store.collection<Binding>(COLLECTIONS.bindings);
  const ourRealm = realm.toLowerCase();

  /** The member ids that may hold `key`, from the documents keyed by its value. */
  async function holders(key: string): Promise<string[]> {
    const at = key.indexOf(':');
    const kind = key.slice(0, at);
    const value = key.slice(at + 1);
    const owner = (d: { ownerMemberId?: string } | { ownerId: string } | null): string[] => {
      if (!d) return [];
      const id = 'ownerId' in d ? d.ownerId : d.ownerMemberId;
      return id ? [id] : [];
    };
    switch (kind) {
      case 'tel':
        return owner(await numbers.get(`pin:${value}`));
      case 'vns':
        return owner(await numbers.get(`vns:${value.slice(0, value.indexOf('#'))}`));
      case 'email':
        return owner(await claims.get(claimKey('email', value)));
      case 'domain':
        return owner(await claims.get(claimKey('domain', value)));
      case 'sip': {
        const sep = value.lastIndexOf('@');
        if (value.slice(sep + 1) !== ourRealm) return [];
        return owner(await claims.get(claimKey('sip', value.slice(0, sep))));
      }
      default:
        return [];
    }
  }

  return {
    async forIdentity(key, now) {
      const ids = new Set(await holders(key));
      // bindings that copied their identities at REGISTER time (before this look-up existed)
      for (const b of await bindings.find({ identities: key, expiresAt: { $gt: now } })) ids.add(b.memberId);
      const live: Binding[] = [];
      for (const id of ids) {
        const m = await members.get(id);
        if (!m || m.deleting || !memberIdentityKeys(m, realm).includes(key)) continue;
        live.push(...(await bindings.find({ memberId: id, expiresAt: { $gt: now } })));
      }
      return live.sort((a, b) => b.q - a.q || b.expiresAt - a.expiresAt);
    },
  };
}

/**
 * The terminals of an identity as a resolver reads them (src/resolve BindingSource), straight
 * from the registry: for `callx resolve` and an API process without a redirector, which must
 * decide as the redirector does (the redirector keeps a short cache in front: src/sip).
 */
export function registryBindingSource(
  store: Store,
  realm: string,
  clock: Clock = systemClock,
): { lookup(key: string): Promise<{ contact: string; q: number }[]> } {
  const terminals = registryTerminals(store, realm);
  return {
    async lookup(key) {
      return (await terminals.forIdentity(key, clock.now())).map((b) => ({ contact: b.contact, q: b.q }));
    },
  };
}
