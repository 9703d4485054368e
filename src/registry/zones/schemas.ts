// Inputs of the zone service, validated with zod: names are read as the zone API takes them
// (absolute, any case, with or without the trailing dot) and come out normalised. The HTTP API
// reuses these schemas as its request bodies and path parameters; the parts it shows as named
// components of its OpenAPI document carry their name (zod .meta id).
import { z } from 'zod';
import { pageFields } from '../kernel/index.ts';
import { isApex, normalizeName } from './names.ts';

export const MAX_TTL = 0x7fffffff;

const u32 = (max: number) => z.number().int().min(0).max(max);

/** A zone apex or host name: normalised ('Example.COM.' -> 'example.com'). */
const dnsName = (message: (name: string) => string) =>
  z
    .string()
    .min(1, { error: 'expected a DNS name' })
    .max(254, { error: 'expected at most 254 characters' })
    .transform(normalizeName)
    .refine(isApex, { error: (i) => message(String(i.input)) });

export const ZoneApex = dnsName(() => 'expected a DNS name such as example.com').meta({
  example: 'example.com',
});

const HostName = dnsName((n) => `'${n}' is not a host name`);

export const Soa = z
  .object({
    mname: HostName.describe('Primary name server').meta({ example: 'ns1.example.com' }),
    rname: dnsName((n) => `'${n}' is not a mailbox name (hostmaster.example.com)`)
      .describe('Mailbox of the person responsible, as a name')
      .meta({ example: 'hostmaster.example.com' }),
    refresh: u32(MAX_TTL).default(3600),
    retry: u32(MAX_TTL).default(600),
    expire: u32(MAX_TTL).default(1_209_600),
    minimum: u32(86_400).default(300).describe('Negative-caching TTL (RFC 2308)'),
    ttl: u32(MAX_TTL).default(3600).describe('TTL of the SOA and NS records'),
  })
  .strict();

/** The apex NS set; a name given twice counts once. */
export const NsSet = z
  .array(HostName)
  .min(1, { error: 'expected at least one name server' })
  .max(13, { error: 'expected at most 13 name servers' })
  .transform((ns) => [...new Set(ns)])
  .meta({ example: ['ns1.example.com', 'ns2.example.net'] });

export const ZoneInput = z.object({ apex: ZoneApex, soa: Soa, ns: NsSet }).strict();
export type ZoneInput = z.input<typeof ZoneInput>;

export const ZonePatch = z.object({ soa: Soa.optional(), ns: NsSet.optional() }).strict();
export type ZonePatch = z.input<typeof ZonePatch>;

export const ContentRecord = z
  .object({
    content: z
      .string()
      .min(1)
      .max(65_535)
      .describe('RDATA in master-file presentation format')
      .meta({ example: '192.0.2.10' }),
    disabled: z.literal(false).optional().describe('Accepted for PowerDNS compatibility; only false'),
  })
  .strict()
  .meta({ id: 'RecordContent' });

/** A NAPTR record as fields (RFC 3403): the regexp is written as is, unescaped. */
export const NaptrRecord = z
  .object({
    order: z.number().int().min(0).max(65535),
    preference: z.number().int().min(0).max(65535),
    flags: z.string().max(255).meta({ example: 'u' }),
    service: z.string().max(255).meta({ example: 'E2U+sip' }),
    regexp: z.string().max(255).meta({ example: '!^\\+(.*)$!sip:+\\1@gw.example.net!' }),
    replacement: z.string().max(254).default('.').describe("A domain name, or '.' for none"),
  })
  .strict()
  .meta({
    id: 'RecordNaptr',
    description: 'A NAPTR record as fields (RFC 3403); the regexp is written as is, unescaped',
  });

export const RecordInput = z.union([ContentRecord, NaptrRecord]);
export type RecordInput = z.input<typeof RecordInput>;

export const RRsetChange = z
  .object({
    name: z.string().min(1).max(254).describe('Absolute owner name (a trailing dot is optional)').meta({
      example: 'www.example.com.',
    }),
    type: z.string().min(1).max(10).meta({ example: 'A' }),
    changetype: z.enum(['REPLACE', 'DELETE']),
    ttl: z.number().int().min(0).max(MAX_TTL).optional().describe('Required with REPLACE'),
    records: z.array(RecordInput).max(1000).optional().describe('Required with REPLACE; ignored with DELETE'),
  })
  .strict()
  .meta({ id: 'RRsetChange' });
export type RRsetChange = z.input<typeof RRsetChange>;

export const RRsetPatch = z
  .object({ rrsets: z.array(RRsetChange).min(1, { error: 'expected at least one change' }).max(1000) })
  .strict();
export type RRsetPatch = z.input<typeof RRsetPatch>;

/** Record sets of a zone, optionally one name and one type, page by page. */
export const RRsetQuery = z
  .object({
    name: z.string().max(254).optional().describe('Only this owner name'),
    type: z.string().max(10).optional().describe('Only this type'),
    ...pageFields,
  })
  .strict();
export type RRsetQuery = z.input<typeof RRsetQuery>;
