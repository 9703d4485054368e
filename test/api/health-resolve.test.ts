// Liveness, readiness (store + the checks the process passes in), metrics, and GET /v1/resolve
// giving the same decision as `callx resolve` (both against a real callx DNS server).
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { DnsServer } from '#dns';
import { registryBindingSource } from '#registry';
import { createResolver, type ResolverHandle } from '#resolve';
import { resolveCommand } from '../../src/cli/resolve.ts';
import { sipConfig, startDns } from '../sip/env.ts';
import { it } from './helpers/fixtures.ts';

describe('api: health and readiness', () => {
  it('/healthz is alive and needs no token', async ({ h }) => {
    const r = await h.call('GET', '/healthz', { token: null });
    expect(r).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('/readyz is ready when the store answers and every check passes, 503 naming what is not', async ({
    open,
  }) => {
    let zones = false;
    const h = await open({ readiness: async () => ({ zones }) });
    const notReady = await h.call('GET', '/readyz', { token: null });
    expect(notReady).toMatchObject({
      status: 503,
      body: { status: 'not-ready', checks: { store: true, zones: false } },
    });
    zones = true;
    expect((await h.call('GET', '/readyz', { token: null })).body).toEqual({
      status: 'ready',
      checks: { store: true, zones: true },
    });
    await h.t.store.close(); // closing again after the test is harmless
    const down = await h.call('GET', '/readyz', { token: null });
    expect(down).toMatchObject({ status: 503, body: { checks: { store: false } } });
  });

  it('/readyz does not hang on a check that never answers, nor on one that throws', async ({ open }) => {
    const hang = await open({ readiness: () => new Promise<Record<string, boolean>>(() => {}) });
    const t0 = Date.now();
    const r = await hang.call('GET', '/readyz', { token: null });
    expect(r.status).toBe(503);
    expect(r.body.checks).toMatchObject({ store: true, dependencies: false });
    expect(Date.now() - t0).toBeLessThan(10_000);
    const boom = await open({
      readiness: () => {
        throw new Error('dns: zones not loaded');
      },
    });
    expect((await boom.call('GET', '/readyz', { token: null })).status).toBe(503);
  });
});

describe('api: GET /v1/resolve', () => {
  let dns: DnsServer;
  beforeAll(async () => {
    dns = await startDns();
  });
  afterAll(async () => {
    await dns?.stop();
  });

  /** The decision without what differs between two runs (timings, cache hits). */
  // biome-ignore lint/suspicious/noExplicitAny: JSON of many shapes from the API, asserted field by field
  const stable = (d: any) =>
    JSON.parse(JSON.stringify(d, (k, v) => (k === 'ms' || k === 'cached' || k === 'server' ? undefined : v)));

  it('answers the same decision as `callx resolve`, for a redirect and for an error', async ({ open }) => {
    const config = sipConfig(dns.port);
    let resolver: ResolverHandle | undefined;
    const h = await open({ resolve: (id, caller) => resolver!.resolve(id, caller) });
    // both read registered terminals from the registry, as `callx serve` wires the API
    resolver = createResolver(config, { bindings: registryBindingSource(h.t.store, config.sip.realm) });
    const a = await h.registrar('a');
    try {
      for (const [identifier, from] of [
        ['02-6200-6200-082', '+442079460999'],
        ['+82 70 1234 0000', undefined],
        ['12', undefined],
      ] as const) {
        const qs = new URLSearchParams({ identifier, ...(from ? { from } : {}) });
        const api = await h.call('GET', `/v1/resolve?${qs}`, { token: a });
        expect(api.status).toBe(200);
        const cli = await resolveCommand(identifier, { from }, config, { store: h.t.store });
        expect(stable(api.body)).toEqual(stable(cli.json));
      }
      const redirect = await h.call('GET', `/v1/resolve?identifier=02-6200-6200-082`, { token: a });
      expect(redirect.body).toMatchObject({
        status: 302,
        classification: { kind: 'pin', e164: '+82262006200' },
      });
      expect(redirect.body.contacts[0].target).toBe('sip:+82262006200@kr.center.callx.test');
      const missing = await h.call('GET', '/v1/resolve', { token: a });
      expect(missing.status).toBe(400);
      expect(missing.body.errors[0]).toMatchObject({ location: 'query', pointer: 'identifier' });
    } finally {
      resolver.close();
    }
  });

  it('503 when this process has no resolver', async ({ h }) => {
    const r = await h.call('GET', '/v1/resolve?identifier=%2B82262006200');
    expect(r.status).toBe(503);
  });
});
