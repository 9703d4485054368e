// Inputs of the members service, validated with zod (the HTTP API reuses these schemas).
// Strings are bounded, free text may hold no control or invisible characters, identifiers go
// through src/numbering (fields.ts) and come out canonical.
import { z } from 'zod';
import { NumberingError } from '#numbering';
import { CountryCode, DocId, pageFields, RegistrarId, viaNumbering } from '../kernel/index.ts';
import {
  MAX_URI_LENGTH,
  MAX_URL_LENGTH,
  readCarrierTarget,
  readDomain,
  readEmail,
  readHomePage,
  readPhone,
  readVnsBase,
  SIP_USERNAME,
} from './fields.ts';

/** Free text: no control, format (bidi, zero-width), private-use or unassigned characters. */
const text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `expected a ${what}` })
    .max(max, { error: `expected a ${what} of at most ${max} characters` })
    .regex(/^[^\p{C}]*$/u, { error: `a ${what} may not hold control or invisible characters` });

/** Postal addresses may have line breaks. */
const multiline = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `expected a ${what}` })
    .max(max, { error: `expected a ${what} of at most ${max} characters` })
    .regex(/^(?:[^\p{C}]|\n)*$/u, { error: `a ${what} may not hold control or invisible characters` });

const BirthDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date YYYY-MM-DD' })
  .refine(
    (s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return (
        !Number.isNaN(d.getTime()) &&
        d.toISOString().startsWith(s) &&
        s >= '1900-01-01' &&
        d.getTime() <= Date.now()
      );
    },
    { error: 'expected a real date between 1900-01-01 and today' },
  );

const Language = z
  .string()
  .max(35, { error: 'expected a BCP 47 language tag such as ko or en-US' })
  .transform((s, ctx) => {
    try {
      const [tag] = Intl.getCanonicalLocales(s);
      if (tag) return tag;
    } catch {}
    ctx.addIssue({ code: 'custom', message: 'expected a BCP 47 language tag such as ko or en-US' });
    return z.NEVER;
  });

export const PersonalData = z
  .object({
    givenName: text(100, 'given name').optional(),
    familyName: text(100, 'family name').optional(),
    address: multiline(500, 'postal address').optional(),
    birthDate: BirthDate.optional(),
    language: Language.optional(),
  })
  .strict();

export const EmailField = viaNumbering(readEmail, 320);
export const DomainField = viaNumbering(readDomain, 300);
export const HomePageField = viaNumbering(readHomePage, MAX_URL_LENGTH);
export const MAX_OTHER_CARRIERS = 10;

/** Phone fields are strings here and read in the object's `country` (national numbers need it). */
const PhoneText = z.string().min(1).max(64);
const CarrierText = z.string().min(1).max(MAX_URI_LENGTH);

export type PhoneFields = { contactPstn?: string | null | undefined; otherCarriers?: string[] | undefined };

/**
 * Reads contactPstn and otherCarriers in `country` (national numbers need it) and returns them
 * canonical; each problem is reported on its field's path.
 */
export function readPhones<T extends PhoneFields>(
  v: T,
  country: string | undefined,
  report: (path: (string | number)[], message: string) => void,
): T {
  const out = { ...v };
  const guard = <R>(path: (string | number)[], read: () => R): R | undefined => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof NumberingError)) throw err;
      report(path, err.detail);
      return undefined;
    }
  };
  if (typeof v.contactPstn === 'string') {
    const text = v.contactPstn;
    out.contactPstn = guard(['contactPstn'], () => readPhone(text, country)) ?? text;
  }
  if (v.otherCarriers) {
    out.otherCarriers = v.otherCarriers.map(
      (t, i) => guard(['otherCarriers', i], () => readCarrierTarget(t, country)) ?? t,
    );
    if (new Set(out.otherCarriers).size !== out.otherCarriers.length)
      report(['otherCarriers'], 'the same target twice');
  }
  return out;
}

/** A zod transform that reads the phone fields in the object's own `country`. */
const readOwnPhones = <T extends PhoneFields & { country: string }>(v: T, ctx: z.RefinementCtx): T =>
  readPhones(v, v.country, (path, message) => ctx.addIssue({ code: 'custom', message, path }));

const OtherCarriers = z
  .array(CarrierText)
  .max(MAX_OTHER_CARRIERS, { error: `expected at most ${MAX_OTHER_CARRIERS} numbers at other carriers` });

export const RegisterMemberInput = z
  .object({
    registrarId: RegistrarId.optional(),
    type: z.enum(['individual', 'company']),
    displayName: text(200, 'display name'),
    email: EmailField.optional(),
    domain: DomainField.optional(),
    /** Home country: national numbers below are read in it; a company's domain leads to its branch there. */
    country: CountryCode,
    /** The country whose center takes all the member's calls; absent: each number's own country. */
    centerCountry: CountryCode.optional(),
    contactPstn: PhoneText.optional(),
    otherCarriers: OtherCarriers.default([]),
    homePage: HomePageField.optional(),
    publishEmail: z.boolean().optional(),
    personal: PersonalData.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.type === 'individual' && v.email === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'an individual member needs an email address',
        path: ['email'],
      });
    }
    if (v.type === 'individual' && v.domain !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'a domain name belongs to company members', path: ['domain'] });
    }
    if (v.type === 'company' && v.domain === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a company member needs a domain name', path: ['domain'] });
    }
  })
  .transform(readOwnPhones);
export type RegisterMemberInput = z.input<typeof RegisterMemberInput>;

/**
 * A change of a member: fields given replace the stored ones; null removes an optional field.
 * Telephone numbers are checked when the change is applied, in the member's new or current
 * country (readPhones), since a national number means nothing without it.
 */
export const MemberChange = z
  .object({
    displayName: text(200, 'display name').optional(),
    email: EmailField.nullable().optional(),
    domain: DomainField.nullable().optional(),
    country: CountryCode.optional(),
    centerCountry: CountryCode.nullable().optional(),
    contactPstn: PhoneText.nullable().optional(),
    otherCarriers: OtherCarriers.optional(),
    homePage: HomePageField.nullable().optional(),
    publishEmail: z.boolean().nullable().optional(),
    personal: PersonalData.nullable().optional(),
  })
  .strict();
export type MemberChange = z.input<typeof MemberChange>;

export const UpdateMemberInput = MemberChange.extend({
  memberId: DocId,
  /** The version (ETag) the change is based on: 'version-conflict' when the member moved on. */
  expectedVersion: z.number().int().min(1).optional(),
});
export type UpdateMemberInput = z.input<typeof UpdateMemberInput>;

export const MAX_BRANCHES = 250;

const Branch = z
  .object({
    country: CountryCode,
    sipUri: z.string().min(1).max(MAX_URI_LENGTH).optional(),
    pstn: PhoneText.optional(),
  })
  .strict()
  .transform((b, ctx) => {
    const out: { country: string; sipUri?: string; pstn?: string } = { country: b.country };
    const guard = (path: string, read: () => string): string | undefined => {
      try {
        return read();
      } catch (err) {
        if (!(err instanceof NumberingError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.detail, path: [path] });
        return undefined;
      }
    };
    if (b.sipUri !== undefined) {
      if (/^sips?:/i.test(b.sipUri))
        out.sipUri = guard('sipUri', () => readCarrierTarget(b.sipUri!, b.country));
      else ctx.addIssue({ code: 'custom', message: 'expected a sip: or sips: URI', path: ['sipUri'] });
    }
    if (b.pstn !== undefined) out.pstn = guard('pstn', () => readPhone(b.pstn!, b.country));
    return out;
  });

export const SetBranchesInput = z
  .object({
    memberId: DocId,
    /** The company's VNS base: '6200-6200', 'vns:62006200' or '6200-6200#082'. */
    base: viaNumbering(readVnsBase, 64),
    /** The whole list of branches, one per country (replaces the stored list). */
    branches: z
      .array(Branch)
      .max(MAX_BRANCHES, { error: `expected at most ${MAX_BRANCHES} branches` })
      .refine((bs) => new Set(bs.map((b) => b.country)).size === bs.length, {
        error: 'one branch per country',
      }),
    expectedVersion: z.number().int().min(1).optional(),
  })
  .strict();
export type SetBranchesInput = z.input<typeof SetBranchesInput>;

export const SetSipCredentialsInput = z
  .object({
    memberId: DocId,
    username: z.string().regex(SIP_USERNAME, {
      error:
        'expected a SIP username of 1-64 lower-case letters, digits, . _ - (starting with a letter or digit)',
    }),
    password: z
      .string()
      .min(8, { error: 'expected a password of at least 8 characters' })
      .max(128, { error: 'expected a password of at most 128 characters' })
      .regex(/^[^\p{C}]*$/u, { error: 'a password may not hold control or invisible characters' }),
  })
  .strict();
export type SetSipCredentialsInput = z.input<typeof SetSipCredentialsInput>;

export const MemberRef = z.object({ memberId: DocId }).strict();
export type MemberRef = z.input<typeof MemberRef>;

export const DeleteMemberInput = z
  .object({ memberId: DocId, expectedVersion: z.number().int().min(1).optional() })
  .strict();
export type DeleteMemberInput = z.input<typeof DeleteMemberInput>;

export const ListMembersInput = z.object({ registrarId: RegistrarId.optional(), ...pageFields }).strict();
export type ListMembersInput = z.input<typeof ListMembersInput>;
