// Reading posted forms: strings only (a repeated or file field is ignored), trimmed; empty
// optional fields are absent, so the registry's rules see exactly what the visitor typed.
import type { Context } from 'hono';
import type { WebEnv } from './context.ts';

export type Form = Record<string, string>;

export async function readForm(c: Context<WebEnv>): Promise<Form> {
  const body = await c.req.parseBody();
  const out: Form = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== '_csrf') out[k] = v;
  return out;
}

/** The value when it is not blank. */
export const given = (v: string | undefined): string | undefined =>
  v === undefined || v.trim() === '' ? undefined : v.trim();

/** Lines of a textarea, blank lines dropped. */
export const lines = (v: string | undefined): string[] =>
  (v ?? '')
    .split(/\r?\n/)
    .map((x) => x.trim())
    .filter(Boolean);
