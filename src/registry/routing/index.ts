// Routing data over the publisher: countries and their centers, PSTN gateways, partner carriers.
// Every change is journaled, so DNS nodes publish the center, pstn and carriers trees from it.

import {
  type CallerIdFormat,
  type Clock,
  COLLECTIONS,
  type PartnerCarrier,
  type PstnGateway,
  type Store,
  systemClock,
} from '#core';
import { ServiceError } from '../auth/errors.ts';
import type { Publisher } from '../publisher.ts';
import { type CountryService, createCountryService } from './countries.ts';
import { createRouteService, type RouteService } from './prefix-routes.ts';

export type { CountryInput, CountryPatch, CountryService } from './countries.ts';
export type { RouteService } from './prefix-routes.ts';

export interface GatewayInput {
  name: string;
  host: string;
  prefixes: string[];
}
export type GatewayPatch = Partial<GatewayInput>;

export interface CarrierInput {
  name: string;
  ingress: string;
  ranges: string[];
  callerIdFormat: CallerIdFormat;
  enumSuffix?: string | undefined;
}
/** `enumSuffix: null` removes it. */
export type CarrierPatch = Partial<Omit<CarrierInput, 'enumSuffix'>> & {
  enumSuffix?: string | null | undefined;
};

const DNS_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

function checkCarrierFields(fields: Record<string, unknown>): void {
  const s = fields.enumSuffix;
  if (typeof s === 'string' && !DNS_NAME.test(s))
    throw new ServiceError('invalid', `enumSuffix: '${s}' is not a DNS name such as e164.partner.example`, [
      { pointer: '/enumSuffix', detail: 'expected a lower-case DNS name of two labels or more' },
    ]);
}

export interface RoutingService {
  countries: CountryService;
  gateways: RouteService<PstnGateway, GatewayInput, GatewayPatch>;
  carriers: RouteService<PartnerCarrier, CarrierInput, CarrierPatch>;
}

export interface RoutingDeps {
  store: Store;
  /** Built with the process's derivation, whose aggregates republish the pstn and carriers trees. */
  publisher: Publisher;
  clock?: Clock;
}

export function createRoutingService(deps: RoutingDeps): RoutingService {
  const d = { store: deps.store, publisher: deps.publisher, clock: deps.clock ?? systemClock };
  return {
    countries: createCountryService(d),
    gateways: createRouteService<PstnGateway, GatewayInput, GatewayPatch>(
      {
        collection: COLLECTIONS.gateways,
        noun: 'gateway',
        idPrefix: 'gw',
        prefixField: 'prefixes',
        hostField: 'host',
      },
      d,
    ),
    carriers: createRouteService<PartnerCarrier, CarrierInput, CarrierPatch>(
      {
        collection: COLLECTIONS.carriers,
        noun: 'carrier',
        idPrefix: 'carrier',
        prefixField: 'ranges',
        hostField: 'ingress',
        checkFields: checkCarrierFields,
      },
      d,
    ),
  };
}
