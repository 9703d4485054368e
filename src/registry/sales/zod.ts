// Zod building blocks shared by the sales and members schemas: fields checked by src/numbering,
// money, ids, page parameters. Every message says what is expected.
import { z } from 'zod';
import { NumberingError, toCountry } from '#numbering';
import { MAX_PAGE } from './cursor.ts';

/** A string field whose value src/numbering checks and canonicalises; a NumberingError becomes an issue. */
export function viaNumbering<T>(read: (s: string) => T, maxLength = 256) {
  return z
    .string()
    .max(maxLength, { error: `expected at most ${maxLength} characters` })
    .transform((s, ctx) => {
      try {
        return read(s);
      } catch (err) {
        if (!(err instanceof NumberingError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.detail });
        return z.NEVER;
      }
    });
}

/** ISO 3166 alpha-2 with a numbering plan (libphonenumber), upper-cased: 'kr' -> 'KR'. */
export const CountryCode = viaNumbering((s) => toCountry(s) as string, 8);

export const NumberKindSchema = z.enum(['pin', 'vns']);

/** Minor units (cents), a whole number. */
export const Amount = z
  .number()
  .int({ error: 'expected an amount in minor units (a whole number)' })
  .min(0, { error: 'expected an amount of 0 or more' })
  .max(1_000_000_000_000, { error: 'amount too large' });

export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 currency code such as USD' });

export const MoneySchema = z.object({ amount: Amount, currency: Currency }).strict();

/** Ids of orders and members: what ids.ts makes, or any short id of safe characters. */
export const DocId = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'expected an id of 1-64 letters, digits, _ . -' });

/** A number as people or programs write it (key, PIN, E.164, VNS); parsed by the service. */
export const NumberText = z
  .string()
  .min(1, { error: 'expected a number' })
  .max(64, { error: 'expected at most 64 characters' });

export const Limit = z
  .number()
  .int()
  .min(1, { error: 'expected a page size of 1 or more' })
  .max(MAX_PAGE, { error: `expected a page size of at most ${MAX_PAGE}` });

export const Cursor = z.string().min(1).max(512);
