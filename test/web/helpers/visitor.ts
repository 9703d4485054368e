// The key a checkout is bound to for a test browser (what the store computes from its cookie).
import { sha256hex } from '#registry';
import type { Browser } from './harness.ts';

export function visitorOf(b: Browser): string {
  const id = b.cookies.get('cx_visitor');
  if (!id) throw new Error('test: the browser has no visitor cookie');
  return sha256hex(id);
}
