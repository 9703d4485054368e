// How the pages show numbers: the PIN or VNS form, the E.164 form, the country, memorable-number
// premiums (from the selling registrar's price rules).
import type { NumberKind } from '#core';
import { callingCodeOf, e164Owner, formatInternational, formatVns, formatVnsBase } from '#numbering';
import { ADMIN, type Premium, premiumsOf, type SalesService } from '#registry';

export interface Shown {
  /** The form people dial: '02-6200-6200-082', '6200-6200#082'. */
  primary: string;
  /** '+82 2-6200-6200' for a PIN; the base for a VNS. */
  secondary: string;
}

export function showNumber(n: {
  kind: NumberKind;
  display: string;
  e164?: string;
  base?: string;
  country: string;
}): Shown {
  if (n.kind === 'vns' && n.base) {
    let primary = formatVnsBase(n.base);
    try {
      primary = formatVns(n.base, callingCodeOf(n.country));
    } catch {}
    return { primary, secondary: formatVnsBase(n.base) };
  }
  let secondary = n.e164 ?? '';
  try {
    if (n.e164) secondary = formatInternational(n.e164);
  } catch {}
  return { primary: n.display, secondary };
}

/** The digits people remember: the national significant number of a PIN, the base of a VNS. */
export function memorable(n: { kind: NumberKind; e164?: string; base?: string; country: string }): string {
  if (n.kind === 'vns') return n.base ?? '';
  const digits = (n.e164 ?? '').replace(/^\+/, '');
  try {
    const cc = callingCodeOf(n.country);
    return digits.startsWith(cc) ? digits.slice(cc.length) : digits;
  } catch {
    return digits;
  }
}

/** Premiums per registrar's rules, cached for one page. */
export function premiumReader(
  sales: SalesService,
): (
  n: { registrarId?: string; kind: NumberKind; e164?: string; base?: string; country: string },
  registrarId: string,
) => Promise<Premium[]> {
  const rules = new Map<string, ReturnType<SalesService['getPriceRules']>>();
  return async (n, registrarId) => {
    let r = rules.get(registrarId);
    if (!r) {
      r = sales.getPriceRules(ADMIN, { registrarId });
      rules.set(registrarId, r);
    }
    return premiumsOf((await r).rules, n.kind, memorable(n));
  };
}

export function dnsOwner(e164: string, apex: string): string {
  try {
    return e164Owner(e164, apex);
  } catch {
    return '';
  }
}
