// Schemas and presenters shared by the billing routes (docs/billing.md): the registry's views
// with times as ISO 8601, amounts as decimal strings in major units (never JSON numbers).
import { z } from '@hono/zod-openapi';
import type { billing } from '#registry';
import { ApiError } from '../errors.ts';
import { iso, Timestamp } from '../schemas.ts';

export const Amount = z
  .string()
  .openapi({ description: 'Decimal, major units of the currency', example: '12.50' });
export const CurrencyCode = z.string().openapi({ description: 'ISO 4217', example: 'USD' });

export const DeckSchema = z
  .object({
    id: z.string().openapi({ example: 'gateway.gw-kr.KRW' }),
    kind: z.enum(['sell', 'cost']),
    party: z.string().openapi({ example: 'gateway:gw-kr' }),
    registrarId: z.string().nullable(),
    currency: CurrencyCode,
    name: z.string(),
    defaults: z.object({ first: z.number().int(), next: z.number().int() }),
    revision: z.number().int().openapi({ description: '0 until rates are imported' }),
    entries: z.number().int(),
    importedAt: Timestamp.nullable(),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('RateDeck');

export const presentDeck = (d: billing.DeckView) => ({
  ...d,
  importedAt: d.importedAt === null ? null : iso(d.importedAt),
  createdAt: iso(d.createdAt),
  updatedAt: iso(d.updatedAt),
});

export const AccountSchema = z
  .object({
    memberId: z.string(),
    registrarId: z.string(),
    currency: CurrencyCode,
    mode: z.enum(['prepaid', 'postpaid']),
    balance: Amount,
    creditLimit: Amount,
    available: Amount.openapi({ description: 'What may still be spent: balance (+ credit) − held' }),
    held: Amount.openapi({ description: 'Held for calls in progress and leased to redirectors' }),
    pending: z
      .number()
      .int()
      .openapi({ description: 'Entries not yet folded into the balance (normally 0)' }),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Account');

export const presentAccount = (a: billing.AccountView) => ({
  ...a,
  createdAt: iso(a.createdAt),
  updatedAt: iso(a.updatedAt),
});

export const EntrySchema = z
  .object({
    seq: z.number().int(),
    kind: z
      .string()
      .openapi({ description: 'topup, refund, adjustment, charge, call, rental, number-sale, payment' }),
    amount: Amount.openapi({ description: 'Signed: credits positive, debits negative' }),
    currency: CurrencyCode,
    at: Timestamp,
    period: z.string().nullable(),
    memo: z.string().nullable(),
    ref: z.string().nullable(),
    key: z.string(),
  })
  .openapi('LedgerEntry');

export const presentEntry = (e: billing.EntryView) => ({ ...e, at: iso(e.at) });

export const CdrSchema = z
  .object({
    id: z.string(),
    source: z.string(),
    callId: z.string(),
    routeId: z.string().nullable(),
    status: z.enum(['rated', 'review', 'dismissed']),
    review: z
      .object({ reason: z.string(), detail: z.string(), at: Timestamp, note: z.string().optional() })
      .nullable(),
    memberId: z.string().nullable(),
    registrarId: z.string().nullable(),
    destination: z.string().nullable(),
    start: Timestamp,
    answer: Timestamp.nullable(),
    end: Timestamp,
    disposition: z.string(),
    seconds: z.number().int(),
    billedSeconds: z.number().int().nullable(),
    charge: Amount.nullable(),
    currency: CurrencyCode.nullable(),
    cost: Amount.nullable().openapi({
      description: 'What the counterparty charges (not shown to registrars)',
    }),
    costCurrency: CurrencyCode.nullable(),
    period: z.string().nullable(),
    receivedAt: Timestamp,
  })
  .openapi('Cdr');

export const presentCdr = (d: billing.CdrView) => ({
  ...d,
  review: d.review ? { ...d.review, at: iso(d.review.at) } : null,
  start: iso(d.start),
  answer: d.answer === null ? null : iso(d.answer),
  end: iso(d.end),
  receivedAt: iso(d.receivedAt),
});

/** A CSV request body: text/csv (or text/plain), read as text. */
export async function csvBody(c: {
  req: { header(n: string): string | undefined; text(): Promise<string> };
}): Promise<string> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'text/csv' && type !== 'text/plain')
    throw new ApiError('unsupported-media-type', `expected a text/csv body, got ${type || 'none'}`);
  return c.req.text();
}

export const CSV = 'text/csv; charset=utf-8';

export const csvRequest = (description: string) => ({
  body: {
    content: { 'text/csv': { schema: z.string().openapi({ description }) } },
    required: true,
  },
});

export const csvResponse = (description: string) => ({
  description,
  content: { 'text/csv': { schema: z.string() } },
});
