import { describe, expect, it } from 'vitest';
import type { QueryStep } from './lookup.ts';
import type { Decision } from './resolver.ts';
import { createVerdicts, verdictTtlMs } from './verdicts.ts';

const step = (outcome: QueryStep['outcome'], ttl: number): QueryStep => ({
  tree: 'e164',
  name: 'x.e164.callx.test',
  type: 'NAPTR',
  outcome,
  ttl,
  cached: false,
  ms: 0,
  server: '',
  transport: 'udp',
  records: [],
  soa: undefined,
});

function decision(status: number, queries: QueryStep[], extra: Partial<Decision> = {}): Decision {
  return {
    target: 'sip:+82262006200@callx.test',
    classification: { kind: 'e164' } as Decision['classification'],
    caller: null,
    status,
    reason: '',
    queries,
    contacts:
      status === 302 ? [{ header: '<sip:a@b>;q=1.0', source: 'e164' } as Decision['contacts'][number]] : [],
    services: [],
    bindingKeys: [],
    notes: [],
    ...extra,
  };
}

describe('verdictTtlMs', () => {
  it.each([
    [
      'a redirect: the smallest TTL of its answers',
      decision(302, [step('NOERROR', 300), step('NOERROR', 60)]),
      60_000,
    ],
    ['a 604 is an answer: its NXDOMAIN TTL', decision(604, [step('NXDOMAIN', 60)]), 60_000],
    ['a 404 after several trees', decision(404, [step('NXDOMAIN', 60), step('NODATA', 30)]), 30_000],
    ['503: our failure, never kept', decision(503, [step('FAILED', 0)]), 0],
    ['500: never kept', decision(500, []), 0],
    ['an unparsable identifier: 5 minutes', decision(400, [], { classification: null }), 300_000],
    ['an answer not cached (TTL 0)', decision(302, [step('NOERROR', 0)]), 0],
    [
      'registered terminals read: at most their cache time',
      decision(302, [step('NOERROR', 300)], { bindingKeys: ['tel:+82262006200'] }),
      2000,
    ],
  ])('%s', (_why, d, ms) => {
    expect(verdictTtlMs(d, 2000)).toBe(ms);
  });
});

describe('verdicts', () => {
  it('answer from memory until a REGISTER changes an identity they read, whatever the number of callers', async () => {
    let resolves = 0;
    const v = createVerdicts(
      async () => {
        resolves++;
        return decision(302, [step('NOERROR', 300)], { bindingKeys: ['tel:+82262006200'] });
      },
      { max: 1000, maxBytes: 1e6, bindingsTtlMs: 60_000 },
    );
    for (let i = 0; i < 100; i++) await v.decide('sip:+82262006200@callx.test', { uri: `sip:caller-${i}@x` });
    expect(resolves).toBe(100);
    await v.decide('sip:+82262006200@callx.test', { uri: 'sip:caller-7@x' });
    expect(resolves).toBe(100);
    v.forget(['tel:+82262006200']);
    await v.decide('sip:+82262006200@callx.test', { uri: 'sip:caller-7@x' });
    await v.decide('sip:+82262006200@callx.test', { uri: 'sip:caller-8@x' });
    expect(resolves).toBe(102); // both read before the change: resolved again
    await v.decide('sip:+82262006200@callx.test', { uri: 'sip:caller-7@x' });
    expect(resolves).toBe(102); // read after it: kept
  });

  it('a resolution that started before a REGISTER is not kept past it', async () => {
    let release!: () => void;
    let resolves = 0;
    const v = createVerdicts(
      () => {
        resolves++;
        return new Promise<Decision>((r) => {
          release = () => r(decision(302, [step('NOERROR', 300)], { bindingKeys: ['tel:+1'] }));
        });
      },
      { max: 10, maxBytes: 1e6, bindingsTtlMs: 60_000 },
    );
    const pending = v.decide('sip:+1@x');
    v.forget(['tel:+1']); // the bindings it read may be older than this REGISTER
    release();
    await pending;
    const again = v.decide('sip:+1@x');
    release();
    await again;
    expect(resolves).toBe(2);
  });

  it('are bounded by estimated bytes as well as by count', async () => {
    const contacts = Array.from({ length: 16 }, (_, i) => ({
      header: `<sip:+8226200${i}@a-long-host-name-for-a-contact.example;user=phone>;q=0.${i}`,
      source: 'e164',
    })) as Decision['contacts'];
    const v = createVerdicts(async () => decision(302, [step('NOERROR', 300)], { contacts }), {
      max: 1000,
      maxBytes: 50_000,
      bindingsTtlMs: 2000,
    });
    for (let i = 0; i < 200; i++) await v.decide(`sip:+8226200${i}@callx.test`);
    expect(v.size).toBeGreaterThan(5);
    expect(v.size).toBeLessThan(50); // ~2.5 KB each
  });
});
