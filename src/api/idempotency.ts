// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) for POSTs that must not happen
// twice: the first request with a key runs and its response (status, body, headers) is stored
// under (token owner, method, path, key); a retry with the same key and the same body gets that
// response again (with `Idempotent-Replayed: true`); the same key with a different body is 422;
// a retry while the first is still running is 409. Claiming a key is one insert with a unique
// `_id`, so two concurrent requests cannot both run. Responses of 5xx are not kept: a retry
// runs again. Records expire after `ttlMs` (24 h).
import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type Clock, COLLECTIONS, DuplicateKeyError, type IdempotencyRecord, type Store } from '#core';
import { type Principal, principalKey } from '#registry';
import { ApiError } from './errors.ts';

export const IdempotencyHeaderSchema = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'expected 1-255 printable ASCII characters')
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header' },
      description:
        'A unique key per operation (a UUID): a retry with the same key and body gets the first response',
      example: '8e03978e-40d5-43e8-bc93-6894a57f9324',
    }),
});

export interface IdempotencyOptions {
  store: Store;
  clock: Clock;
  /** The response a thrown error becomes (the app's problem+json), so 4xx outcomes are kept and replayed too. */
  render: (err: unknown, c: Context) => Response;
  /** How long a response is kept for retries (default 24 h). */
  ttlMs?: number;
  /** A first request that left no response for this long is presumed dead; a retry takes over (default 60 s). */
  stalePendingMs?: number;
}

/** Whose key space a request's Idempotency-Key is in: keys of different registrars never collide. */
export const ownerKey = (p: Principal): string => principalKey(p);

/** JSON with sorted keys, so the same body written in another key order is the same request. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

const KEPT_HEADERS = ['content-type', 'location', 'etag'];

export function createIdempotency(opts: IdempotencyOptions) {
  const coll = opts.store.collection<IdempotencyRecord>(COLLECTIONS.idempotency);
  const ttlMs = opts.ttlMs ?? 24 * 3600_000;
  const staleMs = opts.stalePendingMs ?? 60_000;
  let lastPurge = 0;

  async function purge(now: number): Promise<void> {
    if (now - lastPurge < 60_000) return;
    lastPurge = now;
    await coll.deleteMany({ createdAt: { $lt: now - ttlMs } });
  }

  function replay(r: IdempotencyRecord): Response {
    return new Response(r.body || null, {
      status: r.status,
      headers: { ...r.headers, 'idempotent-replayed': 'true' },
    });
  }

  /** Claims the key; returns a stored response to replay, or null when this request may run. */
  async function claim(id: string, hash: string, key: string): Promise<Response | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = opts.clock.now();
      try {
        await coll.insert({ _id: id, requestHash: hash, status: 0, body: '', createdAt: now });
        return null;
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
      const have = await coll.get(id);
      if (!have) continue; // expired and purged in between: claim again
      if (have.createdAt < now - ttlMs) {
        await coll.findOneAndDelete({ _id: id, createdAt: have.createdAt });
        continue;
      }
      if (have.requestHash !== hash)
        throw new ApiError(
          'idempotency-key-reused',
          `Idempotency-Key '${key}' was used for a different request body`,
        );
      if (have.status !== 0) return replay(have);
      if (have.createdAt < now - staleMs) {
        const taken = await coll.findOneAndUpdate(
          { _id: id, status: 0, createdAt: have.createdAt },
          { $set: { createdAt: now } },
        );
        if (taken) return null;
        continue;
      }
      throw new ApiError(
        'idempotency-key-in-use',
        `a request with Idempotency-Key '${key}' is still being processed; retry shortly`,
        {
          headers: { 'retry-after': '1' },
        },
      );
    }
    throw new ApiError('idempotency-key-in-use', `Idempotency-Key '${key}' is contended; retry shortly`, {
      headers: { 'retry-after': '1' },
    });
  }

  /** Runs `compute` at most once per (owner, method, path, key, body); `owner` is an ownerKey. */
  // Generic in the handler's typed response: a replayed response stands in for it.
  return async function idempotent<R extends Response>(
    c: Context,
    owner: string,
    body: unknown,
    compute: () => Promise<R>,
  ): Promise<R> {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return compute();
    await purge(opts.clock.now());
    const id = `${owner}:${c.req.method}:${c.req.path}:${key}`;
    const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
    const stored = await claim(id, hash, key);
    if (stored) return stored as R;
    let res: Response;
    try {
      res = await compute();
    } catch (err) {
      res = opts.render(err, c);
    }
    if (res.status >= 500) {
      await coll.findOneAndDelete({ _id: id, status: 0 });
      return res as R;
    }
    const text = await res.text();
    const headers: Record<string, string> = {};
    for (const h of KEPT_HEADERS) {
      const v = res.headers.get(h);
      if (v !== null) headers[h] = v;
    }
    await coll.findOneAndUpdate(
      { _id: id, status: 0 },
      { $set: { status: res.status, body: text, headers } },
    );
    return new Response(text || null, { status: res.status, headers: res.headers }) as R;
  };
}

export type Idempotent = ReturnType<typeof createIdempotency>;
