import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../log.ts';
import {
  type Claim,
  COLLECTIONS,
  createEmbeddedStore,
  type Member,
  SCHEMA,
  type Store,
} from '../../registry/index.ts';
import { parseSipMessage } from '../message.ts';
import { digestResponse, ha1, parseAuthorization } from './digest.ts';
import { aorKey, createRegistrar } from './registrar.ts';
import { registryBindings, registryCredentials } from './stores.ts';

let dir: string;
let store: Store;
let clock = 1_700_000_000_000;
let register: ReturnType<typeof createRegistrar>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callx-registrar-'));
  store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
  await store.ensureSchema(SCHEMA);
  await store.collection<Member>(COLLECTIONS.members).insert({
    _id: 'm1',
    registrarId: 'r',
    type: 'individual',
    displayName: 'Lee',
    country: 'KR',
    numbers: [{ kind: 'pin', e164: '+82262006200' }],
    otherCarriers: [],
    sip: {
      username: 'lee',
      realm: 'callx.test',
      ha1Md5: ha1('MD5', 'lee', 'callx.test', 'pw'),
      ha1Sha256: ha1('SHA-256', 'lee', 'callx.test', 'pw'),
    },
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  });
  await store.collection<Claim>(COLLECTIONS.claims).insert({ _id: 'sip:lee', ownerId: 'm1', createdAt: 0 });
  register = createRegistrar({
    realm: 'callx.test',
    defaultCountry: 'KR',
    credentials: registryCredentials(store),
    bindings: registryBindings(store),
    log: silentLogger,
    now: () => clock,
    nonceLifetimeMs: 60_000,
  });
});
afterAll(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ctx = { transport: 'udp' as const, remoteAddress: '127.0.0.1', remotePort: 5062 };

function msg(cseq: number, auth?: string, callId = 'c1') {
  return parseSipMessage(
    [
      'REGISTER sip:callx.test SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-r',
      'From: <sip:lee@callx.test>;tag=1',
      'To: <sip:lee@callx.test>',
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      'Contact: <sip:lee@192.0.2.5:5062>;expires=300',
      ...(auth ? [`Authorization: ${auth}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

function answer(challengeValue: string): string {
  const c = parseAuthorization(challengeValue)!;
  const alg = c.get('algorithm') as 'SHA-256';
  const r = digestResponse(alg, ha1(alg, 'lee', 'callx.test', 'pw'), {
    nonce: c.get('nonce')!,
    nc: '00000001',
    cnonce: 'abc',
    qop: 'auth',
    method: 'REGISTER',
    uri: 'sip:callx.test',
  });
  return `Digest username="lee", realm="callx.test", nonce="${c.get('nonce')}", uri="sip:callx.test", response="${r}", algorithm=${alg}, qop=auth, nc=00000001, cnonce="abc"`;
}

const wwwAuth = (s: { headers: [string, string][] }) => s.headers.find(([n]) => n === 'WWW-Authenticate')![1];

describe('registrar', () => {
  it('an expired nonce with the right password gets stale=true, then succeeds with a fresh one', async () => {
    const ch = await register(msg(1), ctx, 't');
    clock += 61_000;
    const stale = await register(msg(2, answer(wwwAuth(ch))), ctx, 't');
    expect(stale.status).toBe(401);
    expect(wwwAuth(stale)).toMatch(/stale=true$/);
    const ok = await register(msg(3, answer(wwwAuth(stale))), ctx, 't');
    expect(ok.status).toBe(200);
  });

  it('refuses an older CSeq from the same Call-ID (RFC 3261 §10.3 step 7)', async () => {
    const ch = await register(msg(10), ctx, 't');
    expect((await register(msg(11, answer(wwwAuth(ch))), ctx, 't')).status).toBe(200);
    const ch2 = await register(msg(5), ctx, 't');
    expect((await register(msg(5, answer(wwwAuth(ch2))), ctx, 't')).status).toBe(500);
  });

  it('bindings expire', async () => {
    const store2 = registryBindings(store);
    expect(await store2.forIdentity('tel:+82262006200', clock)).toHaveLength(1);
    expect(await store2.forIdentity('tel:+82262006200', clock + 301_000)).toHaveLength(0);
    expect(await store2.sweep(clock + 301_000)).toBe(1);
  });

  it.each([
    ['sip:+82262006200@callx.test', 'tel:+82262006200'],
    ['sip:02-6200-6200-082@callx.test', 'tel:+82262006200'],
    ['sip:Kim@Example.COM', 'email:kim@example.com'],
    ['sip:lee@callx.test', 'email:lee@callx.test'],
    ['sip:bob@192.0.2.1', 'sip:bob@192.0.2.1'],
  ])('AOR %s is %s', (uri, key) => {
    expect(aorKey(uri, 'KR')).toBe(key);
  });
});
