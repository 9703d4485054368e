import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Claim, COLLECTIONS, ha1, type Member, type Store, silentLogger } from '#core';
import { createEmbeddedStore, SCHEMA } from '#registry';
import { parseSipMessage } from '../message.ts';
import { digestResponse, parseAuthorization } from './digest.ts';
import { aorKey, createRegistrar, type RegistrarDeps } from './registrar.ts';
import { NONCE_SECRET_ID, registryBindings, registryCredentials, registryNonceSecret } from './stores.ts';

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
    clock: { now: () => clock },
    nonceLifetimeMs: 60_000,
  });
});
afterAll(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ctx = { transport: 'udp' as const, remoteAddress: '127.0.0.1', remotePort: 5062 };

function msg(
  cseq: number,
  auth?: string,
  callId = 'c1',
  aor = 'sip:lee@callx.test',
  contacts = ['<sip:lee@192.0.2.5:5062>;expires=300'],
) {
  return parseSipMessage(
    [
      'REGISTER sip:callx.test SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-r',
      `From: <${aor}>;tag=1`,
      `To: <${aor}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      ...contacts.map((c) => `Contact: ${c}`),
      ...(auth ? [`Authorization: ${auth}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

function answer(challengeValue: string, nc = '00000001'): string {
  const c = parseAuthorization(challengeValue)!;
  const alg = c.get('algorithm') as 'SHA-256';
  const r = digestResponse(alg, ha1(alg, 'lee', 'callx.test', 'pw'), {
    nonce: c.get('nonce')!,
    nc,
    cnonce: 'abc',
    qop: 'auth',
    method: 'REGISTER',
    uri: 'sip:callx.test',
  });
  return `Digest username="lee", realm="callx.test", nonce="${c.get('nonce')}", uri="sip:callx.test", response="${r}", algorithm=${alg}, qop=auth, nc=${nc}, cnonce="abc"`;
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

  it('refuses a replayed nonce count (RFC 7616 §3.4) and takes the next count of the same nonce', async () => {
    const ch = await register(msg(1, undefined, 'c-nc'), ctx, 't');
    const first = answer(wwwAuth(ch));
    expect((await register(msg(2, first, 'c-nc'), ctx, 't')).status).toBe(200);
    // the very same Authorization again (a captured request sent anew): challenged, stale=true
    const replay = await register(msg(3, first, 'c-nc'), ctx, 't');
    expect(replay.status).toBe(401);
    expect(wwwAuth(replay)).toMatch(/stale=true$/);
    expect(replay.headers).toContainEqual(['Warning', '399 callx "nonce count replayed"']);
    // the UA's own next request with that nonce counts up: accepted
    expect((await register(msg(4, answer(wwwAuth(ch), '00000002'), 'c-nc'), ctx, 't')).status).toBe(200);
    // a count that is not 8 hex digits cannot be read: 400, said why
    const bad = await register(msg(5, answer(wwwAuth(ch), 'zz'), 'c-nc'), ctx, 't');
    expect([bad.status, bad.headers]).toEqual([400, [['Warning', '399 callx "nc is not 8 hex digits"']]]);
  });

  it('refuses credentials whose digest uri is not the Request-URI (RFC 7616 §3.4.6, RFC 3261 §22.4)', async () => {
    const ch = await register(msg(1, undefined, 'c-uri'), ctx, 't');
    const p = parseAuthorization(wwwAuth(ch))!;
    const other = 'sip:elsewhere.example';
    const response = digestResponse('MD5', ha1('MD5', 'lee', 'callx.test', 'pw'), {
      nonce: p.get('nonce')!,
      nc: '00000001',
      cnonce: 'x',
      qop: 'auth',
      method: 'REGISTER',
      uri: other,
    });
    // a correct digest, computed for another URI: the credentials of one request reused for another
    const auth = `Digest username="lee", realm="callx.test", nonce="${p.get('nonce')}", uri="${other}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="x"`;
    const res = await register(msg(2, auth, 'c-uri'), ctx, 't');
    expect([res.status, res.headers]).toEqual([
      400,
      [['Warning', '399 callx "the digest uri is not the Request-URI"']],
    ]);
    // the same URI written with another case of scheme and host is the same URI (RFC 3261 §19.1.4)
    const same = 'SIP:CALLX.TEST';
    const ok = digestResponse('MD5', ha1('MD5', 'lee', 'callx.test', 'pw'), {
      nonce: p.get('nonce')!,
      nc: '00000002',
      cnonce: 'x',
      qop: 'auth',
      method: 'REGISTER',
      uri: same,
    });
    const auth2 = `Digest username="lee", realm="callx.test", nonce="${p.get('nonce')}", uri="${same}", response="${ok}", algorithm=MD5, qop=auth, nc=00000002, cnonce="x"`;
    expect((await register(msg(3, auth2, 'c-uri'), ctx, 't')).status).toBe(200);
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

describe('registrar: nonces shared by the redirectors of a deployment', () => {
  const registrar = (extra: Partial<RegistrarDeps> = {}) =>
    createRegistrar({
      realm: 'callx.test',
      defaultCountry: 'KR',
      credentials: registryCredentials(store),
      bindings: registryBindings(store),
      log: silentLogger,
      clock: { now: () => clock },
      ...extra,
    });

  it('one secret is created in the registry however many redirectors ask at once', async () => {
    const secrets = await Promise.all([1, 2, 3, 4].map(() => registryNonceSecret(store)()));
    for (const s of secrets) expect(s.equals(secrets[0]!)).toBe(true);
    expect(secrets[0]!.length).toBe(32);
    const docs = await store.collection(COLLECTIONS.secrets).find({});
    expect(docs.map((d) => d._id)).toEqual([NONCE_SECRET_ID]);
  });

  it("a challenge from redirector A is answered to redirector B; a process's own nonces are not", async () => {
    const a = registrar({ nonceSecret: registryNonceSecret(store) });
    const b = registrar({ nonceSecret: registryNonceSecret(store) });
    const loner = registrar(); // no shared secret: its nonces are its own
    const ch = await a(msg(20, undefined, 'c-ab'), ctx, 't');
    expect(ch.status).toBe(401);
    const ok = await b(msg(21, answer(wwwAuth(ch)), 'c-ab'), ctx, 't');
    expect(ok.status).toBe(200);
    const other = await loner(msg(22, answer(wwwAuth(ch)), 'c-ab'), ctx, 't');
    expect(other.status).toBe(401);
    expect(other.headers).toContainEqual(['Warning', '399 callx "unknown nonce"']);
    // and the other way round: the loner's nonce means nothing to A
    const own = await loner(msg(23, undefined, 'c-ab'), ctx, 't');
    expect((await a(msg(24, answer(wwwAuth(own)), 'c-ab'), ctx, 't')).status).toBe(401);
  });

  it('a nonce is bound to its realm: the same secret under another realm does not accept it', async () => {
    const secret = registryNonceSecret(store);
    const ours = registrar({ nonceSecret: secret });
    const elsewhere = registrar({ nonceSecret: secret, realm: 'other.test' });
    const ch = await elsewhere(msg(30, undefined, 'c-realm'), ctx, 't');
    // answered for our realm with the other realm's nonce
    const forged = answer(wwwAuth(ch));
    const res = await ours(msg(31, forged, 'c-realm'), ctx, 't');
    expect(res.status).toBe(401);
    expect(res.headers).toContainEqual(['Warning', '399 callx "unknown nonce"']);
  });

  it('a failing secret read gets 503 with Retry-After, and the next REGISTER reads it again', async () => {
    let calls = 0;
    const flaky = registrar({
      nonceSecret: async () => {
        calls++;
        if (calls === 1) throw new Error('registry unreachable');
        return Buffer.alloc(32, 7);
      },
    });
    const down = await flaky(msg(40, undefined, 'c-flaky'), ctx, 't');
    expect(down.status).toBe(503);
    expect(down.headers).toContainEqual(['Retry-After', '5']);
    expect((await flaky(msg(41, undefined, 'c-flaky'), ctx, 't')).status).toBe(401);
    expect((await flaky(msg(42, undefined, 'c-flaky'), ctx, 't')).status).toBe(401);
    expect(calls).toBe(2);
  });
});

describe('registrar: what a request says never breaks a header line', () => {
  it('the 403 names the decoded AOR, with CR LF from its %0D%0A made harmless', async () => {
    const aor = 'sip:x%0D%0AX-Inj:%201@callx.test';
    const ch = await register(msg(200, undefined, 'c-inj', aor), ctx, 't');
    const res = await register(msg(201, answer(wwwAuth(ch)), 'c-inj', aor), ctx, 't');
    expect(res.status).toBe(403);
    expect(res.headers).toEqual([['Warning', '399 callx "lee may not register sip:x  X-Inj: 1@callx.test"']]);
  });
});

describe('registrar: expired bindings are swept on time, not by chance', () => {
  it('the first REGISTER sweepEveryMs after the last sweep deletes them', async () => {
    let t = 1_800_000_000_000;
    const sweeps: number[] = [];
    const store2 = registryBindings(store);
    const r = createRegistrar({
      realm: 'callx.test',
      defaultCountry: 'KR',
      credentials: registryCredentials(store),
      bindings: {
        ...store2,
        sweep: async (now) => {
          sweeps.push(now);
          return store2.sweep(now);
        },
      },
      log: silentLogger,
      clock: { now: () => t },
      sweepEveryMs: 60_000,
    });
    const twice = async (cseq: number) => {
      const ch = await r(msg(cseq, undefined, 'c-sweep'), ctx, 't');
      return r(msg(cseq + 1, answer(wwwAuth(ch)), 'c-sweep'), ctx, 't');
    };
    expect((await twice(300)).status).toBe(200);
    t += 59_000;
    expect((await twice(302)).status).toBe(200);
    expect(sweeps).toEqual([]);
    t += 1_000;
    expect((await twice(304)).status).toBe(200);
    expect(sweeps).toEqual([t]);
    t += 30_000;
    expect((await twice(306)).status).toBe(200);
    expect(sweeps).toEqual([t - 30_000]);
  });
});

describe('registrar: Contacts per AOR are bounded', () => {
  const AOR = 'sip:+82262006200@callx.test';
  const contacts = (from: number, n: number, expires = 600) =>
    Array.from({ length: n }, (_, i) => `<sip:lee-${from + i}@192.0.2.77:5062>;expires=${expires}`);
  const bind = async (cseq: number, list: string[]) => {
    const ch = await register(msg(cseq, undefined, 'c-max', AOR, list), ctx, 't');
    return register(msg(cseq + 1, answer(wwwAuth(ch)), 'c-max', AOR, list), ctx, 't');
  };

  it('refuses more than 10 with 403 and stores none of them; removing one makes room', async () => {
    const tooMany = await bind(100, contacts(0, 11));
    expect(tooMany.status).toBe(403);
    expect(tooMany.headers[0]![1]).toContain('at most 10 Contacts');
    expect(await registryBindings(store).list('m1', 'tel:+82262006200', clock)).toHaveLength(0);
    const ten = await bind(102, contacts(0, 10));
    expect(ten.status).toBe(200);
    expect(ten.headers.filter(([n]) => n === 'Contact')).toHaveLength(10);
    expect((await bind(104, contacts(10, 1))).status).toBe(403);
    // one removed (expires=0) and one added in the same request: still 10
    const swap = await bind(106, [...contacts(0, 1, 0), ...contacts(10, 1)]);
    expect(swap.status).toBe(200);
    expect(swap.headers.filter(([n]) => n === 'Contact')).toHaveLength(10);
  });
});
