// Trusted peers' shared secrets (docs/trust.md): a country center, PSTN gateway or partner
// carrier may authenticate its SIP requests with a digest under the username '<kind>:<id>'
// ('gateway:gw-kr'; members' usernames never hold a colon). Only HA1 digests are stored, under
// the SIP realm, in the routing document's `trust.digest`; the password is never kept or shown.
// The operator's data: only the admin sets or clears a secret.
import { type Clock, COLLECTIONS, ha1, type Store } from '#core';
import { type Principal, parseInput, RegistryError, requireAdmin } from '../kernel/index.ts';
import type { Publisher } from '../publisher.ts';
import { PeerSecretInput } from './schemas.ts';

export const PEER_KINDS = {
  center: COLLECTIONS.countries,
  gateway: COLLECTIONS.gateways,
  carrier: COLLECTIONS.carriers,
} as const;
export type PeerKind = keyof typeof PEER_KINDS;

/** The digest username of a peer: 'center:KR', 'gateway:gw-kr', 'carrier:partner-a'. */
export const peerUsername = (kind: PeerKind, id: string): string =>
  `${kind}:${kind === 'center' ? id.toUpperCase() : id}`;

export interface PeerService {
  /** Sets (or replaces) the peer's secret; returns its digest username, never the secret. */
  setSecret(
    p: Principal,
    kind: PeerKind,
    id: string,
    input: PeerSecretInput,
  ): Promise<{ username: string; version: number }>;
  /** Removes the secret (the peer is then recognised by its sources alone). */
  clearSecret(p: Principal, kind: PeerKind, id: string): Promise<void>;
}

export function createPeerService(deps: {
  store: Store;
  publisher: Publisher;
  clock: Clock;
  realm: string;
}): PeerService {
  const what = (kind: PeerKind, id: string) => `registry: ${kind} ${id}`;
  return {
    async setSecret(p, kind, rawId, input) {
      const id = kind === 'center' ? rawId.toUpperCase() : rawId;
      requireAdmin(p, `${what(kind, id)}: set peer secret`);
      const v = parseInput(PeerSecretInput, input, `${what(kind, id)}: peer secret`);
      const username = peerUsername(kind, id);
      const digest = {
        username,
        realm: deps.realm,
        ha1Md5: ha1('MD5', username, deps.realm, v.password),
        ha1Sha256: ha1('SHA-256', username, deps.realm, v.password),
      };
      const doc = await deps.publisher.update<{ _id: string; version: number }>(
        PEER_KINDS[kind],
        { _id: id, publishRemove: { $exists: false } },
        { $set: { 'trust.digest': digest, updatedAt: deps.clock.now() } },
      );
      if (!doc) throw new RegistryError('not-found', `${what(kind, id)}: not found`);
      return { username, version: doc.version };
    },
    async clearSecret(p, kind, rawId) {
      const id = kind === 'center' ? rawId.toUpperCase() : rawId;
      requireAdmin(p, `${what(kind, id)}: clear peer secret`);
      const doc = await deps.publisher.update(
        PEER_KINDS[kind],
        { _id: id, publishRemove: { $exists: false } },
        { $unset: { 'trust.digest': '' }, $set: { updatedAt: deps.clock.now() } },
      );
      if (!doc) throw new RegistryError('not-found', `${what(kind, id)}: not found`);
    },
  };
}
