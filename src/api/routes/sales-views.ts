// Response shapes of the sales endpoints (the domain layer's views, with times as RFC 3339).
import { z } from '@hono/zod-openapi';
import { DocId, NumberText, type NumberView, type OrderView, type VerificationView } from '#registry';
import { iso, pathParam, Timestamp } from '../schemas.ts';

export const MoneyOut = z
  .object({
    amount: z.number().int().openapi({ description: 'Minor units (cents)', example: 1500 }),
    currency: z.string().openapi({ example: 'USD' }),
  })
  .openapi('Money');

const Kind = z.enum(['pin', 'vns']);

export const NumberSchema = z
  .object({
    id: z.string().openapi({ description: 'Inventory key', example: 'pin:+82262006200' }),
    kind: Kind,
    country: z.string(),
    digits: z.string(),
    display: z.string().openapi({ example: '02-6200-6200-082' }),
    e164: z.string().optional(),
    base: z.string().optional(),
    status: z.enum(['available', 'reserved', 'sold', 'assigned', 'released', 'quarantined']),
    price: MoneyOut,
    registrarId: z.string(),
    reservation: z.object({ orderId: z.string(), expiresAt: Timestamp }).optional(),
    orderId: z.string().optional(),
    ownerMemberId: z.string().optional(),
    version: z.number().int(),
  })
  .openapi('InventoryNumber');

export const OfferSchema = z
  .object({
    id: z.string(),
    kind: Kind,
    country: z.string(),
    display: z.string(),
    e164: z.string().optional(),
    base: z.string().optional(),
    price: MoneyOut,
  })
  .openapi('NumberOffer');

export const VerificationSchema = z
  .object({
    method: z.enum(['loa', 'code']),
    reference: z.string().optional().openapi({ description: 'The letter of authorisation (method loa)' }),
    codeExpiresAt: Timestamp.optional(),
    attempts: z.number().int().optional().openapi({ description: 'Wrong codes tried' }),
    confirmedAt: Timestamp.optional().openapi({
      description: 'When the member confirmed the code from the line',
    }),
    recordedAt: Timestamp,
    recordedBy: z.string(),
    approvedAt: Timestamp.optional(),
    approvedBy: z.string().optional(),
  })
  .openapi('Verification', { description: "A PIN's proof of ownership (never the code)" });

export const OrderSchema = z
  .object({
    id: z.string(),
    registrarId: z.string(),
    numberId: z.string(),
    display: z.string(),
    memberId: z.string().optional(),
    price: MoneyOut,
    status: z.enum(['reserved', 'pending-verification', 'paid', 'cancelled', 'expired']).openapi({
      description:
        'pending-verification: a PIN paid for, published once proof that the buyer holds the line is approved',
    }),
    expiresAt: Timestamp,
    paymentReference: z.string().optional(),
    verification: VerificationSchema.optional(),
    rejection: z
      .object({ at: Timestamp, by: z.string(), reason: z.string(), completedAt: Timestamp.optional() })
      .optional()
      .openapi({
        description:
          'The proof of ownership was rejected: the order is cancelled, its payment due for refund, its number back in stock (completedAt once done)',
      }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    version: z.number().int(),
  })
  .openapi('Order');

export function presentNumber(n: NumberView) {
  const { reservation, ...rest } = n;
  return {
    ...rest,
    ...(reservation ? { reservation: { ...reservation, expiresAt: iso(reservation.expiresAt) } } : {}),
  };
}

export function presentOrder(o: OrderView) {
  const { verification: v, rejection: rj, ...rest } = o;
  return {
    ...rest,
    ...(v ? { verification: presentVerification(v) } : {}),
    ...(rj
      ? {
          rejection: {
            at: iso(rj.at),
            by: rj.by,
            reason: rj.reason,
            ...(rj.completedAt !== undefined ? { completedAt: iso(rj.completedAt) } : {}),
          },
        }
      : {}),
    expiresAt: iso(o.expiresAt),
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
  };
}

function presentVerification(v: VerificationView) {
  const { codeExpiresAt, confirmedAt, approvedAt, recordedAt, ...rest } = v;
  return {
    ...rest,
    recordedAt: iso(recordedAt),
    ...(codeExpiresAt !== undefined ? { codeExpiresAt: iso(codeExpiresAt) } : {}),
    ...(confirmedAt !== undefined ? { confirmedAt: iso(confirmedAt) } : {}),
    ...(approvedAt !== undefined ? { approvedAt: iso(approvedAt) } : {}),
  };
}

/** A number in a path: a key ('pin:+82262006200'), PIN, E.164 or VNS; '#' must be sent as %23. */
export const NumberParam = pathParam('number', NumberText);

/** Orders and members in a path (their ids are the registry's). */
export const OrderIdParam = pathParam('id', DocId);
