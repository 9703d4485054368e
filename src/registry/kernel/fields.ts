// Field rules several services share: identifiers chosen by their creator (registrar, gateway
// and carrier ids), ids the registry hands out, countries, and fields read by src/numbering.
// Each rule is said once here; the HTTP API reuses these schemas for its parameters and bodies.
import { z } from 'zod';
import { NumberingError, toCountry } from '#numbering';

/**
 * Registrar ids, and the ids clients choose for gateways and carriers: 1-63 of lower-case a-z,
 * 0-9, '_' and '-', starting with a letter or digit. Registrar ids appear in URLs, journal
 * sources and payment ids ('<registrar>:<reference>'), so they are plain and have one spelling.
 */
export const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const REGISTRAR_ID = SLUG;

const SLUG_MESSAGE = 'expected 1-63 characters a-z, 0-9, _ and -, starting with a letter or digit';
export const Slug = z.string().regex(SLUG, { error: SLUG_MESSAGE });
export const RegistrarId = z
  .string()
  .regex(REGISTRAR_ID, { error: `expected a registrar id: ${SLUG_MESSAGE}` });

/** Ids of orders and members: what the registry makes, or any short id of safe characters. */
export const DocId = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'expected an id of 1-64 letters, digits, _ . -' });

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

/** A name shown to people (registrars, countries, gateways, carriers). */
export const Name = z
  .string()
  .min(1, { error: 'expected a name' })
  .max(200, { error: 'expected a name of at most 200 characters' });
