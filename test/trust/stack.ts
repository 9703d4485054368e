// A redirector with caller trust on real sockets (docs/trust.md): a callx DNS server serving
// test/sip/zones (members, partner ENUM, carriers, PSTN, Korea's emergency gateway), the registry
// in an embedded store with a member who has SIP credentials and a PSTN gateway trusted by its
// source address, the HTTP API serving the certificate at the x5u URL, and the redirector with
// nobody trusted by configuration. SIPp and raw clients talk to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiServer, createApiServer } from '#api';
import {
  type CallPolicy,
  type Claim,
  COLLECTIONS,
  ha1,
  type Logger,
  type Member,
  type PartnerCarrier,
  type PstnGateway,
  type Store,
} from '#core';
import type { DnsServer } from '#dns';
import { createMetrics, type Metrics } from '#metrics';
import { derivationFor } from '#publish';
import { createJournal, createPublisher, SCHEMA, stirCredentials } from '#registry';
import { createSipService, type SipService, type SipServiceDeps } from '#sip';
import { loadConfig } from '../../src/core/config.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { sipConfig, startDns } from '../sip/env.ts';

export const ADMIN = 'trust-admin-token-0123456789';
export const REALM = 'callx.test';
/** The member: Kim in Seoul, +82 2 6200 6200 (the demo member of test/sip/zones), SIP user kim. */
export const KIM = {
  id: 'm-kim',
  registrar: 'reg-a',
  username: 'kim',
  password: 's3cret-kim',
  e164: '+82262006200',
};
/** A trusted peer by address: a PSTN gateway whose softswitch sends from 127.0.0.2. */
export const PEER_ADDRESS = '127.0.0.2';
/** A trusted peer by digest: a partner carrier with a shared secret, from any address. */
export const CARRIER = { id: 'partner-b', username: 'carrier:partner-b', password: 'partner-b-secret' };

const now = Date.now();
const versioned = { version: 1, createdAt: now, updatedAt: now };

/** The member and the peers, written as the registry holds them. */
export async function seed(store: Store, policies: CallPolicy[] = []): Promise<void> {
  const sip = (username: string, password: string) => ({
    username,
    realm: REALM,
    ha1Md5: ha1('MD5', username, REALM, password),
    ha1Sha256: ha1('SHA-256', username, REALM, password),
  });
  await store.collection<Member>(COLLECTIONS.members).insert({
    _id: KIM.id,
    registrarId: KIM.registrar,
    type: 'individual',
    displayName: 'Kim',
    country: 'KR',
    numbers: [{ kind: 'pin', e164: KIM.e164 }],
    otherCarriers: [],
    sip: sip(KIM.username, KIM.password),
    ...versioned,
  });
  await store
    .collection<Claim>(COLLECTIONS.claims)
    .insert({ _id: `sip:${KIM.username}`, ownerId: KIM.id, createdAt: now, bound: true });
  await store.collection<PstnGateway>(COLLECTIONS.gateways).insert({
    _id: 'gw-kr',
    name: 'Korean PSTN gateway',
    host: 'gw.kr.callx.test',
    prefixes: ['82'],
    trust: { sources: [PEER_ADDRESS] },
    registrarId: null,
    ...versioned,
  });
  await store.collection<PartnerCarrier>(COLLECTIONS.carriers).insert({
    _id: CARRIER.id,
    name: 'Partner B',
    ingress: 'sip.partner-b.test',
    ranges: ['33'],
    callerIdFormat: 'e164',
    trust: { sources: [], digest: sip(CARRIER.username, CARRIER.password) },
    registrarId: null,
    ...versioned,
  });
  for (const p of policies) await store.collection<CallPolicy>(COLLECTIONS.policies).insert(p);
}

export interface TrustStack {
  dns: DnsServer;
  store: Store;
  dataDir: string;
  api: ApiServer;
  base: string;
  sip: SipService;
  sipPort: number;
  metrics: Metrics;
  stop(): Promise<void>;
}

export async function startTrustStack(
  opts: {
    env?: Record<string, string>;
    policies?: CallPolicy[];
    extra?: Partial<SipServiceDeps>;
    logger?: Logger;
    /** A store already seeded (another redirector's). */
    dataDir?: string;
    /** The zones the DNS server serves (test/sip/zones by default). */
    zonesDir?: string;
  } = {},
): Promise<TrustStack> {
  const logger = opts.logger ?? silentLogger;
  const dns = await startDns(opts.zonesDir);
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'callx-trust-'));
  const store = createEmbeddedStore({ dataDir, logger: silentLogger });
  await store.ensureSchema(SCHEMA);
  if (!opts.dataDir) await seed(store, opts.policies);
  const stir = stirCredentials(store, { apex: 'callx.test' });
  const apiConfig = loadConfig({ CALLX_APEX: 'callx.test', CALLX_HTTP_PORT: '0', CALLX_ADMIN_TOKEN: ADMIN });
  const metrics = createMetrics({ processMetrics: false });
  let sip: SipService | undefined;
  const api = createApiServer({
    config: apiConfig,
    logger,
    store,
    publisher: createPublisher({
      store,
      journal: createJournal({ store, logger: silentLogger }),
      derivation: derivationFor(apiConfig),
      logger: silentLogger,
    }),
    metrics,
    stirCertificate: async () => (await stir()).certPem,
    readinessDetail: () => sip?.readinessDetail() ?? {},
  });
  const base = `http://127.0.0.1:${await api.start()}`;
  const config = sipConfig(dns.port, {
    CALLX_SIP_TRUSTED: '',
    CALLX_STIR_X5U: `${base}/stir/cert.pem`,
    ...opts.env,
  });
  sip = createSipService({
    config,
    logger,
    store,
    stir,
    metrics: metrics.sip,
    trustRefreshMs: 100,
    limitSyncMs: 100,
    ...opts.extra,
  });
  const sipPort = await sip.start();
  const running = sip;
  return {
    dns,
    store,
    dataDir,
    api,
    base,
    sip: running,
    sipPort,
    metrics,
    async stop() {
      await running.stop();
      await api.stop();
      await dns.stop();
      await store.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
