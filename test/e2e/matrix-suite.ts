// issue 11, item 6: every identifier kind, from registry documents to the 302, over real
// sockets, on one store (run on the embedded store and on MongoDB/FerretDB), with and without a
// registered terminal. Nothing comes from a zone file: the apex zone, the countries and their
// centers, the PSTN gateway and the partner carrier are created through the registry services,
// numbers are stocked, sold (a PIN with its proof of ownership) and assigned, members register
// with SIP credentials; the publisher journals it all, a real DNS node serves it to a real SIP
// redirector, and a SIP client asks over UDP. The client is a softswitch of ours (a trusted peer,
// CALLX_SIP_TRUSTED), so it gets every route resolution gives; an anonymous caller (issue 9) gets
// the on-net part of it — a member's center and terminals, not the member's number at another
// carrier — and a 401 where nothing on-net is left.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ha1, manualClock, type Store } from '#core';
import { createDnsNode, type DnsNode } from '#dns';
import { derivationFor } from '#publish';
import {
  ADMIN,
  anyCenter,
  createJournal,
  createMembers,
  createPublisher,
  createRoutingService,
  createSales,
  createZoneService,
  registrarPrincipal,
  registryCenters,
} from '#registry';
import { createSipService, type SipService } from '#sip';
import { loadConfig } from '../../src/core/config.ts';
import { silentLogger } from '../../src/core/log.ts';
import { digestResponse, parseAuthorization } from '../../src/sip/register/digest.ts';
import type { Registry } from '../dns/helpers/registry.ts';
import { headers, request, status, UdpClient } from '../sip/env.ts';

const APEX = 'callx.test';
const REG = registrarPrincipal('reg-a');
const MINJI_PHONE = 'sip:minji@192.0.2.50:5062';
const ACME_DESK = 'sip:desk@192.0.2.60:5060';

const KR_CENTER = (user: string) => `sip:${user}@kr.center.callx.test`;
/** The member's other number, at the partner whose range the carriers tree holds. */
const MINJI_PARTNER = 'sip:+442079460123@sip.partner.example;user=phone';
/** The softswitch's address; the anonymous caller sends from 127.0.0.1. */
const SOFTSWITCH = '127.0.0.2';

interface Row {
  kind: string;
  uri: string;
  /** The Contacts (before caller-id headers) without any terminal registered. */
  plain: string[] | 404;
  /** Whose terminal comes first once registered (null: nobody's: the same as plain). */
  terminal: string | null;
  /** What an anonymous caller gets without a terminal registered (on-net Contacts only, else 401). */
  anonymous: string[] | 401 | 404;
}

const ROWS: Row[] = [
  {
    kind: 'PIN',
    uri: 'sip:02-6200-6200-082@callx.test',
    plain: [KR_CENTER('+82262006200'), MINJI_PARTNER],
    terminal: MINJI_PHONE,
    anonymous: [KR_CENTER('+82262006200')],
  },
  {
    kind: 'E.164',
    uri: 'sip:+82262006200@callx.test;user=phone',
    plain: [KR_CENTER('+82262006200'), MINJI_PARTNER],
    terminal: MINJI_PHONE,
    anonymous: [KR_CENTER('+82262006200')],
  },
  {
    kind: 'email',
    uri: 'sip:minji@example.kr',
    plain: [KR_CENTER('+82262006200'), MINJI_PARTNER],
    terminal: MINJI_PHONE,
    anonymous: [KR_CENTER('+82262006200')],
  },
  {
    kind: 'SIP user at our realm',
    uri: 'sip:minji@callx.test',
    plain: 404,
    terminal: MINJI_PHONE,
    anonymous: 404,
  },
  {
    kind: 'VNS (KR)',
    uri: 'sip:62006200%23082@callx.test',
    plain: [KR_CENTER('62006200%23082')],
    terminal: ACME_DESK,
    anonymous: [KR_CENTER('62006200%23082')],
  },
  {
    // +1 is the US's and Canada's: both branches, in the company's order
    kind: 'VNS (+1: US and CA)',
    uri: 'sip:62006200%23001@callx.test',
    plain: ['sip:62006200%23001@us.center.callx.test', 'sip:62006200%23001@ca.center.callx.test'],
    terminal: ACME_DESK,
    anonymous: ['sip:62006200%23001@us.center.callx.test', 'sip:62006200%23001@ca.center.callx.test'],
  },
  {
    kind: 'domain',
    uri: 'sip:acme.example',
    plain: [KR_CENTER('62006200%23082')],
    terminal: ACME_DESK,
    anonymous: [KR_CENTER('62006200%23082')],
  },
  {
    kind: "company's email",
    uri: 'sip:info@acme.example',
    plain: [KR_CENTER('62006200%23082')],
    terminal: ACME_DESK,
    anonymous: [KR_CENTER('62006200%23082')],
  },
  // a PIN paid for but not proven: nothing published, so it is someone's PSTN line
  {
    kind: 'PIN awaiting proof',
    uri: 'sip:+82262006201@callx.test',
    plain: ['sip:+82262006201@gw.kr.callx.test;user=phone'],
    terminal: null,
    anonymous: 401,
  },
  {
    kind: 'PSTN number (registry gateway)',
    uri: 'sip:+82212345678@callx.test',
    plain: ['sip:+82212345678@gw.kr.callx.test;user=phone'],
    terminal: null,
    anonymous: 401,
  },
  {
    kind: "partner's number (registry carrier)",
    uri: 'sip:+442079460999@callx.test',
    plain: ['sip:+442079460999@sip.partner.example;user=phone'],
    terminal: null,
    anonymous: 401,
  },
];

export function defineMatrixSuite(label: string, makeRegistry: () => Registry): void {
  describe(`end to end, every identifier kind from registry documents to the 302 (${label})`, () => {
    let reg: Registry;
    let store: Store;
    let node: DnsNode;
    let sip: SipService;
    let sipPort: number;
    let udp: UdpClient;
    let anonymous: UdpClient;
    const zonesDir = mkdtempSync(join(tmpdir(), 'callx-matrix-zones-')); // empty: everything is the registry's

    beforeAll(async () => {
      reg = makeRegistry();
      store = await reg.open();
      // the node runs from the start: everything below reaches it through the change journal
      node = createDnsNode({
        config: loadConfig({ CALLX_DNS_PORT: '0', CALLX_DNS_JOURNAL_POLL_MS: '50' }).dns,
        logger: silentLogger,
        store: await reg.open(),
        zonesDir,
        apex: APEX,
        derivation: derivationFor({ apex: APEX }),
      });
      await node.start();
      const clock = manualClock(Date.now());
      const journal = createJournal({ store, logger: silentLogger });
      const publisher = createPublisher({
        store,
        journal,
        derivation: derivationFor({ apex: APEX }),
        logger: silentLogger,
      });
      const deps = {
        store,
        publisher,
        logger: silentLogger,
        clock,
        centers: anyCenter(registryCenters(store)),
      };
      const sales = createSales(deps);
      const members = createMembers({ ...deps, realm: APEX });
      const routing = createRoutingService({ store, publisher });
      const zones = createZoneService({ store, publisher, clock, apex: APEX });

      await zones.create(ADMIN, {
        apex: APEX,
        soa: { mname: `ns1.${APEX}`, rname: `hostmaster.${APEX}` },
        ns: [`ns1.${APEX}`],
      });
      for (const [code, host] of [
        ['KR', 'sip1.kr.center.callx.test'],
        ['US', 'sip1.us.center.callx.test'],
        ['CA', 'sip1.ca.center.callx.test'],
      ] as const)
        await routing.countries.create(ADMIN, {
          code,
          name: code,
          center: { targets: [{ host, addresses: ['127.0.20.1'] }] },
        });
      await routing.gateways.create(ADMIN, {
        id: 'gw-kr',
        name: 'KR',
        host: 'gw.kr.callx.test',
        prefixes: ['82'],
      });
      await routing.carriers.create(ADMIN, {
        id: 'partner',
        name: 'Partner',
        ingress: 'sip.partner.example',
        ranges: ['4420794'],
      });

      await sales.stock(ADMIN, {
        registrarId: 'reg-a',
        country: 'KR',
        kind: 'pin',
        numbers: ['+82262006200', '+82262006201'],
      });
      await sales.stock(ADMIN, { registrarId: 'reg-a', country: 'KR', kind: 'vns', numbers: ['6200-6200'] });
      const minji = await members.register(REG, {
        type: 'individual',
        displayName: 'Minji',
        email: 'minji@example.kr',
        country: 'KR',
        otherCarriers: ['+442079460123'],
      });
      await members.setSipCredentials(REG, {
        memberId: minji.id,
        username: 'minji',
        password: 'minji-secret',
      });
      const acme = await members.register(REG, {
        type: 'company',
        displayName: 'Acme',
        domain: 'acme.example',
        email: 'info@acme.example',
        country: 'KR',
      });
      await members.setSipCredentials(REG, { memberId: acme.id, username: 'acme', password: 'acme-secret' });
      const buy = async (number: string, memberId: string, ref: string, prove: boolean) => {
        const r = await sales.reserve(REG, { number, memberId });
        if (!r.approved) throw new Error(r.message);
        await sales.pay(REG, { orderId: r.order.id, reference: ref, amount: r.price });
        if (!prove) return;
        await sales.recordEvidence(REG, { orderId: r.order.id, method: 'loa', reference: `LOA-${ref}` });
        await sales.approve(REG, { orderId: r.order.id });
      };
      await buy('+82262006200', minji.id, 'p1', true);
      await buy('+82262006201', minji.id, 'p2', false);
      await buy('vns:62006200', acme.id, 'p3', false);
      await members.setBranches(REG, {
        memberId: acme.id,
        base: '62006200',
        branches: [{ country: 'KR' }, { country: 'US' }, { country: 'CA' }],
      });
      await node.poll(); // the journal up to here, applied now (the node also polls on its own)

      const config = loadConfig({
        CALLX_APEX: APEX,
        CALLX_SIP_ADDR: '127.0.0.1',
        CALLX_SIP_PORT: '0',
        CALLX_SIP_RESOLVERS: `127.0.0.1:${node.port}`,
        CALLX_SIP_DNS_TIMEOUT_MS: '1000',
        CALLX_SIP_TRUSTED: SOFTSWITCH,
      });
      sip = createSipService({ config, logger: silentLogger, store: await reg.open(), bindingCacheMs: 200 });
      sipPort = await sip.start();
      udp = await new UdpClient().open(SOFTSWITCH);
      anonymous = await new UdpClient().open();
    });

    afterAll(async () => {
      udp?.close();
      anonymous?.close();
      await sip?.stop();
      await node?.stop();
      await reg?.close();
      rmSync(zonesDir, { recursive: true, force: true });
    });

    const contactsOf = (res: string): string[] =>
      headers(res, 'Contact').map((c) => /^<([^?>]*)/.exec(c)?.[1] ?? c);
    async function call(uri: string, from = udp): Promise<string[] | 404 | number> {
      const res = await from.ask(sipPort, request({ uri, localPort: from.port }));
      const st = status(res);
      return st === 302 ? contactsOf(res) : st;
    }

    it.for(ROWS)('$kind, no terminal registered', async (row) => {
      expect([row.kind, await call(row.uri)]).toEqual([row.kind, row.plain]);
    });

    it.for(ROWS)('$kind, an anonymous caller: on-net routes only', async (row) => {
      expect([row.kind, await call(row.uri, anonymous)]).toEqual([row.kind, row.anonymous]);
    });

    it('a terminal registered per member (REGISTER with digest over UDP)', async () => {
      let cseq = 1;
      for (const [user, password, contact] of [
        ['minji', 'minji-secret', MINJI_PHONE],
        ['acme', 'acme-secret', ACME_DESK],
      ] as const) {
        const aor = `sip:${user}@${APEX}`;
        const reg = (auth?: string) =>
          request({
            method: 'REGISTER',
            uri: `sip:${APEX}`,
            localPort: udp.port,
            from: `<${aor}>`,
            callId: `matrix-${user}`,
            cseq: cseq++,
            extra: [`Contact: <${contact}>`, 'Expires: 600', ...(auth ? [`Authorization: ${auth}`] : [])],
          }).replace(/^To: .*$/m, `To: <${aor}>`);
        const first = await udp.ask(sipPort, reg());
        const c = parseAuthorization(headers(first, 'WWW-Authenticate')[0]!)!;
        const p = {
          nonce: c.get('nonce')!,
          nc: '00000001',
          cnonce: 'c0ffee',
          qop: 'auth',
          method: 'REGISTER',
          uri: `sip:${APEX}`,
        };
        const response = digestResponse('SHA-256', ha1('SHA-256', user, APEX, password), p);
        const ok = await udp.ask(
          sipPort,
          reg(
            `Digest username="${user}", realm="${APEX}", nonce="${p.nonce}", uri="${p.uri}", response="${response}", algorithm=SHA-256, qop=auth, nc=${p.nc}, cnonce="${p.cnonce}"`,
          ),
        );
        expect([user, status(ok)]).toEqual([user, 200]);
      }
    });

    it.for(ROWS)('$kind, terminals registered: the holder’s first, then what DNS says', async (row) => {
      const want =
        row.terminal === null ? row.plain : [row.terminal, ...(row.plain === 404 ? [] : row.plain)];
      expect([row.kind, await call(row.uri)]).toEqual([row.kind, want]);
    });

    it.for(ROWS)(
      '$kind, terminals registered, an anonymous caller: the holder’s terminal first',
      async (row) => {
        const on = row.anonymous;
        const want = row.terminal === null || on === 401 ? on : [row.terminal, ...(on === 404 ? [] : on)];
        expect([row.kind, await call(row.uri, anonymous)]).toEqual([row.kind, want]);
      },
    );
  });
}
