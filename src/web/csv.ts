// CSV exports of the console's tables (RFC 4180). A cell that a spreadsheet would run as a
// formula (=, +, -, @, tab, CR at its start) is prefixed with ' so an export is safe to open.
import type { Context } from 'hono';

export function csvCell(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(head: string[], rows: unknown[][]): string {
  return `${[head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export function csvResponse(c: Context, name: string, head: string[], rows: unknown[][]): Response {
  return c.body(toCsv(head, rows), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${name}.csv"`,
  });
}

/** Every item of a paged list, up to `max`. */
export async function allPages<T>(
  list: (cursor: string | undefined) => Promise<{ items: T[]; next: string | null }>,
  max = 10_000,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  while (out.length < max) {
    const p = await list(cursor);
    out.push(...p.items);
    if (!p.next) break;
    cursor = p.next;
  }
  return out.slice(0, max);
}
