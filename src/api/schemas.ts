// Schema helpers shared by the route modules: request bodies, responses, common fields.
import { z } from '@hono/zod-openapi';
import { problemResponses } from './errors.ts';

export const SECURITY = [{ bearer: [] as string[] }];

export const iso = (ms: number): string => new Date(ms).toISOString();

export const Timestamp = z.string().openapi({ format: 'date-time', example: '2025-01-31T12:00:00.000Z' });

/** Fields every versioned resource shows. */
export const versionedFields = {
  version: z.number().int().openapi({ description: 'Increases with every change; the ETag is "<version>"' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const OwnerField = z
  .string()
  .nullable()
  .openapi({ description: 'The registrar that owns it; null for the operator (admin)' });

export function jsonBody<T extends z.ZodTypeAny>(schema: T, description?: string) {
  return {
    body: {
      content: { 'application/json': { schema } },
      required: true,
      ...(description ? { description } : {}),
    },
  };
}

export function json<T extends z.ZodTypeAny>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export const ETAG_HEADER = {
  etag: { description: 'The resource version, for If-Match', schema: { type: 'string' as const } },
};

/** A JSON response of a versioned resource: it carries the ETag header. */
export function jsonWithEtag<T extends z.ZodTypeAny>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } }, headers: ETAG_HEADER };
}
export const NO_CONTENT = { description: 'Done; no body' };

/** The error responses every authenticated route can give. */
export const AUTH_ERRORS = [400, 401, 429] as const;

export const errors = (...statuses: number[]) => problemResponses(...AUTH_ERRORS, ...statuses);

/** Strict objects report unknown fields (a typo in a field name is an error, not silently ignored). */
export const strict = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

export const ApexParam = z.object({
  apex: z
    .string()
    .min(1)
    .max(254)
    .openapi({ param: { name: 'apex', in: 'path' }, example: 'example.com' }),
});
