// Proof of ownership of a PIN (docs/sales.md, "Proof of ownership"). A PIN is a real
// subscriber's existing number: selling +82 2 6200 6200 to anyone but its holder would divert
// that person's callers. So a paid PIN order waits, `pending-verification`, with nothing
// published, until
//   1. its registrar records the evidence: a letter of authorisation (its reference), or a
//      verification code callx makes, which the member confirms from that very line through
//      the country center (the center's system calls `confirmCode` with the calling line it saw
//      and the digits entered);
//   2. the admin or the registrar approves: the order becomes `paid`, and its number goes to
//      the buyer (steps 3-5 of the sale: sale.ts), which publishes it.
// Each step is one conditional write on the order (its version), so concurrent calls decide once.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Order, OrderVerification } from '#core';
import { type Principal, parseInput, principalKey, RegistryError, requireAdmin } from '../kernel/index.ts';
import type { ServiceContext } from './context.ts';
import { numberIdOf, ownOrder } from './orders.ts';
import { assignNumber } from './sale.ts';
import { ApproveInput, ConfirmCodeInput, RecordEvidenceInput } from './schemas.ts';
import { type NumberView, numberView, type OrderView, orderView } from './views.ts';

/** How long a verification code may be confirmed (a week: a letter may be slower). */
export const CODE_TTL_MS = 7 * 24 * 3600_000;
/** Wrong codes tried before the code is void (the registrar makes a new one). */
export const MAX_CODE_ATTEMPTS = 5;
/** Digits of a code (keyed on a phone after calling the center). */
const CODE_DIGITS = 8;

const hashOf = (orderId: string, code: string): string =>
  createHash('sha256').update(`${orderId}:${code}`).digest('hex');

async function pendingOrder(
  ctx: ServiceContext,
  p: Principal,
  orderId: string,
  where: string,
): Promise<Order> {
  const order = await ownOrder(ctx, p, orderId, where);
  if (order.status !== 'pending-verification')
    throw new RegistryError(
      'order-state',
      `${where}: the order is ${order.status}, not pending-verification`,
      {
        details: { orderStatus: order.status },
      },
    );
  return order;
}

/** One conditional write of the order's verification (at the version read). */
async function writeVerification(ctx: ServiceContext, order: Order, v: OrderVerification, where: string) {
  const written = await ctx.orders.findOneAndUpdate(
    { _id: order._id, version: order.version, status: 'pending-verification' },
    { $set: { verification: v, updatedAt: ctx.clock.now() }, $inc: { version: 1 } },
  );
  if (!written)
    throw new RegistryError('version-conflict', `${where}: the order changed meanwhile; try again`);
  return written;
}

/** Records the registrar's evidence; for a code, returns the code (shown once, stored hashed). */
export async function recordEvidence(
  ctx: ServiceContext,
  p: Principal,
  input: RecordEvidenceInput,
): Promise<{ order: OrderView; code?: string; codeExpiresAt?: number }> {
  const v = parseInput(RecordEvidenceInput, input, 'registry: sales: verification');
  const where = `registry: sales: order ${v.orderId}: verification`;
  const order = await pendingOrder(ctx, p, v.orderId, where);
  const now = ctx.clock.now();
  const base = { recordedAt: now, recordedBy: principalKey(p) };
  if (v.method === 'loa') {
    const written = await writeVerification(
      ctx,
      order,
      { method: 'loa', reference: v.reference, ...base },
      where,
    );
    ctx.log.info(
      { orderId: order._id, by: base.recordedBy },
      `${where}: letter of authorisation ${v.reference}`,
    );
    return { order: orderView(written) };
  }
  const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
  const codeExpiresAt = now + CODE_TTL_MS;
  const written = await writeVerification(
    ctx,
    order,
    { method: 'code', codeHash: hashOf(order._id, code), codeExpiresAt, attempts: 0, ...base },
    where,
  );
  return { order: orderView(written), code, codeExpiresAt };
}

/**
 * The country center confirms a code the member entered calling from `line` (the PIN's number,
 * as the center saw it). Only the operator's principal (the centers are the operator's).
 */
export async function confirmCode(
  ctx: ServiceContext,
  p: Principal,
  input: ConfirmCodeInput,
): Promise<{ order: OrderView }> {
  const v = parseInput(ConfirmCodeInput, input, 'registry: sales: confirm code');
  const numberId = numberIdOf(v.line, 'registry: sales: confirm code');
  const where = `registry: sales: confirm code from ${numberId.slice(4)}`;
  requireAdmin(p, where);
  const n = await ctx.numbers.get(numberId);
  const order = n?.orderId ? await ctx.orders.get(n.orderId) : null;
  const ver = order?.verification;
  if (order?.status !== 'pending-verification' || !ver || ver.method !== 'code' || !ver.codeHash)
    throw new RegistryError('not-found', `${where}: no order of this number waits for a code`);
  const now = ctx.clock.now();
  const attempts = ver.attempts ?? 0;
  if (ver.confirmedAt !== undefined) return { order: orderView(order) };
  if (now >= (ver.codeExpiresAt ?? 0) || attempts >= MAX_CODE_ATTEMPTS)
    throw new RegistryError(
      'verification-failed',
      `${where}: the code is no longer valid; the registrar makes a new one`,
      {
        details: { expired: now >= (ver.codeExpiresAt ?? 0), attempts },
      },
    );
  const good = timingSafeEqual(Buffer.from(hashOf(order._id, v.code)), Buffer.from(ver.codeHash));
  const next: OrderVerification = good
    ? { ...ver, confirmedAt: now, confirmedBy: principalKey(p) }
    : { ...ver, attempts: attempts + 1 };
  const written = await writeVerification(ctx, order, next, where);
  if (!good)
    throw new RegistryError('verification-failed', `${where}: wrong code`, {
      details: { attemptsLeft: MAX_CODE_ATTEMPTS - attempts - 1 },
    });
  ctx.log.info({ orderId: order._id }, `${where}: code confirmed`);
  return { order: orderView(written) };
}

/**
 * The admin or the order's registrar approves: the evidence must be there (a letter's reference,
 * or a code confirmed from the line). The order becomes paid and the number goes to its buyer.
 */
export async function approve(
  ctx: ServiceContext,
  p: Principal,
  input: ApproveInput,
): Promise<{ order: OrderView; number: NumberView; assigned: boolean }> {
  const v = parseInput(ApproveInput, input, 'registry: sales: approve');
  const where = `registry: sales: order ${v.orderId}: approve`;
  const order = await pendingOrder(ctx, p, v.orderId, where);
  const ver = order.verification;
  const proven = ver?.method === 'loa' ? !!ver.reference : ver?.confirmedAt !== undefined;
  if (!ver || !proven)
    throw new RegistryError(
      'verification-required',
      `${where}: no proof that the buyer holds ${order.numberId.slice(4)} yet: record a letter of authorisation, or have the member confirm a code from the line`,
      { details: { method: ver?.method ?? null } },
    );
  const now = ctx.clock.now();
  const approved = await ctx.orders.findOneAndUpdate(
    { _id: order._id, version: order.version, status: 'pending-verification' },
    {
      $set: {
        status: 'paid',
        verification: { ...ver, approvedAt: now, approvedBy: principalKey(p) },
        updatedAt: now,
      },
      $inc: { version: 1 },
    },
  );
  if (!approved)
    throw new RegistryError('version-conflict', `${where}: the order changed meanwhile; try again`);
  ctx.log.info({ orderId: order._id, by: principalKey(p), method: ver.method }, `${where}: approved`);
  let number = await ctx.numbers.get(order.numberId);
  if (!number) throw new RegistryError('not-found', `${where}: number ${order.numberId} is gone`);
  let assigned = false;
  if (order.memberId && number.status === 'sold' && number.orderId === order._id) {
    try {
      number = await assignNumber(ctx, number, order.memberId);
      assigned = true;
    } catch (err) {
      // approved and paid; the number stays sold until a member that can take it gets it (assign)
      if (!(err instanceof RegistryError)) throw err;
      ctx.log.warn(
        { orderId: order._id, code: err.code },
        `${where}: approved, not assigned: ${err.message}`,
      );
    }
  }
  return { order: orderView(approved), number: numberView(number), assigned };
}
