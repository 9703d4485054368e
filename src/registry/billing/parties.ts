// Parties of the fee system: who money flows to or from, named by one key everywhere
// (decks, routes, CDR sources, statements, counterparty tokens): 'registrar:reg-a',
// 'gateway:gw-kr', 'carrier:car-uk', 'center:KR'.
import { z } from 'zod';
import type { PartyKind } from '#core';
import { SLUG } from '../kernel/index.ts';

export const PARTY_KINDS = [
  'registrar',
  'gateway',
  'carrier',
  'center',
] as const satisfies readonly PartyKind[];
/** Parties that carry calls for money and post CDRs (a center carries on-net calls, free). */
export const COUNTERPARTY_KINDS = ['gateway', 'carrier', 'center'] as const;

export interface Party {
  kind: PartyKind;
  id: string;
}

const PARTY = /^(registrar|gateway|carrier|center):(.+)$/;

/** The party a key names, or null when the key is malformed. */
export function parseParty(key: string): Party | null {
  const m = PARTY.exec(key);
  if (!m) return null;
  const kind = m[1] as PartyKind;
  const id = m[2]!;
  if (kind === 'center' ? !/^[A-Z]{2}$/.test(id) : !SLUG.test(id)) return null;
  return { kind, id };
}

export const partyKey = (p: Party): string => `${p.kind}:${p.id}`;

/** A party key in input ('gateway:gw-kr'; a center by its ISO country, 'center:KR'). */
export const PartyKey = z
  .string()
  .max(80)
  .transform((s, ctx) => {
    const t = s.trim().replace(/^center:([a-z]{2})$/i, (_, cc: string) => `center:${cc.toUpperCase()}`);
    if (parseParty(t)) return t;
    ctx.addIssue({
      code: 'custom',
      message: "expected a party such as 'registrar:reg-a', 'gateway:gw-kr', 'carrier:car-uk' or 'center:KR'",
    });
    return z.NEVER;
  });

/** A counterparty key (gateway, carrier or center). */
export const CounterpartyKey = PartyKey.refine((k) => !k.startsWith('registrar:'), {
  error: 'expected a gateway, carrier or center, not a registrar',
});
