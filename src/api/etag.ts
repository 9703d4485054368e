// Optimistic concurrency over HTTP: a versioned resource's ETag is its `version` ("7"), and a
// write with If-Match: "7" applies only while the resource is still at version 7 (409 otherwise,
// as the API's conflicts are; docs/api.md says why not 412).
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ApiError } from './errors.ts';

export const etagOf = (version: number): string => `"${version}"`;

export function setEtag(c: Context, version: number): void {
  c.header('etag', etagOf(version));
}

export const IfMatchHeaderSchema = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({
      param: { name: 'if-match', in: 'header' },
      description: 'Apply only if the resource still has this ETag ("<version>"); `*` for any',
      example: '"3"',
    }),
});

/** The version an If-Match header names; undefined when absent or `*`. */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"([0-9]{1,15})"\s*$/.exec(header);
  if (!m)
    throw new ApiError('validation-failed', `If-Match: '${header}' is not an ETag this API gave out`, {
      errors: [
        {
          location: 'header',
          pointer: 'if-match',
          detail: 'expected "<version>" as in the ETag header, or *',
        },
      ],
    });
  return Number(m[1]);
}

/** An If-Match version as the sales and members services take it: `{ expectedVersion }`, or none. */
export const expectedVersion = (version: number | undefined): { expectedVersion?: number } =>
  version === undefined ? {} : { expectedVersion: version };

/** True when If-None-Match matches the current version (GET answers 304). */
export function notModified(c: Context, version: number): boolean {
  const h = c.req.header('if-none-match');
  if (!h) return false;
  return h === '*' || h.split(',').some((t) => t.trim().replace(/^W\//, '') === etagOf(version));
}
