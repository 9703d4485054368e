// Webhook signatures in the shape payment providers use (Stripe's `Stripe-Signature`, for one):
// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, several v1 allowed while a secret
// rotates; refused outside a tolerance around now, so a captured request cannot be replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'callx-signature';
export const DEFAULT_TOLERANCE_S = 300;

export function signPayload(secret: Buffer, payload: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${payload}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

export type SignatureCheck = { ok: true } | { ok: false; why: string };

export function verifySignature(
  secret: Buffer,
  payload: string,
  header: string | undefined,
  nowMs: number,
  toleranceS = DEFAULT_TOLERANCE_S,
): SignatureCheck {
  if (!header || header.length > 1024) return { ok: false, why: 'no signature header' };
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)) v1.push(v);
  }
  if (t === undefined || v1.length === 0) return { ok: false, why: 'malformed signature header' };
  if (Math.abs(nowMs / 1000 - t) > toleranceS) return { ok: false, why: 'timestamp outside the tolerance' };
  const want = createHmac('sha256', secret).update(`${t}.${payload}`).digest();
  const match = v1.some((hex) => {
    const got = Buffer.from(hex, 'hex');
    return got.length === want.length && timingSafeEqual(got, want);
  });
  return match ? { ok: true } : { ok: false, why: 'no signature matches' };
}
