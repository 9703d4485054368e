// Members on one store (run on the embedded store and on MongoDB/FerretDB): registration and
// its claims, optimistic updates, deletion that releases numbers and claims, SIP credentials,
// validation through the service, ownership between registrars, and what reaches DNS.
import { afterEach, describe, expect, it } from 'vitest';
import { ha1 as sipHa1 } from '#core';
import type { Claim, InventoryNumber, Member } from '../../src/core/model.ts';
import { ADMIN, codeOf, REALM, REG_A, REG_B } from '../helpers/sales.ts';
import { dnsView, type Harness, harnessFactory, ownersOf, type StoreOpener } from './sales-harness.ts';

const individual = {
  type: 'individual',
  displayName: 'Kim Min-ji',
  email: 'minji@example.com',
  country: 'KR',
} as const;
const company = {
  type: 'company',
  displayName: 'Acme Korea',
  domain: 'acme.example',
  country: 'KR',
} as const;

async function buy(h: Harness, memberId: string, number: string) {
  const r = await h.sales.reserve(REG_A, { number, memberId });
  if (!r.approved) throw new Error(r.message);
  await h.sales.pay(REG_A, { orderId: r.order.id, reference: `ref-${r.order.id}`, amount: r.price });
}

export function defineMembersSuite(label: string, open: StoreOpener): void {
  describe(`members: ${label}`, () => {
    const stores = harnessFactory(open);
    afterEach(() => stores.closeAll());

    it('registers, reads, lists by registrar with a cursor, updates with a version, deletes', async () => {
      const h = await stores.fresh();
      const m = await h.members.register(REG_A, {
        ...individual,
        contactPstn: '010-1234-5678',
        homePage: 'https://minji.example',
        personal: { givenName: 'Min-ji', familyName: 'Kim', language: 'ko' },
      });
      expect(m).toMatchObject({
        registrarId: 'reg-a',
        email: 'minji@example.com',
        contactPstn: '+821012345678',
        version: 1,
      });
      expect(await h.members.get(REG_A, { memberId: m.id })).toEqual(m);
      const ids = [m.id];
      for (let i = 0; i < 6; i++)
        ids.push((await h.members.register(REG_A, { ...individual, email: `p${i}@example.com` })).id);
      await h.members.register(REG_B, { ...individual, email: 'b@example.com' });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await h.members.list(REG_A, { limit: 3, cursor });
        seen.push(...page.items.map((x) => x.id));
        cursor = page.next ?? undefined;
      } while (cursor);
      expect(seen).toEqual([...ids].sort());
      expect((await h.members.list(ADMIN)).items).toHaveLength(8);

      const u = await h.members.update(REG_A, {
        memberId: m.id,
        expectedVersion: 1,
        displayName: 'Minji Kim',
        homePage: null,
      });
      expect(u).toMatchObject({ displayName: 'Minji Kim', version: 2 });
      expect(u.homePage).toBeUndefined();
      const conflict = await h.members
        .update(REG_A, { memberId: m.id, expectedVersion: 1, displayName: 'x' })
        .catch((e) => e);
      expect(conflict).toMatchObject({ code: 'version-conflict', details: { version: 2 } });
      // Without a version the change applies to the newest.
      expect(
        (await h.members.update(REG_A, { memberId: m.id, contactPstn: '02-6200-6200' })).contactPstn,
      ).toBe('+82262006200');

      expect(await h.members.delete(REG_A, { memberId: m.id, expectedVersion: 1 }).catch((e) => e.code)).toBe(
        'version-conflict',
      );
      expect(await h.members.delete(REG_A, { memberId: m.id })).toEqual({ id: m.id, deleted: true });
      expect(await codeOf(h.members.get(REG_A, { memberId: m.id }))).toBe('not-found');
    });

    it('keeps email addresses and domains unique, also under concurrent registrations', async () => {
      const h = await stores.fresh();
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          h.members.register(REG_A, {
            ...individual,
            displayName: `n${i}`,
            email: i % 2 ? 'MinJi@Example.com' : 'minji@example.com',
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(
        results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : [])),
      ).toEqual(Array(9).fill('email-taken'));
      expect(await h.store.collection<Member>('members').count({ email: 'minji@example.com' })).toBe(1);
      await h.members.register(REG_A, company);
      expect(await codeOf(h.members.register(REG_B, { ...company, displayName: 'Other' }))).toBe(
        'domain-taken',
      );
      // A company contact address is unique too.
      expect(
        await codeOf(
          h.members.register(REG_A, { ...company, domain: 'acme2.example', email: 'minji@example.com' }),
        ),
      ).toBe('email-taken');
    }, 120_000);

    it('moves claims with changes: the old address becomes free, the new one is taken', async () => {
      const h = await stores.fresh();
      const a = await h.members.register(REG_A, individual);
      const b = await h.members.register(REG_A, { ...individual, email: 'b@example.com' });
      expect(await codeOf(h.members.update(REG_A, { memberId: b.id, email: 'minji@example.com' }))).toBe(
        'email-taken',
      );
      expect((await h.members.get(REG_A, { memberId: b.id })).email).toBe('b@example.com');
      await h.members.update(REG_A, { memberId: a.id, email: 'new@example.com' });
      expect((await h.members.update(REG_A, { memberId: b.id, email: 'minji@example.com' })).email).toBe(
        'minji@example.com',
      );
      const claims = await h.store.collection<Claim>('claims').find({}, { sort: { _id: 1 } });
      expect(claims.map((c) => [c._id, c.ownerId === a.id ? 'a' : 'b', c.bound === true])).toEqual([
        ['email:minji@example.com', 'b', true],
        ['email:new@example.com', 'a', true],
      ]);
      expect(await codeOf(h.members.update(REG_A, { memberId: a.id, email: null }))).toBe('invalid-input');
      expect(await codeOf(h.members.update(REG_A, { memberId: a.id, domain: 'a.example' }))).toBe(
        'invalid-input',
      );
    });

    it('takes over claims a crash left behind, and only those', async () => {
      const h = await stores.fresh({ claimGraceMs: 30_000 });
      const claims = h.store.collection<Claim>('claims');
      // A registration that died after claiming: protected for the grace period, then stale.
      await claims.insert({ _id: 'email:minji@example.com', ownerId: 'm_ghost', createdAt: h.clock.now() });
      expect(await codeOf(h.members.register(REG_A, individual))).toBe('email-taken');
      h.clock.advance(30_001);
      const m = await h.members.register(REG_A, individual);
      expect(await claims.get('email:minji@example.com')).toMatchObject({ ownerId: m.id, bound: true });
      // A bound claim whose owner is gone (a deletion that died before removing its claims).
      await claims.insert({
        _id: 'domain:acme.example',
        ownerId: 'm_deleted',
        createdAt: h.clock.now(),
        bound: true,
      });
      expect((await h.members.register(REG_A, company)).domain).toBe('acme.example');
      // A live holder is never displaced, however old its claim.
      h.clock.advance(10 * 86_400_000);
      expect(await codeOf(h.members.register(REG_B, individual))).toBe('email-taken');
    });

    it('deletes a member with its numbers, DNS records and claims; an interrupted deletion is finished by the sweep', async () => {
      const h = await stores.fresh({ settleMs: 1_000 });
      await h.sales.stock(REG_A, { country: 'KR', kind: 'pin', range: { first: '02-6200-6199', count: 2 } });
      await h.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['6200-6200'] });
      const person = await h.members.register(REG_A, individual);
      await buy(h, person.id, 'pin:+82262006199');
      await buy(h, person.id, 'pin:+82262006200');
      expect(await ownersOf(h.journal, person.id)).toHaveLength(3); // two numbers and the email
      await h.members.delete(REG_A, { memberId: person.id });
      const numbers = h.store.collection<InventoryNumber>('numbers');
      expect((await numbers.find({ kind: 'pin' })).map((n) => n.status)).toEqual(['available', 'available']);
      expect((await dnsView(h.journal)).get(`members/${person.id}`)).toEqual([]);
      expect(await h.store.collection<Claim>('claims').count({})).toBe(0);
      // Its address is free again.
      const again = await h.members.register(REG_A, individual);

      // Interrupted after marking: the member is being deleted, nothing else happened.
      const firm = await h.members.register(REG_A, company);
      await buy(h, firm.id, 'vns:62006200');
      await h.store
        .collection<Member>('members')
        .findOneAndUpdate(
          { _id: firm.id },
          { $set: { deleting: true, updatedAt: h.clock.now() }, $inc: { version: 1 } },
        );
      expect(await codeOf(h.members.update(REG_A, { memberId: firm.id, displayName: 'x' }))).toBe(
        'member-deleting',
      );
      expect(await codeOf(buy(h, firm.id, 'pin:+82262006199').then(() => undefined))).toBe('member-deleting');
      h.clock.advance(2_000);
      expect(await h.members.sweep()).toBe(1);
      expect(await h.store.collection<Member>('members').get(firm.id)).toBeNull();
      expect(await numbers.get('vns:62006200')).toMatchObject({ status: 'available' });
      expect(await h.store.collection<Claim>('claims').count({ ownerId: firm.id })).toBe(0);
      expect((await h.members.get(REG_A, { memberId: again.id })).email).toBe('minji@example.com');
    });

    it('stores SIP credentials as HA1 digests only, finds them by username, never returns them', async () => {
      const h = await stores.fresh();
      const m = await h.members.register(REG_A, individual);
      const set = await h.members.setSipCredentials(REG_A, {
        memberId: m.id,
        username: 'minji',
        password: 'correct horse',
      });
      expect(set).toMatchObject({ memberId: m.id, username: 'minji', realm: REALM });
      const account = await h.members.lookupSipAccount('minji');
      expect(account).toMatchObject({
        memberId: m.id,
        ha1Md5: sipHa1('MD5', 'minji', REALM, 'correct horse'),
        ha1Sha256: sipHa1('SHA-256', 'minji', REALM, 'correct horse'),
      });
      const stored = JSON.stringify(await h.store.collection<Member>('members').get(m.id));
      expect(stored).not.toContain('correct horse');
      const shown = JSON.stringify([
        await h.members.get(REG_A, { memberId: m.id }),
        await h.members.list(REG_A),
      ]);
      expect(shown).not.toContain(account!.ha1Md5);
      expect(shown).not.toContain(account!.ha1Sha256);
      expect(shown).toContain('"sipUsername":"minji"');

      const other = await h.members.register(REG_A, { ...individual, email: 'o@example.com' });
      expect(
        await codeOf(
          h.members.setSipCredentials(REG_A, {
            memberId: other.id,
            username: 'minji',
            password: 'x'.repeat(8),
          }),
        ),
      ).toBe('username-taken');
      await h.members.setSipCredentials(REG_A, {
        memberId: m.id,
        username: 'minji2',
        password: 'battery staple',
      });
      expect(await h.members.lookupSipAccount('minji')).toBeNull();
      expect((await h.members.lookupSipAccount('minji2'))?.memberId).toBe(m.id);
      await h.members.setSipCredentials(REG_A, {
        memberId: other.id,
        username: 'minji',
        password: 'x'.repeat(8),
      });
      await h.members.clearSipCredentials(REG_A, { memberId: m.id });
      expect(await h.members.lookupSipAccount('minji2')).toBeNull();
      expect(
        await codeOf(
          h.members.setSipCredentials(REG_B, { memberId: m.id, username: 'b', password: 'x'.repeat(8) }),
        ),
      ).toBe('not-found');
    });

    it('validates every field through the service, with the field named', async () => {
      const h = await stores.fresh();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ ...individual, email: 'not-an-address' }, 'email'],
        [{ ...individual, email: `${'a'.repeat(10_000)}@example.com` }, 'email'],
        [{ ...individual, displayName: 'Kim\u0000' }, 'displayName'],
        [{ ...individual, displayName: '\u202eKim' }, 'displayName'],
        [{ ...individual, contactPstn: '02-62OO-6200' }, 'contactPstn'],
        [{ ...individual, contactPstn: '02-6200-6200\u0000' }, 'contactPstn'],
        [{ ...individual, country: 'ZZ' }, 'country'],
        [{ ...individual, homePage: 'file:///etc/passwd' }, 'homePage'],
        [{ ...individual, otherCarriers: ['sip:x@y.example', 'mailto:a@b.example'] }, 'otherCarriers.1'],
        [{ ...company, domain: 'acme' }, 'domain'],
        [{ ...company, domain: undefined }, 'domain'],
      ];
      for (const [input, path] of cases) {
        const err = await h.members.register(REG_A, input as never).catch((e) => e);
        expect(err, JSON.stringify(input).slice(0, 80)).toMatchObject({ code: 'invalid-input' });
        expect(err.issues.map((i: { path: string }) => i.path)).toContain(path);
        expect(err.message).toMatch(/^registry: members: register: /);
      }
      expect(await h.store.collection<Member>('members').count({})).toBe(0);
    });

    it('keeps registrars apart', async () => {
      const h = await stores.fresh();
      const m = await h.members.register(REG_A, individual);
      expect(await codeOf(h.members.get(REG_B, { memberId: m.id }))).toBe('not-found');
      expect(await codeOf(h.members.update(REG_B, { memberId: m.id, displayName: 'x' }))).toBe('not-found');
      expect(await codeOf(h.members.delete(REG_B, { memberId: m.id }))).toBe('not-found');
      expect(
        await codeOf(h.members.setBranches(REG_B, { memberId: m.id, base: '6200-6200', branches: [] })),
      ).toBe('not-found');
      expect(
        await codeOf(
          h.members.register(REG_B, { ...individual, registrarId: 'reg-a', email: 'x@example.com' }),
        ),
      ).toBe('forbidden');
      expect(await codeOf(h.members.register(ADMIN, { ...individual, email: 'y@example.com' }))).toBe(
        'invalid-input',
      );
      expect(
        (await h.members.register(ADMIN, { ...individual, registrarId: 'reg-b', email: 'y@example.com' }))
          .registrarId,
      ).toBe('reg-b');
      expect((await h.members.list(REG_B)).items.map((x) => x.email)).toEqual(['y@example.com']);
      expect(await codeOf(h.members.list(REG_B, { registrarId: 'reg-a' }))).toBe('forbidden');
      expect((await h.members.get(REG_A, { memberId: m.id })).displayName).toBe(individual.displayName);
    });

    it('journals every member change with its whole DNS contribution', async () => {
      const h = await stores.fresh();
      await h.sales.stock(REG_A, { country: 'KR', kind: 'pin', numbers: ['02-6200-6200'] });
      const m = await h.members.register(REG_A, { ...individual, publishEmail: true });
      await buy(h, m.id, 'pin:+82262006200');
      await h.members.update(REG_A, {
        memberId: m.id,
        homePage: 'https://minji.example/',
        otherCarriers: ['sip:minji@voip.example'],
        contactPstn: '010-1234-5678',
      });
      const rrsets = (await dnsView(h.journal)).get(`members/${m.id}`)!;
      const e164 = rrsets.find((r) => r.name === '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test')!;
      expect(e164.rdata).toEqual([
        expect.stringContaining('"E2U+sip" "!^.*$!sip:+82262006200@kr.center.callx.test!"'),
        expect.stringContaining('"E2U+sip" "!^.*$!sip:minji@voip.example!"'),
        expect.stringContaining('"E2U+tel" "!^.*$!tel:+821012345678!"'),
        expect.stringContaining('"E2U+web:https" "!^.*$!https://minji.example/!"'),
        expect.stringContaining('"E2U+email:mailto" "!^.*$!mailto:minji@example.com!"'),
      ]);
      const stored = await h.store.collection<Member>('members').get(m.id);
      expect(stored?.publishPendingAt).toBeUndefined();
    });
  });
}
