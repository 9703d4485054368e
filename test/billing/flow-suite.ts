// The fee system end to end on one store (run on the embedded store and on MongoDB/FerretDB):
// rate decks imported as CSV, a call authorized with leased funds and a route token an
// independent verifier accepts, its CDR rated and charged exactly once, the review list, the
// settlement of a period and its closing, number sales in the ledger, and the rental life
// cycle of a number in DNS (the journal folded as a DNS node does).
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import type { CdrDoc } from '../../src/core/model.ts';
import { createAuthService } from '../../src/registry/auth/index.ts';
import type { Principal } from '../../src/registry/kernel/index.ts';
import { createRoutingService } from '../../src/registry/routing/index.ts';
import { createSales } from '../../src/registry/sales/index.ts';
import { ADMIN, codeOf, KIM, REG_A } from '../helpers/sales.ts';
import { dnsView } from '../registry/sales-harness.ts';
import { approvePin, type BillingHarness, harnessFactory, type StoreOpener } from './harness.ts';

const GW: Principal = { role: 'counterparty', party: 'gateway:gw-uk' };
const OTHER_GW: Principal = { role: 'counterparty', party: 'gateway:gw-kr' };
const UK = '+442079460000';
const iso = (ms: number) => new Date(ms).toISOString();

const SELL = [
  'prefix,destination,rate,connection_fee,increment',
  '44,United Kingdom,0.10,0,60/60',
  '4420,London,0.08,0,60/60',
  '82,Korea,0.05,0,1/1',
].join('\n');
const COST = ['prefix,destination,rate,increment', '44,UK,0.04,60/60', '4420,London,0.03,1/1'].join('\n');

async function world(h: BillingHarness, topup = '5.00') {
  const auth = createAuthService({ store: h.store, clock: h.clock });
  await auth.createRegistrar(ADMIN, { id: 'reg-a', name: 'A' });
  const routing = createRoutingService({ store: h.store, publisher: h.publisher, clock: h.clock });
  await routing.gateways.create(ADMIN, { id: 'gw-uk', name: 'UK', host: 'gw.uk.example', prefixes: ['44'] });
  await routing.gateways.create(ADMIN, { id: 'gw-kr', name: 'KR', host: 'gw.kr.example', prefixes: ['82'] });
  const sell = await h.billing.decks.create(REG_A, { party: 'registrar:reg-a', currency: 'USD' });
  await h.billing.decks.importCsv(REG_A, { deckId: sell.id, csv: SELL });
  const cost = await h.billing.decks.create(ADMIN, { party: 'gateway:gw-uk', currency: 'USD' });
  await h.billing.decks.importCsv(ADMIN, { deckId: cost.id, csv: COST });
  const m = await h.members.register(REG_A, KIM);
  await h.billing.accounts.open(REG_A, { memberId: m.id, currency: 'USD' });
  if (topup !== '0')
    await h.billing.accounts.post(REG_A, {
      memberId: m.id,
      kind: 'topup',
      amount: topup,
      currency: 'USD',
      key: 'first',
    });
  await h.billing.rates.refresh();
  const sip = h.billing.authorizer({ holder: 'sip-1' });
  return { m: m.id, sell, cost, sip, routing };
}

type World = Awaited<ReturnType<typeof world>>;

function call(w: World, destination = UK, callId = 'call-1', party = 'gateway:gw-uk') {
  return w.sip.authorize({
    memberId: w.m,
    registrarId: 'reg-a',
    caller: '+82262006200',
    destination,
    callId,
    candidates: [{ party, paid: true }],
  });
}

function cdr(
  h: BillingHarness,
  callId: string,
  answeredFor: number | null,
  extra: Record<string, unknown> = {},
) {
  const start = h.clock.now() - 10_000 - (answeredFor ?? 0) * 1000;
  return {
    callId,
    start: iso(start),
    ...(answeredFor === null ? {} : { answer: iso(start + 5000) }),
    end: iso(start + 5000 + (answeredFor ?? 0) * 1000),
    disposition: answeredFor === null ? 'no-answer' : 'answered',
    ...extra,
  };
}

export function defineFlowSuite(label: string, open: StoreOpener): void {
  describe(`billing flow: ${label}`, () => {
    const stores = harnessFactory(open);
    afterEach(() => stores.closeAll());

    it('imports decks as CSV whole or not at all, exports them, matches the longest prefix', async () => {
      const h = await stores.fresh();
      const w = await world(h);
      const before = await h.billing.decks.get(REG_A, { deckId: w.sell.id });
      expect(before).toMatchObject({ id: 'registrar.reg-a.USD', kind: 'sell', entries: 3, revision: 1 });
      const bad = await h.billing.decks
        .importCsv(REG_A, { deckId: w.sell.id, csv: 'prefix,rate\n44,0.10\n4x,0.1\n45,abc' })
        .catch((e: unknown) => e);
      expect(bad).toMatchObject({
        code: 'invalid-input',
        issues: [{ path: 'rows.3.prefix' }, { path: 'rows.4.rate' }],
      });
      const mixed = await h.billing.decks
        .importCsv(REG_A, { deckId: w.sell.id, csv: 'prefix,rate,currency\n44,0.10,USD\n45,0.1,EUR' })
        .catch((e: unknown) => e);
      expect(mixed).toMatchObject({ code: 'currency-mismatch', issues: [{ path: 'rows.3.currency' }] });
      expect(await h.billing.decks.get(REG_A, { deckId: w.sell.id })).toEqual(before);
      const merged = await h.billing.decks.importCsv(REG_A, {
        deckId: w.sell.id,
        csv: 'prefix,rate\n33,0.02\n44,0.11',
        mode: 'merge',
      });
      expect(merged).toMatchObject({ rows: 4, deck: { revision: 2, entries: 4 } });
      const out = await h.billing.decks.exportCsv(REG_A, { deckId: w.sell.id });
      expect(out.csv.split('\r\n').slice(0, 3)).toEqual([
        'prefix,destination,rate,connection_fee,first_increment,next_increment,effective_from,effective_until,currency',
        '33,,0.02,0.00,60,60,,,USD',
        '44,,0.11,0.00,60,60,,,USD',
      ]);
      expect(
        (await h.billing.decks.match(REG_A, { deckId: w.sell.id, number: '+442079460000' })).match,
      ).toMatchObject({ prefix: '4420', rate: '0.08' });
      // a registrar neither sees nor makes the operator's cost decks
      expect(await codeOf(h.billing.decks.get(REG_A, { deckId: w.cost.id }))).toBe('not-found');
      expect(await codeOf(h.billing.decks.create(REG_A, { party: 'gateway:gw-kr', currency: 'USD' }))).toBe(
        'forbidden',
      );
      expect(await codeOf(h.billing.decks.create(REG_A, { party: 'registrar:reg-a', currency: 'USD' }))).toBe(
        'exists',
      );
      expect((await h.billing.decks.list(REG_A)).items.map((d) => d.id)).toEqual(['registrar.reg-a.USD']);
      expect((await h.billing.decks.list(ADMIN)).items.map((d) => d.id)).toEqual([
        'gateway.gw-uk.USD',
        'registrar.reg-a.USD',
      ]);
    });

    it('authorizes a call with a route token, rates its CDR once, charges the member and costs the gateway', async () => {
      const h = await stores.fresh();
      const w = await world(h);
      const r = await call(w);
      if (r.outcome !== 'authorized') throw new Error(r.outcome);
      // 5.00 at 0.08 a minute (London): 62 whole minutes, 4.96 held
      expect(r.grants).toMatchObject([{ party: 'gateway:gw-uk', maxSeconds: 3720, hold: 496 }]);
      const { payload } = await jwtVerify(r.grants[0]!.token!, createLocalJWKSet(h.billing.tokens.jwks()), {
        issuer: 'callx.test',
        audience: 'gateway:gw-uk',
        currentDate: new Date(h.clock.now()),
      });
      expect(payload).toMatchObject({
        jti: `${r.routeId}.0`,
        sub: '+82262006200',
        dst: UK,
        max: 3720,
        rate: {
          currency: 'USD',
          perMinute: '0.03',
          connectionFee: '0.00',
          increments: '1/1',
          prefix: '4420',
        },
      });
      await w.sip.routes.flush();
      // the gateway posts the CDR: 125 s answered -> 3 minutes at 0.08 = 0.24; cost 125 s at 0.03/min = 0.0625 -> 0.07
      const res = await h.billing.cdrs.ingest(GW, {
        cdrs: [cdr(h, 'call-1', 125, { routeToken: r.grants[0]!.token })],
      });
      expect(res.results).toEqual([
        expect.objectContaining({
          outcome: 'rated',
          charge: '0.24',
          currency: 'USD',
          cost: '0.07',
          costCurrency: 'USD',
          seconds: 125,
        }),
      ]);
      // the same CDR again: a duplicate, nothing charged
      const again = await h.billing.cdrs.ingest(GW, {
        cdrs: [cdr(h, 'call-1', 125, { routeToken: r.grants[0]!.token })],
      });
      expect(again).toMatchObject({ rated: 0, duplicates: 1 });
      await w.sip.wallet.close();
      const acct = await h.billing.accounts.get(REG_A, { memberId: w.m });
      expect(acct).toMatchObject({ balance: '4.76', available: '4.76', held: '0.00' });
      const calls = (await h.billing.accounts.entries(REG_A, { memberId: w.m })).items.filter(
        (e) => e.kind === 'call',
      );
      expect(calls.map((e) => e.amount)).toEqual(['-0.24', '0.00']); // the charge, and the hold released
      // the registrar sees its member's call (without the cost); the gateway its own
      expect((await h.billing.cdrs.list(REG_A)).items).toEqual([
        expect.objectContaining({ charge: '0.24', cost: null }),
      ]);
      expect((await h.billing.cdrs.list(GW)).items).toEqual([expect.objectContaining({ cost: '0.07' })]);
      expect((await h.billing.cdrs.list(OTHER_GW)).items).toEqual([]);
    });

    it('a CDR batch on several accounts that crashed in its postings is charged once: by the sweep, then a replay', async () => {
      let crashAt: string | null = null;
      const h = await stores.fresh({
        ledger: {
          graceMs: 1000,
          fault: (step, acct) => {
            if (step === 'intent' && acct === crashAt) throw new Error(`crash after ${step} (${acct})`);
          },
        },
      });
      const w = await world(h);
      const ms = [w.m];
      for (const email of ['lee@example.com', 'park@example.com']) {
        const m = await h.members.register(REG_A, { ...KIM, email });
        await h.billing.accounts.open(REG_A, { memberId: m.id, currency: 'USD' });
        await h.billing.accounts.post(REG_A, {
          memberId: m.id,
          kind: 'topup',
          amount: '5.00',
          currency: 'USD',
          key: 'first',
        });
        ms.push(m.id);
      }
      const batch = [];
      for (const [k, memberId] of ms.entries()) {
        const r = await w.sip.authorize({
          memberId,
          registrarId: 'reg-a',
          caller: '+82262006200',
          destination: UK,
          callId: `crash-${k}`,
          candidates: [{ party: 'gateway:gw-uk', paid: true }],
        });
        if (r.outcome !== 'authorized') throw new Error(r.outcome);
        batch.push(cdr(h, `crash-${k}`, 125, { routeToken: r.grants[0]!.token }));
      }
      await w.sip.routes.flush();
      // the CDRs are stored; the postings crash after every intent is written
      crashAt = ms[1]!;
      await expect(h.billing.cdrs.ingest(GW, { cdrs: batch })).rejects.toThrow(/crash/);
      crashAt = null;
      for (let pass = 0; pass < 2; pass++) {
        h.clock.advance(6_000);
        await h.billing.sweep();
      }
      // the sweep finished every account's postings (the charge is in the balance)
      for (const memberId of ms)
        expect((await h.billing.accounts.get(REG_A, { memberId })).balance).toBe('4.76');
      // the gateway sends the batch again (its request failed): duplicates, nothing more charged
      expect(await h.billing.cdrs.ingest(GW, { cdrs: batch })).toMatchObject({ rated: 0, duplicates: 3 });
      await w.sip.wallet.close();
      for (const memberId of ms) {
        expect(await h.billing.accounts.get(REG_A, { memberId })).toMatchObject({
          balance: '4.76',
          available: '4.76',
          held: '0.00',
        });
        const calls = (await h.billing.accounts.entries(REG_A, { memberId })).items.filter(
          (e) => e.kind === 'call',
        );
        expect(calls.map((e) => e.amount).sort()).toEqual(['-0.24', '0.00']);
      }
    });

    it('puts CDRs it cannot charge as is in review: no route, another content, too long, another gateway', async () => {
      const h = await stores.fresh();
      const w = await world(h);
      const r = await call(w, '+4412345678', 'call-2');
      if (r.outcome !== 'authorized') throw new Error(r.outcome);
      await w.sip.routes.flush();
      const max = r.grants[0]!.maxSeconds;
      await h.billing.cdrs.ingest(GW, { cdrs: [cdr(h, 'call-2', 60)] });
      const res = await h.billing.cdrs.ingest(GW, {
        cdrs: [cdr(h, 'call-2', 61), cdr(h, 'nobody', 10), cdr(h, 'call-3', 10, { routeId: r.routeId })],
      });
      // call-2 again with another content; a call nobody routed; another Call-ID on call-2's route
      expect(res.results.map((x) => [x.outcome, x.reason])).toEqual([
        ['review', 'conflict'],
        ['review', 'no-route'],
        ['review', 'conflict'],
      ]);
      const r2 = await call(w, '+4412345678', 'call-4');
      if (r2.outcome !== 'authorized') throw new Error(r2.outcome);
      await w.sip.routes.flush();
      const long = await h.billing.cdrs.ingest(GW, {
        cdrs: [cdr(h, 'call-4', r2.grants[0]!.maxSeconds + 60)],
      });
      expect(long.results[0]).toMatchObject({ outcome: 'review', reason: 'over-max-duration' });
      const wrong = await h.billing.cdrs.ingest(OTHER_GW, {
        cdrs: [cdr(h, 'x', 10, { routeId: r2.routeId })],
      });
      expect(wrong.results[0]).toMatchObject({ outcome: 'review', reason: 'wrong-party' });
      expect(max).toBeGreaterThan(0);
      const review = await h.billing.cdrs.reviewList(ADMIN);
      expect(review.items.map((d) => d.review?.reason).sort()).toEqual(
        expect.arrayContaining(['conflict', 'no-route', 'over-max-duration', 'wrong-party']),
      );
      // the operator decides: the long call is charged as it was; the conflicting copy corrects the first
      const balance = async () => (await h.billing.accounts.get(REG_A, { memberId: w.m })).balance;
      const b0 = await balance();
      const longId = review.items.find((d) => d.review?.reason === 'over-max-duration')!.id;
      await h.billing.cdrs.resolve(ADMIN, { cdrId: longId, action: 'accept' });
      expect(await codeOf(h.billing.cdrs.resolve(ADMIN, { cdrId: longId, action: 'dismiss' }))).toBe(
        'review-state',
      );
      const b1 = await balance();
      expect(Number(b1)).toBeLessThan(Number(b0));
      const copy = review.items.find((d) => d.review?.reason === 'conflict' && d.callId === 'call-2')!.id;
      await h.billing.cdrs.resolve(ADMIN, { cdrId: copy, action: 'accept' });
      // 61 s instead of 60 s: one more minute at 0.10
      expect(Number(await balance())).toBeCloseTo(Number(b1) - 0.1, 5);
      expect(await codeOf(h.billing.cdrs.resolve(REG_A, { cdrId: copy, action: 'accept' }))).toBe(
        'forbidden',
      );
    });

    it('refuses a malformed batch whole, naming each bad field, and stores nothing', async () => {
      const h = await stores.fresh();
      const w = await world(h);
      const r = await call(w);
      expect(r.outcome).toBe('authorized');
      const coll = h.store.collection<CdrDoc>('cdrs');
      const err = await h.billing.cdrs
        .ingest(GW, {
          cdrs: [
            cdr(h, 'ok', 10),
            { ...cdr(h, 'bad-1', 10), end: iso(h.clock.now() - 3_600_000) },
            { ...cdr(h, 'bad-2', 10), end: iso(h.clock.now() + 3_600_000) },
            { callId: 'bad-3', start: 'yesterday', end: iso(h.clock.now()), disposition: 'answered' },
            { ...cdr(h, 'bad-4', null), disposition: 'answered' },
          ],
        })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'invalid-input' });
      expect((err as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
        'cdrs.3.start',
        'cdrs.1.end',
        'cdrs.1.answer',
        'cdrs.2.end',
        'cdrs.4.answer',
      ]);
      expect(await coll.count({})).toBe(0);
      // CSV with a mapping of the carrier's own column names, the same rules
      const csv = [
        'Unique ID,Start Time,Answer Time,End Time,Result',
        `x1,${iso(h.clock.now() - 60_000)},,${iso(h.clock.now() - 50_000)},no-answer`,
      ].join('\n');
      const mapping = {
        callId: 'Unique ID',
        start: 'Start Time',
        answer: 'Answer Time',
        end: 'End Time',
        disposition: 'Result',
      };
      const ok = await h.billing.cdrs.ingestCsv(GW, { csv, mapping });
      expect(ok.results[0]).toMatchObject({ outcome: 'review', reason: 'no-route' });
      const badCsv = await h.billing.cdrs
        .ingestCsv(GW, {
          csv: `${csv}\nx2,${iso(h.clock.now())},,${iso(h.clock.now() - 1000)},busy`,
          mapping,
        })
        .catch((e: unknown) => e);
      expect(badCsv).toMatchObject({ code: 'invalid-input', issues: [{ path: 'rows.3.end' }] });
      // only counterparties (or the admin, naming one) post CDRs
      expect(await codeOf(h.billing.cdrs.ingest(REG_A, { cdrs: [cdr(h, 'z', 1)] }))).toBe('forbidden');
      expect(await codeOf(h.billing.cdrs.ingest(ADMIN, { cdrs: [cdr(h, 'z', 1)] }))).toBe('invalid-input');
      expect(
        await codeOf(h.billing.cdrs.ingest(GW, { source: 'gateway:gw-kr', cdrs: [cdr(h, 'z', 1)] })),
      ).toBe('forbidden');
    });

    it('refuses a call at zero balance with 402, but never an emergency call', async () => {
      const h = await stores.fresh();
      const w = await world(h, '0');
      expect(await call(w, UK, 'c-0')).toMatchObject({
        outcome: 'refused',
        status: 402,
        warning: expect.stringMatching(/^insufficient funds: 0.00 USD/),
      });
      const sos = await call(w, '112', 'c-112');
      expect(sos).toMatchObject({ outcome: 'authorized', hold: 0, emergency: true });
      expect(await call(w, '+33123456789', 'c-fr')).toMatchObject({ outcome: 'no-rate', status: 403 });
      // a short code the redirector knows is an emergency number (libphonenumber's, for the
      // caller's country), though not in CALLX_BILLING_EMERGENCY: never refused either
      expect(await call(w, '113', 'c-113')).toMatchObject({ outcome: 'no-rate' });
      expect(
        await w.sip.authorize({
          memberId: w.m,
          registrarId: 'reg-a',
          caller: '+82262006200',
          destination: '113',
          emergency: true,
          callId: 'c-113b',
          candidates: [{ party: 'gateway:gw-uk', paid: true }],
        }),
      ).toMatchObject({ outcome: 'authorized', hold: 0, emergency: true });
    });

    it('parallel calls from two redirectors cannot overspend: every CDR at its maximum still leaves the balance ≥ 0', async () => {
      const h = await stores.fresh();
      const w = await world(h, '1.00');
      const sip2 = h.billing.authorizer({ holder: 'sip-2' });
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          (i % 2 ? w.sip : sip2).authorize({
            memberId: w.m,
            registrarId: 'reg-a',
            caller: '+82262006200',
            destination: '+821012345678',
            callId: `p-${i}`,
            candidates: [{ party: 'gateway:gw-kr', paid: true }],
          }),
        ),
      );
      const ok = results.filter((r) => r.outcome === 'authorized');
      const held = ok.reduce((s, r) => s + (r.outcome === 'authorized' ? r.hold : 0), 0);
      expect(held).toBeLessThanOrEqual(100);
      expect(ok.length).toBeGreaterThan(0);
      expect(results.some((r) => r.outcome === 'refused')).toBe(true);
      await Promise.all([w.sip.routes.flush(), sip2.routes.flush()]);
      // every authorized call lasts as long as it was allowed
      const kr: Principal = { role: 'counterparty', party: 'gateway:gw-kr' };
      await h.billing.cdrs.ingest(kr, {
        cdrs: results.flatMap((r, i) =>
          r.outcome === 'authorized' ? [cdr(h, `p-${i}`, r.grants[0]!.maxSeconds)] : [],
        ),
      });
      await Promise.all([w.sip.wallet.close(), sip2.wallet.close()]);
      const acct = await h.billing.accounts.get(REG_A, { memberId: w.m });
      expect(Number(acct.balance)).toBeGreaterThanOrEqual(0);
      expect(Number(acct.balance)).toBeCloseTo(1 - held / 100, 5);
    });

    it('settles a period per counterparty and registrar; a closed period does not change', async () => {
      const h = await stores.fresh();
      const w = await world(h);
      const r = await call(w);
      if (r.outcome !== 'authorized') throw new Error(r.outcome);
      await w.sip.routes.flush();
      await h.billing.cdrs.ingest(GW, { cdrs: [cdr(h, 'call-1', 125)] });
      const period = new Date(h.clock.now()).toISOString().slice(0, 7);
      const gw = await h.billing.settlement.statement(GW, { party: 'gateway:gw-uk', period });
      expect(gw).toMatchObject({
        state: 'open',
        lines: [
          {
            currency: 'USD',
            calls: 1,
            answered: 1,
            seconds: 125,
            minutes: '2.08',
            revenue: '0.24',
            cost: '0.07',
            margin: '0.17',
          },
        ],
      });
      const reg = await h.billing.settlement.statement(REG_A, { party: 'registrar:reg-a', period });
      expect(reg.lines).toEqual(gw.lines);
      expect(reg.ledger).toEqual(
        expect.arrayContaining([{ kind: 'topup', currency: 'USD', count: 1, amount: '5.00' }]),
      );
      expect(h.billing.settlement.csv(gw).split('\r\n')[1]).toBe(
        `gateway:gw-uk,${period},open,calls,USD,1,1,2.08,0.24,0.07,0.17`,
      );
      expect(await codeOf(h.billing.settlement.statement(REG_A, { party: 'gateway:gw-uk', period }))).toBe(
        'not-found',
      );
      expect(await codeOf(h.billing.settlement.statement(GW, { party: 'gateway:gw-kr', period }))).toBe(
        'not-found',
      );
      expect(await codeOf(h.billing.settlement.close(ADMIN, { period }))).toBe('period-closed'); // not over yet
      // next month: close it
      const start = h.clock.now();
      h.clock.advance(40 * 86_400_000);
      await h.billing.settlement.close(ADMIN, { period });
      await h.billing.sweep();
      expect(await h.billing.settlement.statement(GW, { party: 'gateway:gw-uk', period })).toMatchObject({
        state: 'closed',
        lines: gw.lines,
      });
      // a late CDR of a call in the closed period counts in the open one
      const r2 = await call(w, UK, 'late');
      if (r2.outcome !== 'authorized') throw new Error(r2.outcome);
      await w.sip.routes.flush();
      const late = await h.billing.cdrs.ingest(GW, {
        cdrs: [
          {
            callId: 'late',
            start: iso(start - 100_000),
            answer: iso(start - 90_000),
            end: iso(start - 30_000),
            disposition: 'answered',
          },
        ],
      });
      expect(late.rated).toBe(1);
      expect(await h.billing.settlement.statement(GW, { party: 'gateway:gw-uk', period })).toMatchObject({
        lines: gw.lines,
      });
      const now = new Date(h.clock.now()).toISOString().slice(0, 7);
      expect(
        (await h.billing.settlement.statement(GW, { party: 'gateway:gw-uk', period: now })).lines[0],
      ).toMatchObject({ calls: 1, seconds: 60 });
      expect(await codeOf(h.billing.settlement.close(REG_A, { period }))).toBe('forbidden');
    });

    it('posts number sales to the same ledger: the payment and the number, once', async () => {
      const h = await stores.fresh();
      await h.sales.stock(REG_A, { country: 'KR', kind: 'pin', range: { first: '02-6200-6200', count: 2 } });
      const m = await h.members.register(REG_A, KIM);
      const r = await h.sales.reserve(REG_A, { number: '02-6200-6200-082', memberId: m.id });
      if (!r.approved) throw new Error(r.reason);
      const paid = await h.sales.pay(REG_A, { orderId: r.order.id, reference: 'psp-1', amount: r.price });
      await h.sales.pay(REG_A, { orderId: r.order.id, reference: 'psp-1', amount: r.price });
      // a PIN waits for its proof of ownership, but the money came in now: the sale is posted now
      expect(paid.order.status).toBe('pending-verification');
      const sale = (ref: string, o: { price: { amount: number } }) => {
        const price = (o.price.amount / 100).toFixed(2);
        return [
          ['payment', price, `payment ${ref}`],
          ['number-sale', `-${price}`, expect.stringMatching(/^number pin:/)],
        ];
      };
      const entries = async () =>
        (await h.billing.accounts.entries(REG_A, { memberId: m.id })).items.map((e) => [
          e.kind,
          e.amount,
          e.memo,
        ]);
      expect(await entries()).toEqual(sale('psp-1', r));
      // the approval publishes the number and posts nothing more; nor does the sweep
      expect(await approvePin(h, r.order.id)).toMatchObject({ order: { status: 'paid' }, assigned: true });
      await h.billing.sweep();
      expect(await entries()).toEqual(sale('psp-1', r));
      // a sale whose hook never ran (another process, a crash) is posted by the sweep, once
      const bare = createSales({
        store: h.store,
        publisher: h.publisher,
        logger: silentLogger,
        clock: h.clock,
        centers: h.centers,
      });
      const r2 = await bare.reserve(REG_A, { number: '02-6200-6201-082', memberId: m.id });
      if (!r2.approved) throw new Error(r2.reason);
      await bare.pay(REG_A, { orderId: r2.order.id, reference: 'psp-2', amount: r2.price });
      expect(await entries()).toEqual(sale('psp-1', r));
      await h.billing.sweep();
      await h.billing.sweep();
      expect(await entries()).toEqual([...sale('psp-1', r), ...sale('psp-2', r2)]);
      expect(await h.billing.accounts.get(REG_A, { memberId: m.id })).toMatchObject({
        balance: '0.00',
        currency: 'USD',
      });
    });

    it('reverses a PIN sale whose proof of ownership is rejected: two more entries, once; the sweep posts what a hook missed', async () => {
      const h = await stores.fresh();
      await h.sales.stock(REG_A, { country: 'KR', kind: 'pin', range: { first: '02-6200-6200', count: 2 } });
      const m = await h.members.register(REG_A, KIM);
      const entries = async () =>
        (await h.billing.accounts.entries(REG_A, { memberId: m.id })).items.map((e) => [
          e.kind,
          e.amount,
          e.key,
        ]);
      const buy = async (sales: typeof h.sales, number: string, ref: string) => {
        const r = await sales.reserve(REG_A, { number, memberId: m.id });
        if (!r.approved) throw new Error(r.reason);
        await sales.pay(REG_A, { orderId: r.order.id, reference: ref, amount: r.price });
        return { id: r.order.id, price: (r.price.amount / 100).toFixed(2) };
      };
      const reversed = (o: { id: string; price: string }) => [
        ['payment', o.price, `sale:${o.id}:payment`],
        ['number-sale', `-${o.price}`, `sale:${o.id}:number`],
        ['number-sale', o.price, `sale:${o.id}:returned`],
        ['payment', `-${o.price}`, `sale:${o.id}:refund`],
      ];
      const o1 = await buy(h.sales, '02-6200-6200-082', 'psp-1');
      await h.sales.reject(REG_A, { orderId: o1.id, reason: 'no letter' });
      await h.sales.reject(REG_A, { orderId: o1.id, reason: 'no letter' });
      await h.billing.sweep();
      expect(await entries()).toEqual(reversed(o1));
      // rejected through a service without the hook (another process): the sweep posts it, once
      const bare = createSales({
        store: h.store,
        publisher: h.publisher,
        logger: silentLogger,
        clock: h.clock,
        centers: h.centers,
      });
      const o2 = await buy(bare, '02-6200-6201-082', 'psp-2');
      await bare.reject(ADMIN, { orderId: o2.id, reason: 'forged' });
      await h.billing.sweep();
      await h.billing.sweep();
      expect(await entries()).toEqual([...reversed(o1), ...reversed(o2)]);
      expect(await h.billing.accounts.get(REG_A, { memberId: m.id })).toMatchObject({ balance: '0.00' });
    });

    it('charges rent each period; unpaid, the number is suspended (out of DNS), restored by a top-up, then released into quarantine', async () => {
      const h = await stores.fresh();
      const owner = '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test';
      await h.billing.rental.setRules(REG_A, {
        rules: {
          currency: 'USD',
          amounts: { pin: '2.00', vns: '0' },
          graceHours: 24,
          suspendDays: 10,
          quarantineDays: 30,
        },
      });
      await h.sales.stock(REG_A, { country: 'KR', kind: 'pin', range: { first: '02-6200-6200', count: 1 } });
      const m = await h.members.register(REG_A, KIM);
      await h.billing.accounts.open(REG_A, { memberId: m.id, currency: 'USD' });
      const r = await h.sales.reserve(REG_A, { number: '02-6200-6200-082', memberId: m.id });
      if (!r.approved) throw new Error(r.reason);
      await h.sales.pay(REG_A, { orderId: r.order.id, reference: 'p', amount: r.price });
      const dns = async () =>
        ((await dnsView(h.journal)).get(`members/${m.id}`) ?? [])
          .filter((x) => x.name === owner)
          .map((x) => x.type);
      // paid, waiting for its proof of ownership: not the member's yet, so no rent and nothing in DNS
      await h.billing.sweep();
      expect(await dns()).toEqual([]);
      expect((await h.billing.rental.list(REG_A)).items).toEqual([]);
      await approvePin(h, r.order.id);
      expect(await dns()).toEqual(['NAPTR']);
      // no funds: grace, then suspended — the NAPTR leaves DNS, the marker takes its place
      await h.billing.sweep();
      expect((await h.billing.rental.list(REG_A)).items).toEqual([
        expect.objectContaining({ number: 'pin:+82262006200', state: 'grace', amount: '2.00' }),
      ]);
      h.clock.advance(25 * 3_600_000);
      await h.billing.sweep();
      expect((await h.billing.rental.list(REG_A)).items[0]).toMatchObject({ state: 'suspended' });
      expect(await dns()).toEqual(['TXT']);
      // a top-up pays the rent and brings the number back at once
      await h.billing.accounts.post(REG_A, {
        memberId: m.id,
        kind: 'topup',
        amount: '3.00',
        currency: 'USD',
        key: 't1',
      });
      expect((await h.billing.rental.list(REG_A)).items[0]).toMatchObject({ state: 'active' });
      expect(await dns()).toEqual(['NAPTR']);
      expect(await h.billing.accounts.get(REG_A, { memberId: m.id })).toMatchObject({
        balance: '1.00',
        available: '1.00',
      });
      // the next period: not enough again; grace, suspension, and past it the release into quarantine
      h.clock.advance(40 * 86_400_000);
      await h.billing.sweep();
      h.clock.advance(25 * 3_600_000);
      await h.billing.sweep();
      expect(await dns()).toEqual(['TXT']);
      h.clock.advance(11 * 86_400_000);
      await h.billing.sweep();
      expect(await dns()).toEqual([]);
      expect((await h.sales.getNumber(REG_A, { number: 'pin:+82262006200' })).status).toBe('quarantined');
      expect((await h.sales.search(REG_A, { country: 'KR', kind: 'pin' })).items).toEqual([]);
      expect((await h.billing.rental.list(REG_A)).items).toEqual([]);
      h.clock.advance(31 * 86_400_000);
      await h.sales.sweep();
      expect((await h.sales.getNumber(REG_A, { number: 'pin:+82262006200' })).status).toBe('available');
      const rent = (await h.billing.accounts.entries(REG_A, { memberId: m.id })).items.filter(
        (e) => e.kind === 'rental',
      );
      expect(rent.map((e) => e.amount)).toEqual(['-2.00']);
    });
  });
}
