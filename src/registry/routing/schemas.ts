// Inputs of the routing service, validated with zod: every rule of a country, gateway or carrier
// field is said here once (the HTTP API reuses these schemas as its request bodies; the parts it
// shows as named components of its OpenAPI document carry their name, zod .meta id).
import { isIP } from 'node:net';
import { z } from 'zod';
import { isAddressOrCidr } from '#core';
import { prefixProblem } from '#numbering';
import { CountryCode, Name, Slug } from '../kernel/index.ts';

/** E.164 digit prefix without '+': 1 to 15 digits, not starting with 0. */
export const PREFIX = /^[1-9][0-9]{0,14}$/;
/** A SIP host[:port] that is safe inside a NAPTR regexp: a DNS name or IPv4, or [IPv6]. */
export const SIP_HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;
const DNS_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** host, host:port or [IPv6]:port, with a port in 1-65535 when given. */
export function isSipHost(host: string): boolean {
  const port = /:([0-9]+)$/.exec(host)?.[1];
  return SIP_HOST.test(host) && (port === undefined || (Number(port) >= 1 && Number(port) <= 65535));
}

export const Prefix = z
  .string()
  .regex(PREFIX, { error: 'expected E.164 digits without +, 1-15, not starting with 0' })
  // a route no valid number can reach would never take a call: say so instead of storing it
  .refine((p) => !PREFIX.test(p) || prefixProblem(p) === null, {
    error: (i) => prefixProblem(String(i.input)) ?? 'no valid number starts with this prefix',
  })
  .meta({ example: '8210' });

/** A list of prefixes; a prefix given twice counts once. */
const Prefixes = z
  .array(Prefix)
  .min(1, { error: 'expected at least one prefix' })
  .max(1000, { error: 'expected at most 1000 prefixes' })
  .transform((ps) => [...new Set(ps)]);

export const SipHost = z
  .string()
  .max(260, { error: 'expected at most 260 characters' })
  .refine(isSipHost, { error: 'expected host, host:port or [IPv6]:port' })
  .meta({ description: 'SIP host[:port] (a DNS name, IPv4, or [IPv6])', example: 'gw.kr.callx.test' });

export const CenterTarget = z
  .object({
    host: z
      .string()
      .max(253, { error: 'expected at most 253 characters' })
      .refine((h) => SIP_HOST.test(h) && !h.includes(':'), {
        error: (i) => `'${String(i.input)}' is not a host name`,
      })
      .meta({ example: 'sip1.kr.center.callx.test' }),
    port: z.number().int().min(1).max(65535).default(5060),
    priority: z.number().int().min(0).max(65535).default(10),
    weight: z.number().int().min(0).max(65535).default(10),
    transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
    addresses: z
      .array(
        z
          .string()
          .refine((a) => isIP(a) !== 0, { error: (i) => `'${String(i.input)}' is not an IP address` }),
      )
      .max(16)
      .default([])
      .describe('A/AAAA published for the host when it lies inside the deployment apex'),
  })
  .strict()
  .meta({ id: 'CenterTarget' });

export const Center = z
  .object({
    targets: z
      .array(CenterTarget)
      .min(1, { error: 'expected at least one target' })
      .max(32, { error: 'expected at most 32 targets' }),
  })
  .strict()
  .meta({ id: 'Center' });

/** An address or CIDR prefix a trusted peer's requests come from. */
export const AddressOrCidr = z
  .string()
  .max(64, { error: 'expected at most 64 characters' })
  .refine(isAddressOrCidr, { error: (i) => `'${String(i.input)}' is not an address or CIDR prefix` })
  .meta({ example: '198.51.100.0/24' });

/**
 * The routing document's peer as a trusted caller (docs/trust.md): the source addresses of its
 * requests. Its shared secret, when it has one, is set with PUT .../peer-secret and never shown.
 */
export const PeerTrustInput = z
  .object({
    sources: z
      .array(AddressOrCidr)
      .max(64, { error: 'expected at most 64 addresses or prefixes' })
      .transform((xs) => [...new Set(xs)])
      .describe('Addresses and CIDR prefixes its SIP requests come from; empty: any, with its digest'),
  })
  .strict()
  .meta({ id: 'PeerTrust' });
export type PeerTrustInput = z.input<typeof PeerTrustInput>;

/** A country's emergency gateway (its emergency short codes are routed there). */
export const EmergencyGateway = z
  .object({ host: SipHost })
  .strict()
  .meta({ id: 'EmergencyGateway', description: 'SIP host[:port] of the emergency gateway' });

export const CountryInput = z
  .object({
    code: CountryCode,
    name: Name,
    center: Center,
    emergency: EmergencyGateway.optional(),
    trust: PeerTrustInput.optional(),
  })
  .strict();
export type CountryInput = z.input<typeof CountryInput>;

export const CountryPatch = z
  .object({
    name: Name.optional(),
    center: Center.optional().describe('The whole target list'),
    emergency: EmergencyGateway.nullable().optional().describe('null removes it'),
    trust: PeerTrustInput.nullable()
      .optional()
      .describe('null: no longer a trusted peer (its secret goes too)'),
  })
  .strict();
export type CountryPatch = z.input<typeof CountryPatch>;

/** A country as it names a stored one (a path key): two letters, any case. */
export const CountryKey = z
  .string()
  .regex(/^[A-Za-z]{2}$/, { error: 'expected an ISO 3166-1 alpha-2 code such as KR' })
  .transform((s) => s.toUpperCase());

export const GatewayInput = z
  .object({
    id: Slug.optional().describe('Chosen by the caller, or generated (gw_...)'),
    name: Name,
    host: SipHost,
    prefixes: Prefixes,
    trust: PeerTrustInput.optional(),
  })
  .strict();
export type GatewayInput = z.input<typeof GatewayInput>;

export const GatewayPatch = z
  .object({
    name: Name.optional(),
    host: SipHost.optional(),
    prefixes: Prefixes.optional().describe('The whole list'),
    trust: PeerTrustInput.nullable()
      .optional()
      .describe('null: no longer a trusted peer (its secret goes too)'),
  })
  .strict();
export type GatewayPatch = z.input<typeof GatewayPatch>;

export const CallerIdFormat = z
  .enum(['e164', 'national', 'pin'])
  .describe("How the partner wants the caller's number written");

export const EnumSuffix = z
  .string()
  .min(3, { error: 'expected a DNS name' })
  .max(253, { error: 'expected at most 253 characters' })
  .transform((s) => s.toLowerCase().replace(/\.$/, ''))
  .refine((s) => DNS_NAME.test(s), {
    error: 'expected a DNS name of two labels or more, such as e164.partner.example',
  })
  .meta({ description: "The partner's own ENUM tree", example: 'e164.partner.example' });

export const CarrierInput = z
  .object({
    id: Slug.optional().describe('Chosen by the caller, or generated (carrier_...)'),
    name: Name,
    ingress: SipHost,
    ranges: Prefixes,
    callerIdFormat: CallerIdFormat.default('e164'),
    enumSuffix: EnumSuffix.optional(),
    trust: PeerTrustInput.optional(),
  })
  .strict();
export type CarrierInput = z.input<typeof CarrierInput>;

export const CarrierPatch = z
  .object({
    name: Name.optional(),
    ingress: SipHost.optional(),
    ranges: Prefixes.optional().describe('The whole list'),
    callerIdFormat: CallerIdFormat.optional(),
    enumSuffix: EnumSuffix.nullable().optional().describe('null removes it'),
    trust: PeerTrustInput.nullable()
      .optional()
      .describe('null: no longer a trusted peer (its secret goes too)'),
  })
  .strict();

/** A trusted peer's shared secret: its digest username is '<kind>:<id>', the password is never stored. */
export const PeerSecretInput = z
  .object({
    password: z
      .string()
      .min(12, { error: 'expected a password of at least 12 characters' })
      .max(256, { error: 'expected a password of at most 256 characters' }),
  })
  .strict();
export type PeerSecretInput = z.input<typeof PeerSecretInput>;
export type CarrierPatch = z.input<typeof CarrierPatch>;
