// Inputs of the sales service, validated with zod (the HTTP API reuses these schemas for request
// validation and OpenAPI). Service functions parse their input again, so every caller is checked.
import { z } from 'zod';
import { CountryCode, DocId, pageFields, RegistrarId } from '../kernel/index.ts';
import { MAX_BLOCK } from './blocks.ts';
import { PATTERN_KINDS } from './pricing.ts';
import { Amount, AmountParam, Currency, MoneySchema, NumberKindSchema, NumberText } from './zod.ts';

export const StockInput = z
  .object({
    /** Administrators name the registrar; a registrar stocks its own inventory. */
    registrarId: RegistrarId.optional(),
    country: CountryCode,
    kind: NumberKindSchema,
    /** First number (a PIN: E.164, PIN or national number of `country`; a VNS: base digits) and how many. */
    range: z
      .object({
        first: NumberText,
        count: z
          .number()
          .int()
          .min(1, { error: 'expected a count of 1 or more' })
          .max(MAX_BLOCK, { error: `expected at most ${MAX_BLOCK} numbers per block` }),
      })
      .strict()
      .optional(),
    numbers: z
      .array(NumberText)
      .min(1, { error: 'expected at least one number' })
      .max(MAX_BLOCK, { error: `expected at most ${MAX_BLOCK} numbers per block` })
      .optional(),
  })
  .strict()
  .refine((v) => (v.range === undefined) !== (v.numbers === undefined), {
    error: 'give either range or numbers',
    path: ['range'],
  });
export type StockInput = z.input<typeof StockInput>;

export const SearchInput = z
  .object({
    registrarId: RegistrarId.optional(),
    country: CountryCode,
    kind: NumberKindSchema,
    /** Digits with '?' (one digit) and '*' (any digits); a PIN pattern may start with '+' (whole E.164). */
    pattern: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe(
        "Digits with '?' (one digit) and '*' (any digits): 6200*, 62??6200; a PIN pattern may start with + (whole E.164)",
      ),
    minPrice: AmountParam.optional().describe('Minor units'),
    maxPrice: AmountParam.optional().describe('Minor units'),
    currency: Currency.optional(),
    ...pageFields,
  })
  .strict()
  .refine((v) => v.minPrice === undefined || v.maxPrice === undefined || v.minPrice <= v.maxPrice, {
    error: 'minPrice is above maxPrice',
    path: ['minPrice'],
  });
export type SearchInput = z.input<typeof SearchInput>;

export const ReserveInput = z
  .object({
    /** 'pin:+82262006200', '02-6200-6200-082', '+82 2 6200 6200', 'vns:62006200' or '6200-6200#082'. */
    number: NumberText,
    /** The buyer, when already registered: the number is assigned to it when paid. */
    memberId: DocId.optional(),
  })
  .strict();
export type ReserveInput = z.input<typeof ReserveInput>;

export const PaymentReference = z.string().regex(/^[\x21-\x7e]{1,128}$/, {
  error: 'expected a payment reference of 1-128 printable ASCII characters',
});

export const PayInput = z
  .object({
    orderId: DocId,
    /** The payment provider's reference: the same reference twice is one payment. */
    reference: PaymentReference,
    amount: MoneySchema,
    /** The buyer, if the order has none yet. */
    memberId: DocId.optional(),
  })
  .strict();
export type PayInput = z.input<typeof PayInput>;

export const OrderRef = z.object({ orderId: DocId }).strict();
export type OrderRef = z.input<typeof OrderRef>;

export const AssignInput = z.object({ orderId: DocId, memberId: DocId }).strict();
export type AssignInput = z.input<typeof AssignInput>;

/** The registrar's evidence that a PIN's buyer holds the line (docs/sales.md, "Proof of ownership"). */
export const RecordEvidenceInput = z.discriminatedUnion('method', [
  z
    .object({
      orderId: DocId,
      method: z.literal('loa'),
      /** The letter of authorisation's reference (the registrar keeps the letter). */
      reference: z
        .string()
        .trim()
        .min(1, { error: 'expected the reference of the letter of authorisation' })
        .max(200, { error: 'expected a reference of at most 200 characters' })
        .regex(/^[^\p{C}]*$/u, { error: 'a reference may not hold control or invisible characters' }),
    })
    .strict(),
  z.object({ orderId: DocId, method: z.literal('code') }).strict(),
]);
export type RecordEvidenceInput = z.input<typeof RecordEvidenceInput>;

/** What the country center saw: the calling line and the digits entered. */
export const ConfirmCodeInput = z
  .object({
    /** The line the member called from: the PIN, in any form (E.164 as the center saw it). */
    line: NumberText,
    code: z.string().regex(/^\d{8}$/, { error: 'expected the 8-digit code' }),
  })
  .strict();
export type ConfirmCodeInput = z.input<typeof ConfirmCodeInput>;

export const ApproveInput = z.object({ orderId: DocId }).strict();
export type ApproveInput = z.input<typeof ApproveInput>;

/** Why a PIN's proof of ownership is rejected (kept on the order, shown to its registrar). */
export const RejectInput = z
  .object({
    orderId: DocId,
    reason: z.string().trim().min(1, { error: 'say why the proof is rejected' }).max(500),
  })
  .strict();
export type RejectInput = z.input<typeof RejectInput>;

export const NumberRefInput = z.object({ number: NumberText }).strict();
export type NumberRefInput = z.input<typeof NumberRefInput>;

export const InventoryStatus = z.enum([
  'available',
  'reserved',
  'sold',
  'assigned',
  'released',
  'quarantined',
]);

export const ListInventoryInput = z
  .object({
    registrarId: RegistrarId.optional(),
    status: InventoryStatus.optional(),
    ...pageFields,
  })
  .strict();
export type ListInventoryInput = z.input<typeof ListInventoryInput>;

export const OrderStatus = z.enum(['reserved', 'pending-verification', 'paid', 'cancelled', 'expired']);

export const ListOrdersInput = z
  .object({
    registrarId: RegistrarId.optional(),
    status: OrderStatus.optional(),
    /** One buyer's orders (the member portal: orders waiting for proof of ownership). */
    memberId: DocId.optional(),
    ...pageFields,
  })
  .strict();
export type ListOrdersInput = z.input<typeof ListOrdersInput>;

export const PremiumRuleSchema = z
  .object({
    pattern: z.enum(PATTERN_KINDS),
    minRun: z
      .number()
      .int()
      .min(2, { error: 'expected minRun of 2 or more' })
      .max(15, { error: 'expected minRun of at most 15' }),
    amount: Amount,
    perExtraDigit: Amount.default(0),
    kinds: z.array(NumberKindSchema).min(1).max(2).optional(),
  })
  .strict();

export const PriceRulesValues = z
  .object({
    currency: Currency,
    defaultBase: z.object({ pin: Amount, vns: Amount }).strict(),
    base: z
      .array(z.object({ country: CountryCode, kind: NumberKindSchema, amount: Amount }).strict())
      .max(1000)
      .default([])
      .refine((b) => new Set(b.map((x) => `${x.country}/${x.kind}`)).size === b.length, {
        error: 'one base price per country and kind',
      }),
    premiums: z.array(PremiumRuleSchema).max(50).default([]),
  })
  .strict();

export const SetPriceRulesInput = z
  .object({
    registrarId: RegistrarId.optional(),
    rules: PriceRulesValues,
    /** The rules' current version (0: none stored yet); absent: overwrite whatever is stored. */
    expectedVersion: z.number().int().min(0).optional(),
  })
  .strict();
export type SetPriceRulesInput = z.input<typeof SetPriceRulesInput>;

export const RepriceInput = z
  .object({
    registrarId: RegistrarId.optional(),
    country: CountryCode.optional(),
    kind: NumberKindSchema.optional(),
  })
  .strict();
export type RepriceInput = z.input<typeof RepriceInput>;

export const RegistrarRef = z.object({ registrarId: RegistrarId.optional() }).strict();
export type RegistrarRef = z.input<typeof RegistrarRef>;
