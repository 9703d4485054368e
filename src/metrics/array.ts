// Hot-path metrics: counters and histograms kept in preallocated typed arrays, which prom-client
// reads and formats like its own metrics when /metrics is scraped.
import type { Metric, Registry } from 'prom-client';

/** Latency buckets in seconds: DNS and SIP answer in well under a millisecond, HTTP in milliseconds. */
export const FAST_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export type Sample = { labels: Record<string, string>; value: number; metricName?: string };

/** A metric prom-client formats like its own, whose samples are read from typed arrays at scrape time. */
export function arrayMetric(
  registry: Registry,
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  samples: () => Sample[],
  reset: () => void,
): void {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    // metric.name, not name: the registry renames counters for OpenMetrics, as for its own
    get: async () => ({ name: metric.name, help, type, aggregator: 'sum', values: samples() }),
    reset,
  };
  registry.registerMetric(metric as unknown as Metric);
}

/** Latency histogram over fixed buckets for `series` label sets: observe() is a short search and two adds. */
export function fixedHistogram(buckets: readonly number[], series: number) {
  const bounds = Float64Array.from(buckets);
  const width = bounds.length + 1; // the last cell is +Inf
  const counts = new Float64Array(series * width);
  const sums = new Float64Array(series);
  return {
    observe(s: number, seconds: number): void {
      let i = 0;
      while (i < bounds.length && seconds > bounds[i]!) i++;
      counts[s * width + i]!++;
      sums[s]! += seconds;
    },
    /** Prometheus samples (cumulative buckets, sum, count) of every series observed at least once. */
    samples(name: string, labelsOf: (s: number) => Record<string, string>): Sample[] {
      const out: Sample[] = [];
      for (let s = 0; s < series; s++) {
        let total = 0;
        const base = s * width;
        for (let i = 0; i < width; i++) total += counts[base + i]!;
        if (total === 0) continue;
        const labels = labelsOf(s);
        let acc = 0;
        for (let i = 0; i < width; i++) {
          acc += counts[base + i]!;
          const le = i < bounds.length ? String(bounds[i]) : '+Inf';
          out.push({ metricName: `${name}_bucket`, labels: { le, ...labels }, value: acc });
        }
        out.push({ metricName: `${name}_sum`, labels, value: sums[s]! });
        out.push({ metricName: `${name}_count`, labels, value: total });
      }
      return out;
    },
    reset(): void {
      counts.fill(0);
      sums.fill(0);
    },
  };
}
