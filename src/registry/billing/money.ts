// Money of the fee system, exact (docs/billing.md, "Money"). Ledger amounts are integers in
// minor units of their currency, whose exponent is ISO 4217's (2 for USD, 0 for KRW and JPY,
// 3 for KWD). Prices per minute need more: rates and connection fees are integers in
// micro-units of the minor unit (1 minor unit = 1,000,000 µ), so 0.0125 USD a minute is
// 1,250,000 µ. The API and CSV files carry decimal strings in major units, parsed and printed
// here without ever becoming floats. A call's price is computed exactly (BigInt) and rounded
// once, up to a whole minor unit.
import { z } from 'zod';

/** Micro-units of the minor unit in one minor unit. */
export const MICRO = 1_000_000;
/** Extra decimal places a rate may have beyond the currency's minor unit. */
export const RATE_EXTRA_DIGITS = 6;

/**
 * ISO 4217 exponents other than 2. CLDR (and so Intl) differs from ISO for some currencies
 * (it gives HUF, IDR, COP 0 digits for display), so the exponents are ISO's, listed here;
 * Intl only says which codes exist.
 */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** Codes ISO 4217 lists without a minor unit (metals, SDR, testing): not money we bill in. */
const NOT_MONEY = new Set([
  'XAG',
  'XAU',
  'XBA',
  'XBB',
  'XBC',
  'XBD',
  'XDR',
  'XPD',
  'XPT',
  'XSU',
  'XTS',
  'XUA',
  'XXX',
]);

const KNOWN = new Set([...Intl.supportedValuesOf('currency'), ...Object.keys(EXPONENTS)]);

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && KNOWN.has(code) && !NOT_MONEY.has(code);
}

/** The ISO 4217 exponent: how many decimal places the minor unit has. */
export function exponentOf(currency: string): number {
  if (!isCurrency(currency)) throw new Error(`billing: ${currency} is not an ISO 4217 currency we bill in`);
  return EXPONENTS[currency] ?? 2;
}

/** An ISO 4217 currency code, upper case ('usd' is read as 'USD'). */
export const Currency = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .refine(isCurrency, { error: 'expected an ISO 4217 currency code such as USD' });

/** A decimal string as the API and CSV files write amounts: no exponent, no thousands separators. */
export const Decimal = z
  .string()
  .regex(/^[+-]?[0-9]{1,15}(\.[0-9]{1,12})?$/, { error: 'expected a decimal number such as 12.50' });

/** A decimal that cannot be read at the scale asked. */
export class DecimalError extends Error {
  override name = 'DecimalError';
}

/**
 * The exact integer count of 10^-scale units in a decimal string: '12.5' at scale 2 is 1250n.
 * More decimal places than `scale` (other than trailing zeros) are refused, never rounded.
 */
export function parseDecimal(s: string, scale: number, opts: { negative?: boolean } = {}): bigint {
  const m = /^([+-]?)([0-9]{1,15})(?:\.([0-9]{1,12}))?$/.exec(s.trim());
  if (!m) throw new DecimalError(`'${s}' is not a decimal number such as 12.50`);
  const [, sign, whole, frac = ''] = m;
  const extra = frac.slice(scale);
  if (/[1-9]/.test(extra))
    throw new DecimalError(
      `'${s}' has more than ${scale} decimal place${scale === 1 ? '' : 's'}, which this amount cannot hold`,
    );
  const units =
    BigInt(whole!) * 10n ** BigInt(scale) + BigInt(frac.slice(0, scale).padEnd(scale, '0') || '0');
  if (sign === '-' && units !== 0n) {
    if (!opts.negative) throw new DecimalError(`'${s}' is negative`);
    return -units;
  }
  return units;
}

/** A count of 10^-scale units as a decimal string: 1250 at scale 2 is '12.50'. */
export function formatDecimal(units: bigint | number, scale: number): string {
  const u = BigInt(units);
  const neg = u < 0n;
  const digits = (neg ? -u : u).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${neg ? '-' : ''}${whole}${frac}`;
}

/** Largest amount of one posting, minor units (10^12: ten billion dollars). */
export const MAX_AMOUNT = 1_000_000_000_000;
/** Largest rate or connection fee, in major units (a thousand a minute is no telephone rate). */
export const MAX_RATE_MAJOR = 1000;

/** A ledger amount in major units ('12.50') as minor units of `currency`. */
export function minorOf(s: string, currency: string, opts: { negative?: boolean } = {}): number {
  const v = parseDecimal(s, exponentOf(currency), opts);
  if (v > BigInt(MAX_AMOUNT) || v < -BigInt(MAX_AMOUNT))
    throw new DecimalError(`'${s}' is more than ${formatMinor(MAX_AMOUNT, currency)} ${currency}`);
  return Number(v);
}

/** Minor units of `currency` as a decimal string in major units. */
export const formatMinor = (minor: number, currency: string): string =>
  formatDecimal(minor, exponentOf(currency));

/** Scale of rates and fees: the currency's exponent plus six places. */
export const rateScale = (currency: string): number => exponentOf(currency) + RATE_EXTRA_DIGITS;

/** A rate or fee in major units ('0.0125') as micro-units of the minor unit. */
export function microOf(s: string, currency: string): number {
  const v = parseDecimal(s, rateScale(currency));
  if (v > BigInt(MAX_RATE_MAJOR) * 10n ** BigInt(rateScale(currency)))
    throw new DecimalError(`'${s}' is more than ${MAX_RATE_MAJOR} ${currency}`);
  return Number(v);
}

/** Micro-units of the minor unit as a decimal string in major units ('0.0125'), trailing zeros trimmed to the minor unit. */
export function formatMicro(micro: number, currency: string): string {
  const full = formatDecimal(micro, rateScale(currency));
  const exp = exponentOf(currency);
  if (!full.includes('.')) return full;
  const [whole, frac] = full.split('.') as [string, string];
  let f = frac;
  while (f.length > exp && f.endsWith('0')) f = f.slice(0, -1);
  return f.length ? `${whole}.${f}` : whole;
}

// --- a call's price ---------------------------------------------------------------------------

/** Billing increments: the first `first` seconds are billed whole, then blocks of `next`. */
export interface Increments {
  first: number;
  next: number;
}

/**
 * Seconds billed for a call of `seconds` (whole seconds, rounded up from the CDR): 0 for 0;
 * else at least `first`, then whole blocks of `next`. 30/6: 1 s -> 30, 31 s -> 36, 37 s -> 42.
 */
export function billedSeconds(seconds: number, inc: Increments): number {
  if (seconds <= 0) return 0;
  if (seconds <= inc.first) return inc.first;
  return inc.first + Math.ceil((seconds - inc.first) / inc.next) * inc.next;
}

/** A price per minute and a connection fee, micro-units of the minor unit. */
export interface Price extends Increments {
  rate: number;
  fee: number;
}

const SIXTY_MILLION = 60n * BigInt(MICRO);

/**
 * The one rounding rule (docs/billing.md, "Money"): a call of `billed` seconds costs
 * fee + billed × rate / 60 micro-units, computed exactly and rounded once, up, to a whole
 * minor unit. An unanswered call (0 s) costs nothing, connection fee included.
 */
export function priceMinor(billed: number, p: Price): number {
  if (billed <= 0) return 0;
  const n = 60n * BigInt(p.fee) + BigInt(billed) * BigInt(p.rate);
  return Number((n + SIXTY_MILLION - 1n) / SIXTY_MILLION);
}

/** What a call of `seconds` costs at `p`: billed seconds and the amount in minor units. */
export function rateCall(seconds: number, p: Price): { billed: number; amount: number } {
  const billed = billedSeconds(seconds, p);
  return { billed, amount: priceMinor(billed, p) };
}

/**
 * The longest call `available` minor units pay for at `p`, in billed seconds on an increment
 * boundary, at most `cap`; 0 when not even the first increment (with the connection fee) is
 * covered. priceMinor(result) ≤ available always.
 */
export function maxSeconds(available: number, p: Price, cap: number): number {
  if (available <= 0) return p.rate === 0 && p.fee === 0 ? cap : 0;
  // price(D) ≤ A  ⟺  60·fee + D·rate ≤ 6·10^7·A  (ceil(x/k) ≤ A ⟺ x ≤ k·A for integers)
  const budgetF = 60e6 * available - 60 * p.fee;
  if (budgetF < 2 ** 52 && p.rate * Math.max(p.first, p.next, cap) < 2 ** 52) {
    // every product is an exact integer below 2^53: Numbers are exact here
    const rest = budgetF - p.first * p.rate;
    if (rest < 0) return 0;
    if (p.rate === 0) return cap;
    const step = p.next * p.rate;
    let k = Math.floor(rest / step);
    while (k > 0 && k * step > rest) k--;
    while ((k + 1) * step <= rest) k++;
    return Math.min(p.first + k * p.next, cap);
  }
  const rest =
    60n * BigInt(MICRO) * BigInt(available) - 60n * BigInt(p.fee) - BigInt(p.first) * BigInt(p.rate);
  if (rest < 0n) return 0;
  if (p.rate === 0) return cap;
  const k = rest / (BigInt(p.next) * BigInt(p.rate));
  const d = BigInt(p.first) + k * BigInt(p.next);
  return d > BigInt(cap) ? cap : Number(d);
}
