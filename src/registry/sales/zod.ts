// Zod building blocks of the sales schemas: money, number kinds, numbers as people write them.
// Rules several services share (ids, countries, paging) are the kernel's.
import { z } from 'zod';

export const NumberKindSchema = z.enum(['pin', 'vns']);

/** Minor units (cents), a whole number. */
export const Amount = z
  .number()
  .int({ error: 'expected an amount in minor units (a whole number)' })
  .min(0, { error: 'expected an amount of 0 or more' })
  .max(1_000_000_000_000, { error: 'amount too large' });

/** An amount as a query parameter may send it: a numeric string is read too. */
export const AmountParam = z.coerce.number().pipe(Amount);

export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 currency code such as USD' });

export const MoneySchema = z.object({ amount: Amount, currency: Currency }).strict();

/** A number as people or programs write it (key, PIN, E.164, VNS); parsed by the service. */
export const NumberText = z
  .string()
  .min(1, { error: 'expected a number' })
  .max(64, { error: 'expected at most 64 characters' })
  .meta({ example: 'pin:+82262006200' });
