// The one place that reads process.env. Everything else gets a Config passed in.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected an integer port')
  .min(0, 'expected a port 0-65535')
  .max(65535, 'expected a port 0-65535');

const address = z.string().refine((s) => isIP(s) !== 0, { error: 'expected an IPv4 or IPv6 address' });

const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);

const dnsName = z
  .string()
  .transform((s) => s.trim().toLowerCase().replace(/\.$/, ''))
  .refine(
    (s) =>
      /^(?=.{1,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(s),
    {
      error: 'expected a DNS name such as callx.test',
    },
  );

/** host:port list, e.g. "127.0.0.1:5300,[::1]:53"; a bare address gets the default port. */
const hostPortList = (defaultPort: number) =>
  list.transform((items, ctx) =>
    items.map((item) => {
      const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(item) ?? /^([^:]+)(?::(\d+))?$/.exec(item);
      const host = m?.[1];
      const p = m?.[2] === undefined ? defaultPort : Number(m[2]);
      if (!host || isIP(host) === 0 || !(p > 0 && p < 65536)) {
        ctx.addIssue({ code: 'custom', message: `expected address[:port], got '${item}'` });
        return { host: '', port: 0 };
      }
      return { host, port: p };
    }),
  );

/** Defaults of the DNS server's limits (docs/dns.md, "Limits"); the server applies the same when a hand-built config omits them. */
export const DNS_LIMITS = {
  tcpMaxConnections: 1000,
  tcpPerSource: 32,
  tcpBufferBytes: 32 * 1024 * 1024,
  cacheBytes: 64 * 1024 * 1024,
} as const;

/** Addresses and CIDR prefixes ('192.0.2.0/24', '2001:db8::/32', '127.0.0.1'). */
export function isAddressOrCidr(s: string): boolean {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(s);
  if (!m) return false;
  const family = isIP(m[1]!);
  if (family === 0) return false;
  return m[2] === undefined || Number(m[2]) <= (family === 4 ? 32 : 128);
}

const cidrList = list.refine((xs) => xs.every(isAddressOrCidr), {
  error: 'expected addresses and CIDR prefixes such as 192.0.2.10,198.51.100.0/24,2001:db8::/32',
});

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Environment variable name -> schema. Keys are the documented names (README, "Configuration"). */
export const envSchema = z.object({
  CALLX_DATA_DIR: z.string().min(1).default('./data'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, { error: 'expected a mongodb:// or mongodb+srv:// URI' })
    .optional(),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, { error: 'expected a database name' })
    .default('callx'),
  CALLX_APEX: dnsName.default('callx.test'),
  /** Hours of change journal kept (0: never trimmed); docs/registry.md, "Journal retention". */
  CALLX_JOURNAL_KEEP_HOURS: z.coerce.number().int().min(0).max(87_600).default(168),
  CALLX_ZONES_DIR: z.string().min(1).default('./zones'),
  CALLX_LOG_LEVEL: logLevel.default('info'),
  CALLX_DEFAULT_COUNTRY: z
    .string()
    .regex(/^[A-Za-z]{2}$/, { error: 'expected an ISO 3166 alpha-2 country code such as KR' })
    .transform((s) => s.toUpperCase())
    .optional(),

  CALLX_DNS_ADDR: address.default('127.0.0.1'),
  CALLX_DNS_PORT: port.default(5300),
  /** Who may transfer zones (AXFR/IXFR): addresses or CIDR prefixes. */
  CALLX_DNS_XFR_ALLOW: list.default(['127.0.0.1', '::1']),
  /** TSIG keys, name:algorithm:base64secret, e.g. xfr-key:hmac-sha256:c2VjcmV0. */
  CALLX_DNS_TSIG_KEYS: list.default([]),
  /** Secondaries to NOTIFY after each change, address[:port]. */
  CALLX_DNS_NOTIFY: hostPortList(53).default([]),
  CALLX_DNS_TCP_IDLE_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** DNS TCP connections held at once; a new one closes the one idle the longest. */
  CALLX_DNS_TCP_MAX_CONNECTIONS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(DNS_LIMITS.tcpMaxConnections),
  /** DNS TCP connections per client address (IPv6: per /56). */
  CALLX_DNS_TCP_PER_SOURCE: z.coerce.number().int().min(1).max(100_000).default(DNS_LIMITS.tcpPerSource),
  /** Bytes held for all DNS TCP clients: queries read and not yet answered, answers not yet taken. */
  CALLX_DNS_TCP_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .max(4 * 1024 * 1024 * 1024)
    .default(DNS_LIMITS.tcpBufferBytes),
  /** Packet cache bound in bytes (0: no packet cache). */
  CALLX_DNS_CACHE_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(64 * 1024 * 1024 * 1024)
    .default(DNS_LIMITS.cacheBytes),
  /** How often a DNS node polls the change journal (ms). */
  CALLX_DNS_JOURNAL_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(200),

  CALLX_SIP_ADDR: address.default('127.0.0.1'),
  CALLX_SIP_PORT: port.default(5060),
  CALLX_SIP_TRANSPORT: z.enum(['builtin', 'drachtio']).default('builtin'),
  /** DNS servers the redirector asks, address[:port]; default: this callx's own DNS server. */
  CALLX_SIP_RESOLVERS: hostPortList(53).optional(),
  /** Partner carriers' ENUM suffixes, asked in this order after our own e164 tree. */
  CALLX_ENUM_SUFFIXES: list.default([]),
  /** Digest realm for REGISTER; default: the apex. */
  CALLX_SIP_REALM: z.string().min(1).optional(),
  CALLX_SIP_DNS_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(500),
  CALLX_SIP_DNS_TRIES: z.coerce.number().int().min(1).max(5).default(2),
  /** E.164 digit prefixes of number ranges this exchange owns: an unassigned number there gets SIP 604. */
  CALLX_SIP_OWNED_RANGES: list
    .refine((xs) => xs.every((x) => /^[1-9][0-9]{0,14}$/.test(x)), {
      error: 'expected E.164 digit prefixes such as 88299,8270',
    })
    .default([]),
  /**
   * Digest algorithms the redirector challenges with (REGISTER, INVITE, MESSAGE), most preferred
   * first (RFC 8760 §2.4). MD5 first by default: SIPp reads only the first challenge and computes
   * only MD5, and so do several deployed clients (docs/trust.md, "Clients").
   */
  CALLX_SIP_DIGEST_ALGORITHMS: list
    .refine((xs) => xs.length > 0 && xs.every((x) => x === 'SHA-256' || x === 'MD5'), {
      error: 'expected SHA-256 and/or MD5, most preferred first',
    })
    .default(['MD5', 'SHA-256']),
  /** Trusted peers by source address for fixed deployments (besides those in the registry). */
  CALLX_SIP_TRUSTED: cidrList.default([]),
  /** Sign caller identities (STIR/SHAKEN Identity in each Contact): on, or off. */
  CALLX_STIR: z.enum(['on', 'off']).default('on'),
  /** PEM file of the ES256 (P-256) signing key; unset: a self-signed demo key kept in the registry. */
  CALLX_STIR_KEY: z.string().min(1).optional(),
  /** PEM file of its certificate (chain), served at the x5u URL. */
  CALLX_STIR_CERT: z.string().min(1).optional(),
  /** The public URL of that certificate (PASSporT x5u); default: this API's /stir/cert.pem. */
  CALLX_STIR_X5U: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  DRACHTIO_HOST: z.string().min(1).default('127.0.0.1'),
  DRACHTIO_PORT: port.default(9022),
  DRACHTIO_SECRET: z.string().default('cymru'),

  CALLX_HTTP_ADDR: address.default('127.0.0.1'),
  CALLX_HTTP_PORT: port.default(8080),
  /** Bootstrap admin bearer token; `callx token create --admin` makes stored ones. */
  CALLX_ADMIN_TOKEN: z.string().min(16, { error: 'expected at least 16 characters' }).optional(),
  /** Requests per minute allowed per token. */
  CALLX_HTTP_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Largest request body accepted, bytes. */
  /** Number pages by host name: http://<digits>.<this domain>/ (GET /n/{identifier} needs none). */
  CALLX_WEB_DOMAIN: dnsName.optional(),
  CALLX_HTTP_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),

  // the fee system (docs/billing.md)
  /** Settlement periods: calendar months or days, UTC. */
  CALLX_BILLING_PERIOD: z.enum(['month', 'day']).default('month'),
  /** The longest call authorized, seconds (a route token's maximum duration at most). */
  CALLX_BILLING_MAX_CALL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(14_400),
  /** Emergency numbers as dialed: never refused for lack of funds. */
  CALLX_BILLING_EMERGENCY: list
    .refine((xs) => xs.every((x) => /^[0-9]{2,6}$/.test(x)), {
      error: 'expected short numbers such as 112,911',
    })
    .default(['112', '911', '999', '000', '110', '119', '118', '100', '101', '102', '15', '17', '18']),
  /** Pre-call authorization on the SIP path (402, route tokens): on, or off. */
  CALLX_BILLING_AUTHORIZE: z.enum(['on', 'off']).default('on'),
  /** How long a route token may be used to set a call up, seconds. */
  CALLX_BILLING_TOKEN_TTL_S: z.coerce.number().int().min(5).max(3600).default(60),
  /** A settlement period closes by itself this many hours after it ended (0: only by hand). */
  CALLX_BILLING_CLOSE_AFTER_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 366)
    .default(120),
  /** Largest rate deck CSV accepted over HTTP, bytes. */
  CALLX_BILLING_IMPORT_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(64 * 1024 * 1024),
});

export type Config = {
  dataDir: string;
  mongodbUri: string | undefined;
  mongodbDb: string;
  apex: string;
  /** Change journal retention in ms; 0 = keep everything. */
  journalKeepMs: number;
  zonesDir: string;
  logLevel: z.infer<typeof logLevel>;
  defaultCountry: string | undefined;
  dns: {
    addr: string;
    port: number;
    xfrAllow: string[];
    tsigKeys: string[];
    notify: HostPort[];
    tcpIdleMs: number;
    journalPollMs: number;
    /** Limits (DNS_LIMITS when absent: configs built by hand in tests and benchmarks omit them). */
    tcpMaxConnections?: number;
    tcpPerSource?: number;
    tcpBufferBytes?: number;
    cacheBytes?: number;
  };
  sip: {
    addr: string;
    port: number;
    transport: 'builtin' | 'drachtio';
    resolvers: HostPort[];
    enumSuffixes: string[];
    realm: string;
    dnsTimeoutMs: number;
    dnsTries: number;
    ownedRanges: string[];
    digestAlgorithms: ('SHA-256' | 'MD5')[];
    /** Trusted peers by source address (CALLX_SIP_TRUSTED). */
    trusted: string[];
    drachtio: { host: string; port: number; secret: string };
  };
  /** Signed caller identity (STIR/SHAKEN, docs/trust.md). */
  stir: {
    enabled: boolean;
    keyFile: string | undefined;
    certFile: string | undefined;
    x5u: string;
  };
  http: {
    addr: string;
    port: number;
    adminToken: string | undefined;
    rateLimit: number;
    bodyLimit: number;
    /** Number pages by host name (`<digits>.<webDomain>`); unset: only GET /n/{identifier}. */
    webDomain?: string | undefined;
  };
  billing: {
    period: 'month' | 'day';
    maxCallSeconds: number;
    emergency: string[];
    tokenTtlSeconds: number;
    /** The redirector authorizes members' paid calls (CALLX_BILLING_AUTHORIZE). */
    authorize: boolean;
    closeAfterHours: number;
    importLimit: number;
  };
};

export type HostPort = { host: string; port: number };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** This API's certificate URL: a wildcard listen address is written as the loopback address. */
function defaultX5u(addr: string, port: number): string {
  const host = addr === '0.0.0.0' ? '127.0.0.1' : addr === '::' ? '::1' : addr;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/stir/cert.pem`;
}

function toConfig(e: z.infer<typeof envSchema>): Config {
  return {
    dataDir: e.CALLX_DATA_DIR,
    mongodbUri: e.MONGODB_URI,
    mongodbDb: e.MONGODB_DB,
    apex: e.CALLX_APEX,
    journalKeepMs: e.CALLX_JOURNAL_KEEP_HOURS * 3_600_000,
    zonesDir: e.CALLX_ZONES_DIR,
    logLevel: e.CALLX_LOG_LEVEL,
    defaultCountry: e.CALLX_DEFAULT_COUNTRY,
    dns: {
      addr: e.CALLX_DNS_ADDR,
      port: e.CALLX_DNS_PORT,
      xfrAllow: e.CALLX_DNS_XFR_ALLOW,
      tsigKeys: e.CALLX_DNS_TSIG_KEYS,
      notify: e.CALLX_DNS_NOTIFY,
      tcpIdleMs: e.CALLX_DNS_TCP_IDLE_MS,
      journalPollMs: e.CALLX_DNS_JOURNAL_POLL_MS,
      tcpMaxConnections: e.CALLX_DNS_TCP_MAX_CONNECTIONS,
      tcpPerSource: e.CALLX_DNS_TCP_PER_SOURCE,
      tcpBufferBytes: e.CALLX_DNS_TCP_BUFFER_BYTES,
      cacheBytes: e.CALLX_DNS_CACHE_BYTES,
    },
    sip: {
      addr: e.CALLX_SIP_ADDR,
      port: e.CALLX_SIP_PORT,
      transport: e.CALLX_SIP_TRANSPORT,
      resolvers: e.CALLX_SIP_RESOLVERS ?? [{ host: e.CALLX_DNS_ADDR, port: e.CALLX_DNS_PORT }],
      enumSuffixes: e.CALLX_ENUM_SUFFIXES.map((s) => s.toLowerCase().replace(/\.$/, '')),
      realm: e.CALLX_SIP_REALM ?? e.CALLX_APEX,
      dnsTimeoutMs: e.CALLX_SIP_DNS_TIMEOUT_MS,
      dnsTries: e.CALLX_SIP_DNS_TRIES,
      ownedRanges: e.CALLX_SIP_OWNED_RANGES,
      digestAlgorithms: e.CALLX_SIP_DIGEST_ALGORITHMS as ('SHA-256' | 'MD5')[],
      trusted: e.CALLX_SIP_TRUSTED,
      drachtio: { host: e.DRACHTIO_HOST, port: e.DRACHTIO_PORT, secret: e.DRACHTIO_SECRET },
    },
    stir: {
      enabled: e.CALLX_STIR === 'on',
      keyFile: e.CALLX_STIR_KEY,
      certFile: e.CALLX_STIR_CERT,
      x5u: e.CALLX_STIR_X5U ?? defaultX5u(e.CALLX_HTTP_ADDR, e.CALLX_HTTP_PORT),
    },
    http: {
      addr: e.CALLX_HTTP_ADDR,
      port: e.CALLX_HTTP_PORT,
      adminToken: e.CALLX_ADMIN_TOKEN,
      rateLimit: e.CALLX_HTTP_RATE_LIMIT,
      bodyLimit: e.CALLX_HTTP_BODY_LIMIT,
      webDomain: e.CALLX_WEB_DOMAIN,
    },
    billing: {
      period: e.CALLX_BILLING_PERIOD,
      maxCallSeconds: e.CALLX_BILLING_MAX_CALL_SECONDS,
      emergency: e.CALLX_BILLING_EMERGENCY,
      tokenTtlSeconds: e.CALLX_BILLING_TOKEN_TTL_S,
      authorize: e.CALLX_BILLING_AUTHORIZE === 'on',
      closeAfterHours: e.CALLX_BILLING_CLOSE_AFTER_HOURS,
      importLimit: e.CALLX_BILLING_IMPORT_LIMIT,
    },
  };
}

/** Reads an optional JSON config file named by CALLX_CONFIG: an object of the same variable names. */
function readConfigFile(path: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config: CALLX_CONFIG: cannot read ${path}: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`config: CALLX_CONFIG: ${path} must hold a JSON object of variable names`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!(k in envSchema.shape)) throw new ConfigError(`config: ${path}: unknown variable ${k}`);
    out[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

/**
 * Validates the environment (and the optional CALLX_CONFIG file, which the environment overrides).
 * Throws ConfigError with one line that names the offending variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const fromFile = env.CALLX_CONFIG ? readConfigFile(env.CALLX_CONFIG) : {};
  const merged: Record<string, string> = { ...fromFile };
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') merged[key] = v;
  }
  const parsed = envSchema.safeParse(merged);
  if (
    parsed.success &&
    (parsed.data.CALLX_STIR_KEY === undefined) !== (parsed.data.CALLX_STIR_CERT === undefined)
  )
    throw new ConfigError('config: CALLX_STIR_KEY and CALLX_STIR_CERT: set both, or neither (a demo key)');
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'config');
    const got = merged[name] === undefined ? '' : ` (got '${merged[name]}')`;
    throw new ConfigError(`config: ${name}: ${issue.message}${got}`);
  }
  return toConfig(parsed.data);
}
