// Input of the fee system's services (docs/billing.md), validated with the kernel's parseInput;
// the HTTP API uses these schemas for its bodies and parameters. Amounts are decimal strings in
// major units ('12.50'), never JSON numbers: they are read exactly in the account's currency.
import { z } from 'zod';
import { Cursor, DocId, Limit, pageFields, RegistrarId } from '../kernel/index.ts';
import { Currency, Decimal } from './money.ts';
import { CounterpartyKey, PartyKey } from './parties.ts';

const Increment = z.coerce
  .number({ error: 'expected seconds' })
  .int({ error: 'expected whole seconds' })
  .min(1, { error: 'expected 1-3600 seconds' })
  .max(3600, { error: 'expected 1-3600 seconds' });

export const DeckId = z.string().regex(/^(registrar|gateway|carrier)\.[a-z0-9][a-z0-9_-]{0,62}\.[A-Z]{3}$/, {
  error: "expected a deck id '<party kind>.<party id>.<CURRENCY>' such as gateway.gw-kr.KRW",
});

export const CreateDeckInput = z
  .object({
    party: PartyKey.describe(
      "Whose rates: 'registrar:<id>' (a sell deck) or 'gateway:<id>', 'carrier:<id>' (cost decks)",
    ),
    currency: Currency,
    name: z.string().min(1).max(200).optional(),
    firstIncrement: Increment.default(60).describe('Seconds billed first, for rows that give none'),
    nextIncrement: Increment.default(60).describe('Seconds billed after the first, for rows that give none'),
  })
  .strict();
export type CreateDeckInput = z.input<typeof CreateDeckInput>;

export const DeckRef = z.object({ deckId: DeckId }).strict();
export type DeckRef = z.input<typeof DeckRef>;

export const ImportMode = z.enum(['replace', 'merge']);
export const ImportDeckInput = z
  .object({
    deckId: DeckId,
    /** The CSV file (docs/billing.md, "Rate deck CSV"). */
    csv: z.string(),
    /** replace: the file is the whole deck; merge: its rows replace rows of the same prefix and start. */
    mode: ImportMode.default('replace'),
  })
  .strict();
export type ImportDeckInput = z.input<typeof ImportDeckInput>;

export const ListDecksInput = z.object({ ...pageFields, party: PartyKey.optional() }).strict();
export type ListDecksInput = z.input<typeof ListDecksInput>;

const E164Digits = z
  .string()
  .regex(/^\+?[0-9]{1,15}$/, { error: 'expected an E.164 number such as +82262006200' });

/** A time: ISO 8601 with Z or an offset ('2026-01-31T12:00:00.250Z'), read as epoch ms. */
export const IsoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/, {
    error: 'expected an ISO 8601 time with Z or an offset, such as 2026-01-31T12:00:00Z',
  })
  .transform((s, ctx) => {
    const ms = Date.parse(s);
    if (Number.isFinite(ms)) return ms;
    ctx.addIssue({ code: 'custom', message: `'${s}' is not a real time` });
    return z.NEVER;
  });

export const MatchInput = z.object({ deckId: DeckId, number: E164Digits, at: IsoTime.optional() }).strict();
export type MatchInput = z.input<typeof MatchInput>;

// --- accounts and the ledger -------------------------------------------------------------------

export const AccountMode = z.enum(['prepaid', 'postpaid']);

export const OpenAccountInput = z
  .object({
    memberId: DocId,
    currency: Currency,
    mode: AccountMode.default('prepaid'),
    /** Postpaid: how far below zero the account may go, major units. */
    creditLimit: Decimal.default('0'),
    expectedVersion: z.number().int().min(0).optional(),
  })
  .strict();
export type OpenAccountInput = z.input<typeof OpenAccountInput>;

export const AccountRef = z.object({ memberId: DocId }).strict();
export type AccountRef = z.input<typeof AccountRef>;

/** Entries a registrar (or the admin) posts by hand; calls, rent and sales are posted by the system. */
export const ManualKind = z.enum(['topup', 'refund', 'adjustment', 'charge']);

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, { error: 'expected 1-255 printable ASCII characters' });

export const PostInput = z
  .object({
    memberId: DocId,
    kind: ManualKind,
    /** Major units. Top-ups, refunds and charges are positive; an adjustment has a sign. */
    amount: Decimal,
    currency: Currency,
    /** The Idempotency-Key: a retry with the same key never posts twice. */
    key: IdempotencyKey,
    memo: z.string().max(500).optional(),
    ref: z.string().max(200).optional(),
  })
  .strict();
export type PostInput = z.input<typeof PostInput>;

export const ListEntriesInput = z.object({ ...pageFields, memberId: DocId }).strict();
export type ListEntriesInput = z.input<typeof ListEntriesInput>;

// --- CDRs ---------------------------------------------------------------------------------------

export const Disposition = z.enum(['answered', 'busy', 'no-answer', 'failed', 'cancelled']);

export const CallId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, { error: 'expected the SIP Call-ID: 1-255 printable ASCII characters' });

export const CdrInput = z
  .object({
    /** The call's SIP Call-ID (the idempotency key per source). */
    callId: CallId,
    /** The route id of the route token (its `jti`); else the Call-ID finds the route. */
    routeId: z.string().min(1).max(64).optional(),
    /** The route token itself, when the gateway kept it. */
    routeToken: z.string().min(1).max(4096).optional(),
    start: IsoTime,
    answer: IsoTime.optional(),
    end: IsoTime,
    disposition: Disposition,
  })
  .strict();
export type CdrInput = z.input<typeof CdrInput>;

export const MAX_BATCH = 1000;

export const IngestInput = z
  .object({
    /** The admin posts for a counterparty; a counterparty's own token names itself. */
    source: CounterpartyKey.optional(),
    cdrs: z
      .array(z.unknown())
      .min(1)
      .max(MAX_BATCH, { error: `expected at most ${MAX_BATCH} CDRs a batch` }),
  })
  .strict();
export type IngestInput = { source?: string; cdrs: CdrInput[] | unknown[] };

/** The CSV columns of each CDR field, by the file's header names. */
export const CdrMapping = z
  .object({
    callId: z.string().min(1).default('call_id'),
    routeId: z.string().min(1).default('route_id'),
    routeToken: z.string().min(1).default('route_token'),
    start: z.string().min(1).default('start'),
    answer: z.string().min(1).default('answer'),
    end: z.string().min(1).default('end'),
    disposition: z.string().min(1).default('disposition'),
  })
  .strict();
export type CdrMapping = z.input<typeof CdrMapping>;

export const IngestCsvInput = z
  .object({ source: CounterpartyKey.optional(), csv: z.string(), mapping: CdrMapping.prefault({}) })
  .strict();
export type IngestCsvInput = z.input<typeof IngestCsvInput>;

export const ReviewReason = z.enum([
  'no-route',
  'conflict',
  'over-max-duration',
  'wrong-party',
  'no-account',
]);

export const ListReviewInput = z.object({ ...pageFields, reason: ReviewReason.optional() }).strict();
export type ListReviewInput = z.input<typeof ListReviewInput>;

export const ResolveReviewInput = z
  .object({
    cdrId: z.string().min(1).max(600),
    /** retry: match and rate again; accept: charge as rated (over the maximum duration, a conflicting copy as a correction); dismiss: charge nothing. */
    action: z.enum(['retry', 'accept', 'dismiss']),
    note: z.string().max(500).optional(),
  })
  .strict();
export type ResolveReviewInput = z.input<typeof ResolveReviewInput>;

export const ListCdrsInput = z
  .object({
    ...pageFields,
    memberId: DocId.optional(),
    registrarId: RegistrarId.optional(),
    period: z
      .string()
      .regex(/^\d{4}-\d{2}(-\d{2})?$/, { error: 'expected a period such as 2026-01' })
      .optional(),
  })
  .strict();
export type ListCdrsInput = z.input<typeof ListCdrsInput>;

// --- settlement ---------------------------------------------------------------------------------

export const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, {
  error: 'expected a period such as 2026-01 (or 2026-01-31)',
});

export const StatementInput = z.object({ party: PartyKey, period: Period }).strict();
export type StatementInput = z.input<typeof StatementInput>;

export const PeriodRef = z.object({ period: Period }).strict();
export type PeriodRef = z.input<typeof PeriodRef>;

// --- number rental ------------------------------------------------------------------------------

export const RentalRulesValues = z
  .object({
    currency: Currency,
    amounts: z.object({ pin: Decimal, vns: Decimal }).strict(),
    base: z
      .array(
        z
          .object({
            country: z
              .string()
              .regex(/^[A-Za-z]{2}$/)
              .transform((s) => s.toUpperCase()),
            kind: z.enum(['pin', 'vns']),
            amount: Decimal,
          })
          .strict(),
      )
      .max(500)
      .default([]),
    graceHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 365)
      .default(72),
    suspendDays: z.number().int().min(0).max(3650).default(14),
    quarantineDays: z.number().int().min(0).max(3650).default(90),
  })
  .strict();

export const SetRentalRulesInput = z
  .object({
    registrarId: RegistrarId.optional(),
    rules: RentalRulesValues,
    expectedVersion: z.number().int().min(0).optional(),
  })
  .strict();
export type SetRentalRulesInput = z.input<typeof SetRentalRulesInput>;

export const RentalRulesRef = z.object({ registrarId: RegistrarId.optional() }).strict();
export type RentalRulesRef = z.input<typeof RentalRulesRef>;

export const ListRentalsInput = z
  .object({
    cursor: Cursor.optional(),
    limit: Limit.optional(),
    registrarId: RegistrarId.optional(),
    memberId: DocId.optional(),
    state: z.enum(['active', 'grace', 'suspended']).optional(),
  })
  .strict();
export type ListRentalsInput = z.input<typeof ListRentalsInput>;
