// Pre-call authorization as a pure function (docs/billing.md, "Pre-call authorization"): the
// candidates of a route, each rated with the member's sell deck and the counterparty's cost
// deck, and the funds available to this authorizer → per candidate the longest call the funds
// pay for and the hold it needs, or a refusal. No I/O, no clock: the caller matched the rates
// at the call's time and says what is available (a lease's remaining funds).
import { billedSeconds, formatMicro, formatMinor, maxSeconds, type Price, priceMinor } from './money.ts';

export interface RatedCandidate {
  /** Party key of the destination's operator ('gateway:gw-kr', 'carrier:car-uk', 'center:KR'). */
  party: string;
  /** True for routes that cost money (PSTN gateways, partner carriers); on-net routes are free. */
  paid: boolean;
  /** The member's rate for the destination (its registrar's sell deck); null: none. */
  sell: Price | null;
  /** What the counterparty charges us (its cost deck); null: no cost deck or no row. */
  cost: Price | null;
}

export interface DecideInput {
  candidates: readonly RatedCandidate[];
  /** Minor units this authorizer may still hold for the account. */
  available: number;
  currency: string;
  /** The longest call authorized, seconds. */
  capSeconds: number;
  /** Emergency numbers are never refused. */
  emergency: boolean;
}

export interface CandidateGrant {
  /** Index in the input's candidates. */
  index: number;
  party: string;
  paid: boolean;
  /** The longest call this candidate may carry, seconds. */
  maxSeconds: number;
  /** What a call of maxSeconds costs the member (minor units): the hold it needs. */
  hold: number;
  sell: Price | null;
  cost: Price | null;
}

export type AuthDecision =
  | {
      outcome: 'authorized';
      /** The hold for the call: the largest of its candidates' (only one carries the call). */
      hold: number;
      /** Candidates that may carry the call, in the input's order. */
      grants: CandidateGrant[];
    }
  /** Not one billing increment covered on any paid candidate (SIP 402 with a Warning). */
  | { outcome: 'refused'; status: 402; warning: string }
  /** Paid candidates only, and none has a sell rate: the member may not call there (SIP 403). */
  | { outcome: 'no-rate'; status: 403; warning: string };

export function decide(input: DecideInput): AuthDecision {
  const grants: CandidateGrant[] = [];
  let hold = 0;
  let cheapest: Price | null = null;
  let rated = 0;
  input.candidates.forEach((c, index) => {
    if (!c.paid) {
      grants.push({
        index,
        party: c.party,
        paid: false,
        maxSeconds: input.capSeconds,
        hold: 0,
        sell: null,
        cost: c.cost,
      });
      return;
    }
    if (input.emergency) {
      // never refused; rated if the deck prices it, held only as far as the funds go
      const max = c.sell ? maxSeconds(input.available, c.sell, input.capSeconds) : 0;
      const h = c.sell && max > 0 ? priceMinor(billedSeconds(max, c.sell), c.sell) : 0;
      grants.push({
        index,
        party: c.party,
        paid: true,
        maxSeconds: input.capSeconds,
        hold: h,
        sell: c.sell,
        cost: c.cost,
      });
      hold = Math.max(hold, h);
      return;
    }
    if (!c.sell) return;
    rated++;
    const max = maxSeconds(input.available, c.sell, input.capSeconds);
    if (max <= 0) {
      if (!cheapest || priceMinor(c.sell.first, c.sell) < priceMinor(cheapest.first, cheapest))
        cheapest = c.sell;
      return;
    }
    const h = priceMinor(billedSeconds(max, c.sell), c.sell);
    grants.push({ index, party: c.party, paid: true, maxSeconds: max, hold: h, sell: c.sell, cost: c.cost });
    hold = Math.max(hold, h);
  });
  if (grants.length > 0) return { outcome: 'authorized', hold, grants };
  if (rated === 0)
    return { outcome: 'no-rate', status: 403, warning: 'no rate for this destination in your tariff' };
  const p = cheapest as Price | null;
  const first = p
    ? ` (${p.first} s at ${formatMicro(p.rate, input.currency)} ${input.currency}/min` +
      `${p.fee ? ` + ${formatMicro(p.fee, input.currency)} connection` : ''}: ${formatMinor(priceMinor(p.first, p), input.currency)})`
    : '';
  return {
    outcome: 'refused',
    status: 402,
    warning: `insufficient funds: ${formatMinor(Math.max(0, input.available), input.currency)} ${input.currency} available does not cover the first billing increment${first}`,
  };
}
