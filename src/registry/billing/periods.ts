// Settlement periods (docs/billing.md, "Settlement"): calendar months in UTC ('2026-01'), or
// days ('2026-01-31') when CALLX_BILLING_PERIOD=day. A period's id sorts in time order.

export type PeriodUnit = 'month' | 'day';

const pad = (n: number) => String(n).padStart(2, '0');

/** The period a time falls in. */
export function periodOf(ms: number, unit: PeriodUnit): string {
  const d = new Date(ms);
  const month = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  return unit === 'month' ? month : `${month}-${pad(d.getUTCDate())}`;
}

/** When a period starts (epoch ms). */
export function periodStart(period: string): number {
  const [y, m, d] = period.split('-').map(Number) as [number, number, number | undefined];
  return Date.UTC(y, m - 1, d ?? 1);
}

/** When a period ends (exclusive): the start of the next one. */
export function periodEnd(period: string): number {
  const [y, m, d] = period.split('-').map(Number) as [number, number, number | undefined];
  return d === undefined ? Date.UTC(y, m, 1) : Date.UTC(y, m - 1, d + 1);
}

/** The period after `period`. */
export const nextPeriod = (period: string): string =>
  periodOf(periodEnd(period), period.length > 7 ? 'day' : 'month');
