// What a redirector reads to classify callers and apply the call policy (docs/trust.md): the
// routing documents that are trusted peers, and every policy document. Small collections, read
// whole every few seconds by each redirector (src/sip/trust/data.ts).
import {
  type CallPolicy,
  type CallPolicyRules,
  COLLECTIONS,
  type Country,
  type PartnerCarrier,
  type PstnGateway,
  type SipCredentials,
  type Store,
} from '#core';
import { peerUsername } from './peers.ts';

export interface TrustRecords {
  peers: {
    id: string;
    kind: 'center' | 'gateway' | 'carrier';
    country: string | null;
    sources: string[];
    digest?: SipCredentials;
  }[];
  /** Policy rules by `_id` ('default', 'country:KR', 'registrar:reg-a'). */
  policies: Map<string, CallPolicyRules>;
}

const TRUSTED = { trust: { $exists: true }, publishRemove: { $exists: false } };

export async function loadTrust(store: Store): Promise<TrustRecords> {
  const [countries, gateways, carriers, policies] = await Promise.all([
    store.collection<Country>(COLLECTIONS.countries).find(TRUSTED),
    store.collection<PstnGateway>(COLLECTIONS.gateways).find(TRUSTED),
    store.collection<PartnerCarrier>(COLLECTIONS.carriers).find(TRUSTED),
    store.collection<CallPolicy>(COLLECTIONS.policies).find({}),
  ]);
  const peer = (
    kind: 'center' | 'gateway' | 'carrier',
    id: string,
    country: string | null,
    t: Country['trust'],
  ) => ({
    id: peerUsername(kind, id),
    kind,
    country,
    sources: t?.sources ?? [],
    ...(t?.digest ? { digest: t.digest } : {}),
  });
  return {
    peers: [
      ...countries.map((c) => peer('center', c._id, c._id, c.trust)),
      ...gateways.map((g) => peer('gateway', g._id, null, g.trust)),
      ...carriers.map((c) => peer('carrier', c._id, null, c.trust)),
    ],
    policies: new Map(
      policies.map((p) => {
        const { _id, version: _v, createdAt: _c, updatedAt: _u, ...rules } = p;
        return [_id, rules];
      }),
    ),
  };
}
