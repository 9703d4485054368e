// Routing data over the publisher: countries and their centers, PSTN gateways, partner carriers.
// Every change is journaled, so DNS nodes publish the center, pstn and carriers trees from it.
// The trees route every registrar's callers and numbers, so the data is the operator's: every
// principal reads it, only the admin writes it (docs/registry.md, "Services").

import {
  type Clock,
  COLLECTIONS,
  type PartnerCarrier,
  type PstnGateway,
  type Store,
  systemClock,
} from '#core';
import type { Publisher } from '../publisher.ts';
import { type CountryService, createCountryService } from './countries.ts';
import { createPeerService, type PeerService } from './peers.ts';
import { createPolicyService, type PolicyService } from './policies.ts';
import { createRouteService, type RouteService } from './prefix-routes.ts';
import { CarrierInput, CarrierPatch, GatewayInput, GatewayPatch } from './schemas.ts';

export type { CountryService } from './countries.ts';
export type { PeerKind, PeerService } from './peers.ts';
export { PEER_KINDS, peerUsername } from './peers.ts';
export type { PolicyService, PolicyView } from './policies.ts';
export { CallPolicyInput, PolicyScope } from './policies.ts';
export type { RouteService } from './prefix-routes.ts';
export * from './schemas.ts';
export {
  generateStirCredentials,
  STIR_SECRET_ID,
  type StirCredentials,
  stirCredentials,
  stirFromFiles,
} from './stir.ts';
export { loadTrust, type TrustRecords } from './trust.ts';

export interface RoutingService {
  countries: CountryService;
  gateways: RouteService<PstnGateway, typeof GatewayInput, typeof GatewayPatch>;
  carriers: RouteService<PartnerCarrier, typeof CarrierInput, typeof CarrierPatch>;
  /** Trusted peers' shared secrets (docs/trust.md). */
  peers: PeerService;
  /** Call policies: access per caller class, fraud limits, blocked destinations (docs/trust.md). */
  policies: PolicyService;
}

export interface RoutingDeps {
  store: Store;
  /** Built with the process's derivation, whose aggregates republish the pstn and carriers trees. */
  publisher: Publisher;
  clock?: Clock;
  /** Digest realm of trusted peers' secrets (CALLX_SIP_REALM); default 'callx.test'. */
  realm?: string;
}

export function createRoutingService(deps: RoutingDeps): RoutingService {
  const d = { store: deps.store, publisher: deps.publisher, clock: deps.clock ?? systemClock };
  return {
    peers: createPeerService({ ...d, realm: deps.realm ?? 'callx.test' }),
    policies: createPolicyService(d),
    countries: createCountryService(d),
    gateways: createRouteService(
      {
        collection: COLLECTIONS.gateways,
        noun: 'gateway',
        idPrefix: 'gw',
        input: GatewayInput,
        patch: GatewayPatch,
        idOf: (v) => v.id,
        build: (v, meta): Omit<PstnGateway, 'version'> => ({
          ...meta,
          name: v.name,
          host: v.host,
          prefixes: v.prefixes,
          ...(v.trust ? { trust: { sources: v.trust.sources } } : {}),
          registrarId: null,
        }),
      },
      d,
    ),
    carriers: createRouteService(
      {
        collection: COLLECTIONS.carriers,
        noun: 'carrier',
        idPrefix: 'carrier',
        input: CarrierInput,
        patch: CarrierPatch,
        idOf: (v) => v.id,
        build: (v, meta): Omit<PartnerCarrier, 'version'> => ({
          ...meta,
          name: v.name,
          ingress: v.ingress,
          ranges: v.ranges,
          callerIdFormat: v.callerIdFormat,
          ...(v.enumSuffix !== undefined ? { enumSuffix: v.enumSuffix } : {}),
          ...(v.trust ? { trust: { sources: v.trust.sources } } : {}),
          registrarId: null,
        }),
      },
      d,
    ),
  };
}
