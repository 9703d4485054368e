// The redirector core: the request pipeline (pipeline.ts) over one transaction table, with
// resolution and REGISTER passed in. No I/O of its own: a transport hands it messages and writes
// what it answers. RFC 3261 behaviour of a stateless redirect server.
import { type Clock, createLogLimiter, type Logger } from '#core';
import type { SipBilling } from './billing/authorize.ts';
import { createPipeline, type RegisterFn, type ResolveFn } from './pipeline.ts';
import { createTransactions, type Transactions } from './transactions.ts';
import { createTrust, type Trust } from './trust/trust.ts';
import type { Redirector } from './types.ts';

export type { CallerIdentity, RedirectDecision, RegisterFn, ResolveCaller, ResolveFn } from './pipeline.ts';
export { ALLOW, callerOf } from './pipeline.ts';

export interface RedirectorDeps {
  resolve: ResolveFn;
  /** REGISTER handling (mobility); without it REGISTER gets 405. */
  register?: RegisterFn | undefined;
  log: Logger;
  /** Remembered transactions: how many, for how long (default 64*T1 = 32 s). */
  transactions?: { max: number; ttlMs: number };
  clock?: Clock;
  /** Who is calling and what they may reach (docs/trust.md); default: nobody is trusted, every caller is anonymous. */
  trust?: Trust;
  /** The fee system's pre-call authorization (docs/billing.md); without it no call is rated. */
  billing?: SipBilling | undefined;
}

/** The core, its transaction table (metrics, the sweeper) and the names of its steps in order. */
export interface RedirectorCore extends Redirector {
  readonly transactions: Pick<Transactions, 'size' | 'purgeStale'>;
  readonly steps: readonly string[];
}

export function createRedirector(deps: RedirectorDeps): RedirectorCore {
  const tx = createTransactions(deps.transactions?.max ?? 50_000, deps.transactions?.ttlMs ?? 32_000);
  const limiter = createLogLimiter(deps.log, deps.clock ? { clock: deps.clock } : {});
  const pipeline = createPipeline({
    resolve: deps.resolve,
    register: deps.register,
    log: deps.log,
    limiter,
    tx,
    trust: deps.trust ?? createTrust({ log: deps.log, ...(deps.clock ? { clock: deps.clock } : {}) }),
    billing: deps.billing,
  });
  return {
    transactions: tx,
    steps: pipeline.steps.map((s) => s.name),
    process: pipeline.run,
  };
}
