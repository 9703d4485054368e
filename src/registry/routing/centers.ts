// Whether a country has a call center that calls can reach. A member's number publishes
// `sip:<number>@<cc>.center.<apex>`: a center with no records there would be a 302 to a name
// with no records, so numbers, members and branches are refused in such a country instead
// (docs/sales.md, "Centers"). The registry knows the centers created over the API (countries);
// `callx serve` adds what DNS answers for `<cc>.center.<apex>` (master files too).
import { COLLECTIONS, type Country, type Store } from '#core';
import { RegistryError } from '../kernel/index.ts';

/** True when calls to the country's center reach records; throws when it cannot tell (DNS down). */
export type CenterCheck = (country: string) => Promise<boolean>;

/** Centers the registry holds: a country document with at least one target. */
export function registryCenters(store: Store): CenterCheck {
  const countries = store.collection<Country>(COLLECTIONS.countries);
  return async (country) => {
    const c = await countries.get(country.toUpperCase());
    return c !== null && !c.publishRemove && c.center.targets.length > 0;
  };
}

/** A center any of the checks knows (the registry first: it needs no network). */
export function anyCenter(...checks: CenterCheck[]): CenterCheck {
  return async (country) => {
    for (const check of checks) if (await check(country)) return true;
    return false;
  };
}

/** Throws `no-center` (naming the country) when calls there would reach no center. */
export async function requireCenter(check: CenterCheck, country: string, where: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await check(country);
  } catch (err) {
    throw new RegistryError(
      'unavailable',
      `${where}: cannot tell whether country ${country} has a call center: ${(err as Error).message}`,
      { details: { country } },
    );
  }
  if (!ok)
    throw new RegistryError(
      'no-center',
      `${where}: country ${country} has no call center, so its calls would reach nobody; ` +
        `the operator adds it first (POST /v1/countries, or ${country.toLowerCase()}.center in a zone file)`,
      { details: { country } },
    );
}
