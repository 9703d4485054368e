// The routes as the OpenAPI registry knows them: for 405 answers (which methods a path allows)
// and for checking responses against their declared schemas (AppOptions.validateResponses).
import type { Context } from 'hono';
import type { ZodType } from 'zod';
import type { ApiApp } from './context.ts';

interface DeclaredResponse {
  content?: Partial<Record<string, { schema?: unknown } | { $ref: string }>>;
}

export interface RouteEntry {
  method: string;
  /** OpenAPI path: /v1/zones/{apex}. */
  path: string;
  pattern: RegExp;
  responses: Record<string, DeclaredResponse>;
}

export interface RouteTable {
  entries: RouteEntry[];
  allowedMethods(path: string): string[];
  find(method: string, path: string): RouteEntry | undefined;
}

const toPattern = (path: string): RegExp =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, '[^/]+')}$`);

export function routeTable(app: Pick<ApiApp, 'openAPIRegistry'>): RouteTable {
  const entries: RouteEntry[] = [];
  for (const def of app.openAPIRegistry.definitions) {
    if (def.type !== 'route') continue;
    const r = def.route;
    // a $ref response would declare no content here; the routes of this API declare theirs inline
    const responses: Record<string, DeclaredResponse> = {};
    for (const [status, res] of Object.entries(r.responses)) responses[status] = 'content' in res ? res : {};
    entries.push({ method: r.method.toUpperCase(), path: r.path, pattern: toPattern(r.path), responses });
  }
  const matching = (path: string) => entries.filter((e) => e.pattern.test(path));
  return {
    entries,
    allowedMethods(path) {
      const methods = new Set(matching(path).map((e) => e.method));
      if (methods.has('GET')) methods.add('HEAD');
      return [...methods].sort();
    },
    find(method, path) {
      // the most literal match first: /v1/numbers/available before /v1/numbers/{id}
      const m = matching(path).filter((e) => e.method === method);
      return m.sort(
        (a, b) => b.path.replace(/\{[^}]+\}/g, '').length - a.path.replace(/\{[^}]+\}/g, '').length,
      )[0];
    },
  };
}

const isZod = (s: unknown): s is ZodType => typeof (s as ZodType | undefined)?.safeParse === 'function';

/** Why the response in `c.res` does not match its route's declaration, or null when it does. */
export async function checkResponse(routes: RouteTable, c: Context): Promise<string | null> {
  const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
  const route = routes.find(method, c.req.path);
  if (!route) return null; // 404/405 answers of unknown paths
  const status = c.res.status;
  const declared = route.responses[String(status)];
  if (!declared) return `${method} ${route.path}: status ${status} is not declared`;
  const type = (c.res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!declared.content || Object.keys(declared.content).length === 0) {
    return status === 204 || status === 304 || !type
      ? null
      : `${method} ${route.path}: ${status} declares no body but got ${type}`;
  }
  const media = declared.content[type];
  if (!media) return `${method} ${route.path}: ${status} with undeclared content type '${type}'`;
  if (!type.endsWith('json') || !('schema' in media) || !isZod(media.schema)) return null;
  const body = await c.res.clone().json();
  const parsed = media.schema.safeParse(body);
  if (parsed.success) return null;
  return `${method} ${route.path}: ${status}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
}
