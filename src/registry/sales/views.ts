// What the sales service returns: plain objects for the API, without store internals.
import type { InventoryNumber, Money, NumberKind, NumberStatus, Order, OrderStatus } from '#core';
import { displayOf, refOfKey } from './numbers.ts';

export interface NumberView {
  /** Inventory key: 'pin:+82262006200', 'vns:62006200'. */
  id: string;
  kind: NumberKind;
  country: string;
  digits: string;
  /** '02-6200-6200-082' (PIN) or '6200-6200' (VNS base). */
  display: string;
  e164?: string;
  base?: string;
  status: NumberStatus;
  price: Money;
  registrarId: string;
  reservation?: { orderId: string; expiresAt: number };
  orderId?: string;
  ownerMemberId?: string;
  version: number;
}

export function numberView(n: InventoryNumber): NumberView {
  const ref = refOfKey(n._id);
  return {
    id: n._id,
    kind: n.kind,
    country: n.country,
    digits: n.digits,
    display: displayOf(n._id),
    ...(ref.e164 ? { e164: ref.e164 } : {}),
    ...(ref.base ? { base: ref.base } : {}),
    status: n.status,
    price: n.price,
    registrarId: n.registrarId,
    ...(n.reservation ? { reservation: n.reservation } : {}),
    ...(n.orderId ? { orderId: n.orderId } : {}),
    ...(n.ownerMemberId ? { ownerMemberId: n.ownerMemberId } : {}),
    version: n.version,
  };
}

/** A search hit: what a buyer needs to choose and reserve. */
export interface NumberOffer {
  id: string;
  kind: NumberKind;
  country: string;
  display: string;
  e164?: string;
  base?: string;
  price: Money;
}

export function offerView(n: InventoryNumber): NumberOffer {
  const v = numberView(n);
  return {
    id: v.id,
    kind: v.kind,
    country: v.country,
    display: v.display,
    ...(v.e164 ? { e164: v.e164 } : {}),
    ...(v.base ? { base: v.base } : {}),
    price: v.price,
  };
}

/** A PIN order's proof of ownership as shown: never the code or its hash. */
export interface VerificationView {
  method: 'loa' | 'code';
  reference?: string;
  codeExpiresAt?: number;
  attempts?: number;
  confirmedAt?: number;
  recordedAt: number;
  recordedBy: string;
  approvedAt?: number;
  approvedBy?: string;
}

export interface OrderView {
  id: string;
  registrarId: string;
  numberId: string;
  display: string;
  memberId?: string;
  price: Money;
  status: OrderStatus;
  expiresAt: number;
  paymentReference?: string;
  verification?: VerificationView;
  /** The proof was rejected: why, by whom, and whether the number and refund steps are done. */
  rejection?: { at: number; by: string; reason: string; completedAt?: number };
  createdAt: number;
  updatedAt: number;
  version: number;
}

export function orderView(o: Order): OrderView {
  const ver = o.verification;
  return {
    id: o._id,
    registrarId: o.registrarId,
    numberId: o.numberId,
    display: displayOf(o.numberId),
    ...(o.memberId ? { memberId: o.memberId } : {}),
    price: o.price,
    status: o.status,
    expiresAt: o.expiresAt,
    ...(o.paymentReference ? { paymentReference: o.paymentReference } : {}),
    ...(ver
      ? {
          verification: {
            method: ver.method,
            ...(ver.reference !== undefined ? { reference: ver.reference } : {}),
            ...(ver.codeExpiresAt !== undefined ? { codeExpiresAt: ver.codeExpiresAt } : {}),
            ...(ver.attempts !== undefined ? { attempts: ver.attempts } : {}),
            ...(ver.confirmedAt !== undefined ? { confirmedAt: ver.confirmedAt } : {}),
            recordedAt: ver.recordedAt,
            recordedBy: ver.recordedBy,
            ...(ver.approvedAt !== undefined ? { approvedAt: ver.approvedAt } : {}),
            ...(ver.approvedBy !== undefined ? { approvedBy: ver.approvedBy } : {}),
          },
        }
      : {}),
    ...(o.rejection ? { rejection: { ...o.rejection } } : {}),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    version: o.version,
  };
}
