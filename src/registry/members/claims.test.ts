import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '#core';
import { embeddedServices, KIM, REG_A, type Services } from '#test/helpers/sales';
import { serviceContext } from '../sales/context.ts';
import { bind, claim, claimAll, claimKey, holdsClaim, release } from './claims.ts';

describe('claims', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());
  const open = async () => {
    s = await embeddedServices();
    return serviceContext(
      { store: s.store, publisher: s.publisher, clock: s.clock, logger: silentLogger },
      'test',
    );
  };
  const code = (p: Promise<unknown>) => p.then(() => 'ok').catch((e) => e.code);

  it('gives a value to one owner, even when many claim it at once', async () => {
    const ctx = await open();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        code(claim(ctx, claimKey('email', 'a@example.com'), `m_${i}`, 60_000)),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'email-taken')).toHaveLength(19);
  });

  it('protects an unbound claim for the grace period, then lets it be taken over', async () => {
    const ctx = await open();
    const key = claimKey('domain', 'acme.example');
    await claim(ctx, key, 'm_1', 1_000);
    expect(await code(claim(ctx, key, 'm_2', 1_000))).toBe('domain-taken');
    s.clock.advance(1_001);
    await claim(ctx, key, 'm_2', 1_000);
    expect(await ctx.claims.get(key)).toMatchObject({ ownerId: 'm_2' });
    // The loser finds out when it binds.
    expect(await bind(ctx, key, 'm_1')).toBe(false);
    expect(await bind(ctx, key, 'm_2')).toBe(true);
  });

  it('never takes over from a member that holds the value', async () => {
    const ctx = await open();
    const m = await s.members.register(REG_A, KIM);
    s.clock.advance(365 * 86_400_000);
    expect(await code(claim(ctx, claimKey('email', 'k@example.com'), 'm_x', 1))).toBe('email-taken');
    // The owner itself may claim again (refreshing it).
    await claim(ctx, claimKey('email', 'k@example.com'), m.id, 1);
    expect(holdsClaim((await ctx.members.get(m.id))!, 'email:k@example.com')).toBe(true);
    expect(holdsClaim((await ctx.members.get(m.id))!, 'sip:k')).toBe(false);
  });

  it('releases only its own claim, and all it took when one of several fails', async () => {
    const ctx = await open();
    await claim(ctx, 'email:b@example.com', 'm_other', 60_000);
    expect(await code(claimAll(ctx, ['domain:b.example', 'email:b@example.com'], 'm_1', 60_000))).toBe(
      'email-taken',
    );
    expect(await ctx.claims.get('domain:b.example')).toBeNull();
    await release(ctx, 'email:b@example.com', 'm_1');
    expect(await ctx.claims.get('email:b@example.com')).toMatchObject({ ownerId: 'm_other' });
    await release(ctx, 'email:b@example.com', 'm_other');
    expect(await ctx.claims.get('email:b@example.com')).toBeNull();
  });
});
