// Every route module, in the order they appear in the OpenAPI document.
import type { ApiApp, Services } from '../context.ts';
import { registerBillingAccountRoutes } from './billing-accounts.ts';
import { registerBillingCdrRoutes } from './billing-cdrs.ts';
import { registerBillingDeckRoutes } from './billing-decks.ts';
import { registerBillingPartyRoutes } from './billing-parties.ts';
import { registerBillingRentalRoutes } from './billing-rental.ts';
import { registerBillingSettlementRoutes } from './billing-settlement.ts';
import { registerCarrierRoutes } from './carriers.ts';
import { registerCountryRoutes } from './countries.ts';
import { registerGatewayRoutes } from './gateways.ts';
import { registerHealthRoutes } from './health.ts';
import { registerInventoryRoutes } from './inventory.ts';
import { registerJwksRoute } from './jwks.ts';
import { registerMemberSipRoutes } from './member-sip.ts';
import { registerMemberRoutes } from './members.ts';
import { registerNumberPageRoutes } from './number-page.ts';
import { registerNumberRoutes } from './numbers.ts';
import { registerOrderRoutes } from './orders.ts';
import { registerPaymentRoutes } from './payments.ts';
import { registerPriceRuleRoutes } from './price-rules.ts';
import { registerRegistrarRoutes } from './registrars.ts';
import { registerResolveRoute } from './resolve.ts';
import { registerRRsetRoutes } from './rrsets.ts';
import { registerTrustRoutes } from './trust.ts';
import { registerVerificationRoutes } from './verification.ts';
import { registerZoneExportRoute } from './zone-export.ts';
import { registerZoneRoutes } from './zones.ts';

export function registerRoutes(app: ApiApp, s: Services): void {
  registerHealthRoutes(app, s);
  registerRegistrarRoutes(app, s);
  registerZoneRoutes(app, s);
  registerRRsetRoutes(app, s);
  registerZoneExportRoute(app, s);
  registerCountryRoutes(app, s);
  registerGatewayRoutes(app, s);
  registerCarrierRoutes(app, s);
  registerTrustRoutes(app, s);
  registerInventoryRoutes(app, s);
  registerPriceRuleRoutes(app, s);
  registerNumberRoutes(app, s);
  registerOrderRoutes(app, s);
  registerPaymentRoutes(app, s);
  registerVerificationRoutes(app, s);
  registerMemberRoutes(app, s);
  registerMemberSipRoutes(app, s);
  registerResolveRoute(app, s);
  registerNumberPageRoutes(app, s);
  // the fee system (docs/billing.md)
  registerBillingDeckRoutes(app, s);
  registerBillingAccountRoutes(app, s);
  registerBillingCdrRoutes(app, s);
  registerBillingSettlementRoutes(app, s);
  registerBillingRentalRoutes(app, s);
  registerBillingPartyRoutes(app, s);
  registerJwksRoute(app, s);
}
