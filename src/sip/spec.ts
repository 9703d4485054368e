// A response decision (SipResponseSpec) with the standard reason phrase.
import { REASONS, type SipResponseSpec } from './types.ts';

export function spec(
  status: number,
  toTag: string,
  headers: [string, string][] = [],
  reason?: string,
): SipResponseSpec {
  return { status, reason: reason ?? REASONS[status] ?? 'Unknown', headers, toTag };
}
