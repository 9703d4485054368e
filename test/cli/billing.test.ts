// `callx billing` as operators run it, on both stores: a counterparty's statement as CSV and
// JSON (right to the minor unit), closing a period, importing a deck from a file, a
// counterparty's token, listing and rotating the route-token keys; bad input exits 2 with one
// line on stderr.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import type { Store } from '../../src/core/store.ts';
import { createAuthService } from '../../src/registry/auth/index.ts';
import { createBilling } from '../../src/registry/billing/index.ts';
import { createRoutingService } from '../../src/registry/routing/index.ts';
import { embeddedRegistry, mongoRegistry, type Registry } from '../dns/helpers/registry.ts';
import { ADMIN, KIM, REG_A, servicesOn } from '../helpers/sales.ts';
import { mongoUri, testDbName } from '../setup/inject.ts';

const run = promisify(execFile);
const CALLX = join(import.meta.dirname, '../../bin/callx.js');

interface Target {
  registry: Registry;
  env: Record<string, string>;
}

function defineBillingCli(label: string, target: () => Target): void {
  describe(`callx billing (${label})`, () => {
    let t: Target;
    let store: Store;
    let period = '';
    const cli = (...args: string[]) =>
      run('node', [CALLX, 'billing', ...args], {
        env: { ...process.env, CALLX_APEX: 'callx.test', CALLX_LOG_LEVEL: 'warn', ...t.env },
      });
    const fails = async (...args: string[]) => {
      const err = (await cli(...args).catch((e: unknown) => e)) as { code: number; stderr: string };
      return { code: err.code, stderr: err.stderr };
    };

    beforeAll(async () => {
      t = target();
      store = await t.registry.open();
      // a call to the UK through gw-uk: 125 s at 0.08/min sell, 0.03/min cost
      const s = await servicesOn(store);
      const b = createBilling({
        store,
        publisher: s.publisher,
        logger: silentLogger,
        clock: s.clock,
        apex: 'callx.test',
      });
      await createAuthService({ store, clock: s.clock }).createRegistrar(ADMIN, { id: 'reg-a', name: 'A' });
      await createRoutingService({ store, publisher: s.publisher, clock: s.clock }).gateways.create(ADMIN, {
        id: 'gw-uk',
        name: 'UK',
        host: 'gw.uk.example',
        prefixes: ['44'],
      });
      await b.decks.create(REG_A, { party: 'registrar:reg-a', currency: 'USD' });
      await b.decks.importCsv(REG_A, { deckId: 'registrar.reg-a.USD', csv: 'prefix,rate\n44,0.08\n' });
      await b.decks.create(ADMIN, { party: 'gateway:gw-uk', currency: 'USD' });
      await b.decks.importCsv(ADMIN, {
        deckId: 'gateway.gw-uk.USD',
        csv: 'prefix,rate,increment\n44,0.03,1/1\n',
      });
      const m = await s.members.register(REG_A, KIM);
      await b.accounts.open(REG_A, { memberId: m.id, currency: 'USD' });
      await b.accounts.post(REG_A, {
        memberId: m.id,
        kind: 'topup',
        amount: '5.00',
        currency: 'USD',
        key: 'k',
      });
      await b.tokens.load();
      await b.rates.refresh();
      const sip = b.authorizer({ holder: 'sip' });
      const r = await sip.authorize({
        memberId: m.id,
        registrarId: 'reg-a',
        caller: '+82262006200',
        destination: '+442079460000',
        callId: 'c1',
        candidates: [{ party: 'gateway:gw-uk', paid: true }],
      });
      expect(r.outcome).toBe('authorized');
      await sip.routes.flush();
      const now = s.clock.now();
      const iso = (ms: number) => new Date(ms).toISOString();
      await b.cdrs.ingest(
        { role: 'counterparty', party: 'gateway:gw-uk' },
        {
          cdrs: [
            {
              callId: 'c1',
              start: iso(now - 200_000),
              answer: iso(now - 190_000),
              end: iso(now - 65_000),
              disposition: 'answered',
            },
          ],
        },
      );
      period = iso(now).slice(0, 7);
    });

    afterAll(async () => {
      await t?.registry.close();
    });

    it("prints a counterparty's statement as CSV and JSON, right to the minor unit", async () => {
      const csv = await cli('statement', '--party', 'gateway:gw-uk', '--period', period, '--format', 'csv');
      expect(csv.stdout.split('\r\n')).toEqual([
        'party,period,state,line,currency,calls,answered,minutes,revenue,cost,margin',
        `gateway:gw-uk,${period},open,calls,USD,1,1,2.08,0.24,0.07,0.17`,
        '',
      ]);
      const json = JSON.parse((await cli('statement', '-p', 'registrar:reg-a', '--period', period)).stdout);
      expect(json).toMatchObject({
        party: 'registrar:reg-a',
        lines: [{ revenue: '0.24', cost: '0.07', margin: '0.17' }],
      });
      expect(json.ledger).toEqual(
        expect.arrayContaining([{ kind: 'topup', currency: 'USD', count: 1, amount: '5.00' }]),
      );
    });

    it('closes an ended period; refuses one that has not ended', async () => {
      expect(JSON.parse((await cli('close', '2020-01')).stdout)).toEqual({
        period: '2020-01',
        status: 'closing',
      });
      const open = await fails('close', '2999-01');
      expect(open.code).toBe(2);
      expect(open.stderr.trim()).toMatch(/^callx: billing close: .*has not ended yet$/);
    });

    it('imports a deck from a file, gives a counterparty a token, lists and rotates keys', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'callx-deck-'));
      const file = join(dir, 'deck.csv');
      writeFileSync(file, 'prefix,destination,rate\n44,UK,0.02\n4420,London,0.015\n');
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      expect(JSON.parse((await cli('import', 'gateway.gw-uk.USD', file)).stdout)).toMatchObject({
        deck: 'gateway.gw-uk.USD',
        rows: 2,
      });
      const token = await cli('token', '--party', 'gateway:gw-uk', '--label', 'uk');
      expect(token.stdout.trim()).toMatch(/^cx_[A-Za-z0-9_-]{43}$/);
      expect(token.stderr).toMatch(/token of gateway:gw-uk created/);
      const before = JSON.parse((await cli('keys', 'list')).stdout);
      expect(before).toHaveLength(1);
      const k = JSON.parse((await cli('keys', 'rotate', '--lead', '0')).stdout);
      const after = JSON.parse((await cli('keys', 'list')).stdout);
      expect(after.map((x: { kid: string; published: boolean }) => [x.kid, x.published])).toEqual([
        [before[0].kid, true],
        [k.kid, true],
      ]);
    });

    it('says what is wrong with bad input and exits 2', async () => {
      for (const [args, msg] of [
        [['statement', '--party', 'nobody', '--period', period], /party/],
        [['statement', '--party', 'gateway:gw-uk', '--period', '2026-13'], /period/],
        [['statement', '--party', 'gateway:gw-uk', '--period', period, '--format', 'xml'], /--format 'xml'/],
        [['import', 'gateway.gw-uk.USD', '/no/such/file.csv'], /no\/such\/file/],
        [['token', '--party', 'registrar:reg-a'], /not a registrar/],
        [['keys', 'rotate', '--lead', 'soon'], /--lead 'soon'/],
      ] as const) {
        const r = await fails(...args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(r.stderr, args.join(' ')).toMatch(msg);
      }
    });
  });
}

defineBillingCli('embedded', () => {
  const registry = embeddedRegistry();
  return { registry, env: { CALLX_DATA_DIR: registry.dataDir! } };
});

defineBillingCli('mongodb', () => {
  const uri = mongoUri();
  const db = testDbName(import.meta.filename);
  return { registry: mongoRegistry(uri, db), env: { MONGODB_URI: uri, MONGODB_DB: db } };
});
