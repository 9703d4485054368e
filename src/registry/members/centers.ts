// The call centers a member's calls reach: one for all (the member's choice, `centerCountry`),
// else each number's own country (a PIN's, a VNS branch's) and the home country. Every one of
// them must exist, or a call would be sent to a name with no records (docs/sales.md, "Centers").
import type { Member } from '#core';
import { centerCountryOfBranch, centerCountryOfNumber } from '#publish';
import { requireCenter } from '../routing/centers.ts';
import type { ServiceContext } from '../sales/context.ts';

type Routed = Pick<Member, 'centerCountry' | 'country' | 'numbers'>;

/** The countries whose centers the member's calls reach, each once. */
export function centersOf(m: Routed): string[] {
  if (m.centerCountry) return [m.centerCountry];
  const out = new Set([m.country]);
  for (const n of m.numbers) {
    if (n.kind === 'pin') out.add(centerCountryOfNumber(m, n.e164));
    else for (const b of n.branches) out.add(centerCountryOfBranch(m, b));
  }
  return [...out];
}

/** Throws `no-center` for the first of `countries` without a center. */
export async function requireCenters(ctx: ServiceContext, countries: Iterable<string>, where: string) {
  for (const c of countries) await requireCenter(ctx.centers, c, where);
}
