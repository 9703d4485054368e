// Schema helpers shared by the route modules: request bodies, responses, common fields.
import { z } from '@hono/zod-openapi';

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

/** Strict objects report unknown fields (a typo in a field name is an error, not silently ignored). */
export const strict = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

/** An identifier chosen by its creator: registrars, gateways, carriers. */
export const Slug = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'expected 1-63 characters a-z, 0-9, _ and -, starting with a letter or digit',
  );

/** The path parameter `name` of one item, for crudRoutes' `key`. */
export const pathParam = <K extends string, T extends z.ZodTypeAny>(name: K, schema: T) =>
  z.object({ [name]: schema.openapi({ param: { name, in: 'path' } }) } as { [P in K]: T });

export const ApexParam = z.object({
  apex: z
    .string()
    .min(1)
    .max(254)
    .openapi({ param: { name: 'apex', in: 'path' }, example: 'example.com' }),
});
