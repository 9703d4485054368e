// Checkout in the web store (docs/web.md, "Payments"): one checkout per reserved order, owned by
// the visitor's browser, paid through a payment provider. Two providers: `test` (demos: pays at
// once) and `bank-transfer` (the number is held longer, the registrar confirms the money in the
// console). Provider webhooks are verified by signature (signature.ts). Every payment goes
// through the sales service (reserve -> pay), so a number is never sold twice; the checkout
// acts as the registrar's sales channel (`registrarPrincipal(order's registrar)`), limited to
// the order the visitor reserved.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  type Checkout,
  type Clock,
  COLLECTIONS,
  DuplicateKeyError,
  type Logger,
  type Store,
  systemClock,
  type WebhookEvent,
} from '#core';
import {
  listingScope,
  type Page,
  type Principal,
  page,
  pageFields,
  parseInput,
  RegistrarId,
  RegistryError,
  registrarPrincipal,
  requireCapability,
  visible,
} from '../kernel/index.ts';
import { deploymentSecret } from '../logins/secret.ts';
import type { SalesService } from '../sales/index.ts';
import { signPayload, verifySignature } from './signature.ts';

export { SIGNATURE_HEADER, signPayload, verifySignature } from './signature.ts';

export const PROVIDERS = ['test', 'bank-transfer'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

/** A bank transfer holds the number this long (default three days). */
export const DEFAULT_TRANSFER_HOLD_MS = 3 * 24 * 3_600_000;

export interface CheckoutView {
  id: string;
  orderId: string;
  registrarId: string;
  numberId: string;
  price: Checkout['price'];
  status: Checkout['status'];
  provider?: ProviderId;
  reference?: string;
  memberId?: string;
  expiresAt: number;
  paidAt?: number;
  failure?: string;
  createdAt: number;
}

const view = (c: Checkout): CheckoutView => ({
  id: c._id,
  orderId: c.orderId,
  registrarId: c.registrarId,
  numberId: c.numberId,
  price: c.price,
  status: c.status,
  ...(c.provider ? { provider: c.provider } : {}),
  ...(c.reference ? { reference: c.reference } : {}),
  ...(c.memberId ? { memberId: c.memberId } : {}),
  expiresAt: c.expiresAt,
  ...(c.paidAt !== undefined ? { paidAt: c.paidAt } : {}),
  ...(c.failure ? { failure: c.failure } : {}),
  createdAt: c.createdAt,
});

/** A webhook event of a provider: a payment for a checkout succeeded (or failed). */
export const WebhookEventInput = z.object({
  id: z.string().regex(/^[\x21-\x7e]{1,128}$/),
  type: z.enum(['payment.succeeded', 'payment.failed']),
  data: z.object({
    checkout: z.string().regex(/^co_[0-9a-z]{9}[0-9a-f]{16}$/),
    reference: z.string().regex(/^[\x21-\x7e]{1,100}$/),
    amount: z.object({ amount: z.number().int().min(0), currency: z.string().regex(/^[A-Z]{3}$/) }),
  }),
});

export type WebhookOutcome =
  | { status: 200; handled: 'paid' | 'failed' | 'duplicate' }
  | { status: 400 | 401 | 404 | 409; error: string };

export interface CheckoutDeps {
  store: Store;
  sales: SalesService;
  logger: Logger;
  clock?: Clock;
  transferHoldMs?: number;
  /** Seconds a webhook's timestamp may be away from now. */
  toleranceS?: number;
}

export type CheckoutService = ReturnType<typeof createCheckout>;

const newCheckoutId = (now: number) =>
  `co_${Math.floor(now).toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;

/** The code a payer writes on a bank transfer: short, unambiguous letters and digits. */
function transferCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const b = randomBytes(8);
  let s = '';
  for (let i = 0; i < 8; i++) s += alphabet[b[i]! % alphabet.length];
  return `CX-${s.slice(0, 4)}-${s.slice(4)}`;
}

export function createCheckout(deps: CheckoutDeps) {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger.child({ component: 'checkout' });
  const checkouts = deps.store.collection<Checkout>(COLLECTIONS.checkouts);
  const events = deps.store.collection<WebhookEvent>(COLLECTIONS.webhookEvents);
  const secrets = Object.fromEntries(
    PROVIDERS.map((p) => [p, deploymentSecret(deps.store, `webhook-${p}`, clock)]),
  ) as Record<ProviderId, () => Promise<Buffer>>;
  const holdMs = deps.transferHoldMs ?? DEFAULT_TRANSFER_HOLD_MS;

  async function mine(visitor: string, id: string, where: string): Promise<Checkout> {
    const c = /^co_[0-9a-z]{25}$/.test(id) ? await checkouts.get(id) : null;
    if (!c || c.visitor !== visitor)
      throw new RegistryError('not-found', `${where}: checkout ${id}: not found`);
    return c;
  }

  /** Pays the checkout's order through the sales service; the checkout records the outcome. */
  async function settle(c: Checkout, provider: ProviderId, reference: string, amount: Checkout['price']) {
    const where = `registry: checkout ${c._id}`;
    const reach = registrarPrincipal(c.registrarId);
    try {
      await deps.sales.pay(reach, {
        orderId: c.orderId,
        reference,
        amount,
        ...(c.memberId ? { memberId: c.memberId } : {}),
      });
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      if (err.code === 'already-paid' || err.code === 'order-not-payable' || err.code === 'amount-mismatch') {
        // the sales service keeps the payment marked for refund where it took one
        const failed = await checkouts.findOneAndUpdate(
          { _id: c._id, status: { $in: ['open', 'pending'] } },
          {
            $set: { status: 'failed', failure: err.code, provider, reference, updatedAt: clock.now() },
            $inc: { version: 1 },
          },
        );
        log.warn({ checkout: c._id, code: err.code }, `${where}: payment refused: ${err.message}`);
        return failed ?? (await checkouts.get(c._id)) ?? c;
      }
      throw err;
    }
    const now = clock.now();
    // a bank transfer keeps the code the payer wrote; the sales payment is `bank-<code>`
    const paid = await checkouts.findOneAndUpdate(
      { _id: c._id },
      {
        $set: { status: 'paid', provider, reference: c.reference ?? reference, paidAt: now, updatedAt: now },
        $unset: { failure: '' },
        $inc: { version: 1 },
      },
    );
    log.info({ checkout: c._id, orderId: c.orderId, provider, reference }, `${where}: paid`);
    return paid ?? c;
  }

  return {
    /** A checkout for an order just reserved (through the store, as the order's registrar). */
    async start(
      visitor: string,
      order: {
        id: string;
        registrarId: string;
        numberId: string;
        price: Checkout['price'];
        expiresAt: number;
      },
      memberId?: string,
    ): Promise<CheckoutView> {
      const now = clock.now();
      const doc: Checkout = {
        _id: newCheckoutId(now),
        orderId: order.id,
        registrarId: order.registrarId,
        numberId: order.numberId,
        price: order.price,
        visitor,
        status: 'open',
        ...(memberId ? { memberId } : {}),
        expiresAt: order.expiresAt,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await checkouts.insert(doc);
      return view(doc);
    },

    /** The visitor's own checkout, with the order's current state; 'not-found' for anyone else's. */
    async get(visitor: string, id: string) {
      const c = await mine(visitor, id, 'registry: checkout');
      const order = await deps.sales.getOrder(registrarPrincipal(c.registrarId), { orderId: c.orderId });
      return { checkout: view(c), order };
    },

    /** The `test` provider: pays at once (demos and tests). */
    async payWithTest(visitor: string, id: string): Promise<CheckoutView> {
      const c = await mine(visitor, id, 'registry: checkout: test provider');
      if (c.status === 'paid') return view(c);
      return view(await settle(c, 'test', `test-${c._id}`, c.price));
    },

    /** The `bank-transfer` provider: holds the number longer and shows the code for the transfer. */
    async chooseBankTransfer(visitor: string, id: string): Promise<CheckoutView> {
      const where = 'registry: checkout: bank transfer';
      const c = await mine(visitor, id, where);
      if (c.status === 'pending' || c.status === 'paid') return view(c);
      if (c.status !== 'open')
        throw new RegistryError('order-state', `${where}: checkout ${id} is ${c.status}`);
      const order = await deps.sales.extend(registrarPrincipal(c.registrarId), {
        orderId: c.orderId,
        holdMs,
      });
      const now = clock.now();
      const updated = await checkouts.findOneAndUpdate(
        { _id: c._id, status: 'open' },
        {
          $set: {
            status: 'pending',
            provider: 'bank-transfer',
            reference: transferCode(),
            expiresAt: order.expiresAt,
            updatedAt: now,
          },
          $inc: { version: 1 },
        },
      );
      return view(updated ?? (await mine(visitor, id, where)));
    },

    /** The buyer registered after paying: the order's number goes to the new member. */
    async attachMember(visitor: string, id: string, memberId: string): Promise<CheckoutView> {
      const c = await mine(visitor, id, 'registry: checkout: attach');
      const reach = registrarPrincipal(c.registrarId);
      const updated = await checkouts.findOneAndUpdate(
        { _id: c._id, memberId: { $exists: false } },
        { $set: { memberId, updatedAt: clock.now() }, $inc: { version: 1 } },
      );
      const order = await deps.sales.getOrder(reach, { orderId: c.orderId });
      if (order.status === 'paid' && !order.memberId)
        await deps.sales.assign(reach, { orderId: c.orderId, memberId });
      if (order.status === 'pending-verification' && !order.memberId) {
        // a PIN waits for its proof of ownership: the buyer is recorded, the approval assigns it
        try {
          await deps.sales.assign(reach, { orderId: c.orderId, memberId });
        } catch (err) {
          if (!(err instanceof RegistryError) || err.code !== 'verification-required') throw err;
        }
      }
      return view(updated ?? c);
    },

    /** The visitor gives the number back before paying: the reservation ends now. */
    async abandon(visitor: string, id: string): Promise<CheckoutView> {
      const c = await mine(visitor, id, 'registry: checkout: cancel');
      if (c.status === 'paid')
        throw new RegistryError('order-state', `registry: checkout ${id}: paid already`);
      await deps.sales.cancel(registrarPrincipal(c.registrarId), { orderId: c.orderId });
      const updated = await checkouts.findOneAndUpdate(
        { _id: c._id, status: { $in: ['open', 'pending'] } },
        { $set: { status: 'closed', failure: 'cancelled', updatedAt: clock.now() }, $inc: { version: 1 } },
      );
      return view(updated ?? c);
    },

    /** Console: the registrar received a bank transfer; pays the order (staff with `sell`). */
    async confirmTransfer(p: Principal, id: string): Promise<CheckoutView> {
      const where = `registry: checkout ${id}: confirm transfer`;
      requireCapability(p, 'sell', where);
      const c = visible(p, /^co_[0-9a-z]{25}$/.test(id) ? await checkouts.get(id) : null, where);
      if (c.provider !== 'bank-transfer' || c.status !== 'pending') {
        if (c.status === 'paid') return view(c);
        throw new RegistryError(
          'order-state',
          `${where}: the checkout is ${c.status}, not a pending transfer`,
        );
      }
      return view(await settle(c, 'bank-transfer', `bank-${c.reference}`, c.price));
    },

    /** Console: a registrar's checkouts, newest first by id order (`status` to filter). */
    async list(
      p: Principal,
      input: { registrarId?: string; status?: Checkout['status']; cursor?: string; limit?: number } = {},
    ): Promise<Page<CheckoutView>> {
      const where = 'registry: checkouts';
      requireCapability(p, 'read', where);
      const v = parseInput(
        z
          .object({
            registrarId: RegistrarId.optional(),
            status: z.enum(['open', 'pending', 'paid', 'failed', 'closed']).optional(),
            ...pageFields,
          })
          .strict(),
        input,
        where,
      );
      const registrarId = listingScope(p, v.registrarId, where);
      const filter = { ...(registrarId ? { registrarId } : {}), ...(v.status ? { status: v.status } : {}) };
      return page(
        checkouts,
        filter,
        v,
        { list: 'checkouts', query: { registrarId, status: v.status } },
        view,
      );
    },

    /** The signing secret of a provider's webhooks (the operator gives it to the provider). */
    async webhookSecret(p: Principal, provider: ProviderId): Promise<string> {
      if (p.role !== 'admin')
        throw new RegistryError('forbidden', "registry: checkout: webhook secrets are the operator's");
      return (await secrets[provider]()).toString('base64url');
    },

    /** Signs a payload as the provider would (tests, and the demo's test provider). */
    async sign(
      provider: ProviderId,
      payload: string,
      unixSeconds = Math.floor(clock.now() / 1000),
    ): Promise<string> {
      return signPayload(await secrets[provider](), payload, unixSeconds);
    },

    /**
     * A provider's webhook: the raw body and its signature header. Verified first (401 when the
     * signature is missing, wrong or outside the tolerance); then the event pays the checkout
     * (the payment reference makes a repeated event one payment).
     */
    async webhook(provider: string, rawBody: string, signature: string | undefined): Promise<WebhookOutcome> {
      if (!(PROVIDERS as readonly string[]).includes(provider))
        return { status: 404, error: `no provider ${provider}` };
      const pid = provider as ProviderId;
      const check = verifySignature(await secrets[pid](), rawBody, signature, clock.now(), deps.toleranceS);
      if (!check.ok) {
        log.warn({ provider }, `checkout: webhook ${provider}: ${check.why}`);
        return { status: 401, error: check.why };
      }
      let event: z.infer<typeof WebhookEventInput>;
      try {
        event = WebhookEventInput.parse(JSON.parse(rawBody));
      } catch {
        return { status: 400, error: 'not a payment event' };
      }
      if (await events.get(`${provider}:${event.id}`)) return { status: 200, handled: 'duplicate' };
      const c = await checkouts.get(event.data.checkout);
      if (!c) return { status: 404, error: `no checkout ${event.data.checkout}` };
      if (event.type === 'payment.failed') {
        await checkouts.findOneAndUpdate(
          { _id: c._id, status: { $in: ['open', 'pending'] } },
          { $set: { status: 'open', failure: 'declined', updatedAt: clock.now() }, $inc: { version: 1 } },
        );
      } else {
        const done = await settle(c, pid, event.data.reference, event.data.amount);
        if (done.status !== 'paid') {
          await record();
          return { status: 409, error: done.failure ?? 'not paid' };
        }
      }
      await record();
      return { status: 200, handled: event.type === 'payment.failed' ? 'failed' : 'paid' };

      async function record() {
        try {
          await events.insert({ _id: `${provider}:${event.id}`, at: clock.now(), type: event.type });
        } catch (err) {
          if (!(err instanceof DuplicateKeyError)) throw err;
        }
      }
    },
  };
}
