// What the trust steps of the pipeline (steps.ts) work with: the digest verifier, members'
// accounts, trusted peers and policies, the shared call counts, the identity signer, and the
// audit trail of refusals (metrics and rate-limited logs). docs/trust.md.
import { type Clock, createLogLimiter, type Logger, type LogLimiter, systemClock } from '#core';
import type { AccountSource } from './accounts.ts';
import { createTrustState, type TrustState } from './data.ts';
import { createDigestVerifier, type DigestVerifier } from './digest-auth.ts';
import { createRateLimiter, type RateLimiter } from './limits.ts';
import type { Signer } from './stir.ts';
import type { CallerKind, Refusal } from './types.ts';

/** Where refusals, classifications and signatures are counted (metrics.sip). */
export interface TrustObserver {
  caller(kind: CallerKind): void;
  refusal(reason: Refusal, caller: CallerKind): void;
  identity(outcome: 'signed' | 'passed'): void;
}

export interface Trust {
  readonly verifier: DigestVerifier;
  /** Members' accounts for call authentication (cached); none without a registry. */
  readonly accounts: AccountSource | undefined;
  readonly state: TrustState;
  readonly limits: RateLimiter;
  /** The identity signer once its key is loaded; null while loading or when signing is off. */
  signer(): Signer | null;
  /** Country of national numbers when the caller's is unknown (CALLX_DEFAULT_COUNTRY). */
  readonly defaultCountry: string | undefined;
  readonly clock: Clock;
  readonly log: Logger;
  readonly limiter: LogLimiter;
  readonly observer: TrustObserver | undefined;
}

export interface TrustDeps {
  verifier?: DigestVerifier;
  realm?: string;
  accounts?: AccountSource | undefined;
  state?: TrustState;
  limits?: RateLimiter;
  signer?: () => Signer | null;
  defaultCountry?: string | undefined;
  clock?: Clock;
  log: Logger;
  observer?: TrustObserver | undefined;
}

/** The trust of a redirector; every part has a default that trusts nobody (no accounts, no peers). */
export function createTrust(deps: TrustDeps): Trust {
  const clock = deps.clock ?? systemClock;
  const limiter = createLogLimiter(deps.log, { clock });
  return {
    verifier: deps.verifier ?? createDigestVerifier({ realm: deps.realm ?? 'callx', clock }),
    accounts: deps.accounts,
    state: deps.state ?? createTrustState({ configured: [], clock, log: deps.log, limiter }),
    limits: deps.limits ?? createRateLimiter({ clock }),
    signer: deps.signer ?? (() => null),
    defaultCountry: deps.defaultCountry,
    clock,
    log: deps.log,
    limiter,
    observer: deps.observer,
  };
}
