// The fee system for the web tests: a gateway to the UK with its cost deck, each registrar's sell
// deck, and calls placed as the redirector and a gateway do them (authorized with leased funds,
// then the gateway posts the CDR, which is rated and charged).
import { expect } from 'vitest';
import type { Clock } from '#core';
import {
  ADMIN,
  type BillingService,
  type Principal,
  type RoutingService,
  registrarPrincipal,
} from '#registry';

export const GATEWAY: Principal = { role: 'counterparty', party: 'gateway:gw-uk' };
const SELL =
  'prefix,destination,rate,connection_fee,increment\n44,United Kingdom,0.10,0,60/60\n82,Korea,0.05,0,1/1';
const COST = 'prefix,destination,rate,increment\n44,UK,0.04,60/60';
const iso = (ms: number) => new Date(ms).toISOString();

export type Caller = ReturnType<BillingService['authorizer']>;

/** Decks and the gateway; returns the redirector's authorizer. */
export async function callsReady(
  billing: BillingService,
  routing: RoutingService,
  registrars: string[],
): Promise<Caller> {
  await routing.gateways.create(ADMIN, { id: 'gw-uk', name: 'UK', host: 'gw.uk.example', prefixes: ['44'] });
  for (const r of registrars) {
    const p = registrarPrincipal(r);
    const deck = await billing.decks.create(p, { party: `registrar:${r}`, currency: 'USD' });
    await billing.decks.importCsv(p, { deckId: deck.id, csv: SELL });
  }
  const cost = await billing.decks.create(ADMIN, { party: 'gateway:gw-uk', currency: 'USD' });
  await billing.decks.importCsv(ADMIN, { deckId: cost.id, csv: COST });
  await billing.tokens.load();
  await billing.rates.refresh();
  return billing.authorizer({ holder: 'web-test' });
}

/** An answered call of `seconds` from the member to `destination`, authorized, then its CDR posted. */
export async function placeCall(
  billing: BillingService,
  sip: Caller,
  clock: Clock,
  call: { memberId: string; registrarId: string; destination: string; callId: string; seconds: number },
): Promise<{ charge: string }> {
  const r = await sip.authorize({
    memberId: call.memberId,
    registrarId: call.registrarId,
    caller: '+82262006200',
    destination: call.destination,
    callId: call.callId,
    candidates: [{ party: 'gateway:gw-uk', paid: true }],
  });
  if (r.outcome !== 'authorized') throw new Error(`test: call ${call.callId}: ${r.outcome}`);
  await sip.routes.flush();
  const start = clock.now() - 10_000 - call.seconds * 1000;
  const res = await billing.cdrs.ingest(GATEWAY, {
    cdrs: [
      {
        callId: call.callId,
        start: iso(start),
        answer: iso(start + 5000),
        end: iso(start + 5000 + call.seconds * 1000),
        disposition: 'answered',
        routeToken: r.grants[0]!.token,
      },
    ],
  });
  expect(res.results[0]).toMatchObject({ outcome: 'rated' });
  return { charge: (res.results[0] as { charge: string }).charge };
}
