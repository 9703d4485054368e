// Schema helpers shared by the route modules: request bodies, responses, common fields.
import { z } from '@hono/zod-openapi';
import type { PeerTrust } from '#core';
import { ZoneApex } from '#registry';

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

/** The path parameter `name` of one item. */
export const pathParam = <K extends string, T extends z.ZodTypeAny>(name: K, schema: T) =>
  z.object({ [name]: schema } as { [P in K]: T });

/**
 * A registry schema (plain zod: built before @hono/zod-openapi may have extended zod, so it has
 * no .openapi()) as a named component of the OpenAPI document, through zod's own .meta().
 */
export const named = <T extends z.ZodTypeAny>(schema: T, id: string, description?: string): T =>
  schema.meta({ id, ...(description === undefined ? {} : { description }) });

/** A zone apex in a path: absolute, any case, with or without the trailing dot (the registry's rule). */
export const ApexParam = pathParam('apex', ZoneApex);

/** A routing document's peer as a trusted caller (docs/trust.md); its secret is never shown, only its username. */
export const PeerTrustView = z
  .object({
    sources: z.array(z.string()).openapi({ example: ['198.51.100.0/24'] }),
    digestUsername: z.string().nullable().openapi({
      description: "The digest username when a shared secret is set ('gateway:gw-kr')",
      example: null,
    }),
  })
  .openapi('PeerTrustView');

export const presentTrust = (t: PeerTrust | undefined) =>
  t ? { trust: { sources: t.sources ?? [], digestUsername: t.digest?.username ?? null } } : {};
