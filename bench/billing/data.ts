// Synthetic rate decks for the billing benchmarks: `n` distinct E.164 prefixes of 2-9 digits
// under real country codes, rates 0.001-0.5 a minute, a mix of 60/60, 30/6 and 1/1 increments;
// and dialed numbers that fall under them. Deterministic (a seeded generator).
const CC = [
  '1',
  '7',
  '20',
  '27',
  '31',
  '33',
  '34',
  '39',
  '44',
  '49',
  '52',
  '55',
  '61',
  '62',
  '81',
  '82',
  '86',
  '90',
  '91',
  '234',
];

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
export function rng(seed = 7) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deck CSV of `n` prefixes (header included), and the prefixes. */
export function deckCsv(n: number, seed = 7): { csv: string; prefixes: string[] } {
  const r = rng(seed);
  const seen = new Set<string>();
  const lines = ['prefix,destination,rate,connection_fee,increment,effective_from'];
  const incs = ['60/60', '30/6', '1/1'];
  while (seen.size < n) {
    const cc = CC[Math.floor(r() * CC.length)]!;
    const len = 1 + Math.floor(r() * 7);
    let p = cc;
    for (let i = 0; i < len; i++) p += Math.floor(r() * 10);
    if (seen.has(p)) continue;
    seen.add(p);
    const rate = (0.001 + r() * 0.5).toFixed(4);
    lines.push(`${p},Dest ${p.slice(0, 4)},${rate},0,${incs[Math.floor(r() * 3)]},2025-01-01`);
  }
  return { csv: `${lines.join('\n')}\n`, prefixes: [...seen] };
}

/** E.164 digits (no '+') under the prefixes: each prefix padded with random digits to 11-13. */
export function numbersUnder(prefixes: string[], n: number, seed = 11): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let d = prefixes[Math.floor(r() * prefixes.length)]!;
    const len = 11 + Math.floor(r() * 3);
    while (d.length < len) d += Math.floor(r() * 10);
    out.push(d);
  }
  return out;
}
