// Whether any valid telephone number starts with a digit prefix: the check behind routes (PSTN
// gateways' prefixes, partner carriers' ranges) that no call could ever reach (docs/numbering.md,
// "Route prefixes"). A number is valid when it matches one of its region's number-type patterns
// in libphonenumber's metadata (fixed line, mobile, toll free, ...); a prefix is reachable when
// one of those patterns can still match after reading it. The patterns use a small regex subset
// (digits, \d, [classes], (?:groups), |, ?, {m,n}), compiled here once each into an NFA.
import { Metadata } from 'libphonenumber-js/max';
import { callingCodeExists, countriesOf } from './metadata.ts';

interface PlanApi {
  selectNumberingPlan(country: string, callingCode?: string): PlanApi;
  numberingPlan?: { type(t: string): { pattern(): string } | undefined };
}
const metadata = new (Metadata as unknown as new () => PlanApi)();

const TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'TOLL_FREE',
  'PREMIUM_RATE',
  'SHARED_COST',
  'PERSONAL_NUMBER',
  'VOIP',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;

// --- a tiny regex -> NFA over the digits ---------------------------------------------------

type Ast =
  | { k: 'set'; mask: number }
  | { k: 'cat'; items: Ast[] }
  | { k: 'alt'; items: Ast[] }
  | { k: 'rep'; item: Ast; min: number; max: number };

function parseRegex(src: string): Ast {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`numbering: pattern ${src}: ${why} at ${i}`);
  };
  function alt(): Ast {
    const items = [cat()];
    while (src[i] === '|') {
      i++;
      items.push(cat());
    }
    return items.length === 1 ? items[0]! : { k: 'alt', items };
  }
  function cat(): Ast {
    const items: Ast[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') items.push(quant(atom()));
    return { k: 'cat', items };
  }
  function atom(): Ast {
    const c = src[i++];
    if (c === '(') {
      if (src.startsWith('?:', i)) i += 2;
      const inner = alt();
      if (src[i++] !== ')') fail('missing )');
      return inner;
    }
    if (c === '\\') {
      if (src[i++] !== 'd') fail('unsupported escape');
      return { k: 'set', mask: 0x3ff };
    }
    if (c === '[') {
      let mask = 0;
      while (src[i] !== ']') {
        let a = src[i++];
        if (a === '\\' && src[i] === 'd') {
          i++;
          mask |= 0x3ff;
          continue;
        }
        let b = a;
        if (src[i] === '-' && src[i + 1] !== ']') {
          i++;
          b = src[i++];
        }
        if (a === undefined || b === undefined || !/\d/.test(a) || !/\d/.test(b)) fail('bad class');
        for (let d = Number(a); d <= Number(b); d++) mask |= 1 << d;
        a = undefined;
      }
      i++;
      return { k: 'set', mask };
    }
    if (c !== undefined && /\d/.test(c)) return { k: 'set', mask: 1 << Number(c) };
    return fail(`unsupported '${c}'`);
  }
  function quant(item: Ast): Ast {
    const c = src[i];
    if (c === '?') {
      i++;
      return { k: 'rep', item, min: 0, max: 1 };
    }
    if (c === '*' || c === '+') {
      i++;
      return { k: 'rep', item, min: c === '+' ? 1 : 0, max: Number.POSITIVE_INFINITY };
    }
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (!m) fail('bad {m,n}');
      i += m![0].length;
      const min = Number(m![1]);
      const max = m![2] === undefined ? min : m![3] === '' ? Number.POSITIVE_INFINITY : Number(m![3]);
      return { k: 'rep', item, min, max };
    }
    return item;
  }
  const ast = alt();
  if (i !== src.length) fail('trailing input');
  return ast;
}

interface Nfa {
  eps: number[][];
  edges: [mask: number, to: number][][];
  start: number;
  /** States from which the accepting state can be reached. */
  live: Set<number>;
}

function compile(ast: Ast): Nfa {
  const eps: number[][] = [];
  const edges: [number, number][][] = [];
  const state = () => {
    eps.push([]);
    edges.push([]);
    return eps.length - 1;
  };
  function frag(a: Ast): [number, number] {
    switch (a.k) {
      case 'set': {
        const s = state();
        const e = state();
        edges[s]!.push([a.mask, e]);
        return [s, e];
      }
      case 'cat': {
        const s = state();
        let end = s;
        for (const it of a.items) {
          const [fs, fe] = frag(it);
          eps[end]!.push(fs);
          end = fe;
        }
        return [s, end];
      }
      case 'alt': {
        const s = state();
        const e = state();
        for (const it of a.items) {
          const [fs, fe] = frag(it);
          eps[s]!.push(fs);
          eps[fe]!.push(e);
        }
        return [s, e];
      }
      case 'rep': {
        const s = state();
        let end = s;
        for (let n = 0; n < a.min; n++) {
          const [fs, fe] = frag(a.item);
          eps[end]!.push(fs);
          end = fe;
        }
        const e = state();
        if (a.max === Number.POSITIVE_INFINITY) {
          const [fs, fe] = frag(a.item);
          eps[end]!.push(fs, e);
          eps[fe]!.push(end);
        } else {
          for (let n = a.min; n < a.max; n++) {
            const [fs, fe] = frag(a.item);
            eps[end]!.push(fs, e);
            end = fe;
          }
        }
        eps[end]!.push(e);
        return [s, e];
      }
    }
  }
  const [start, accept] = frag(ast);
  // states that can reach `accept`: a backward walk over every edge
  const back: number[][] = eps.map(() => []);
  eps.forEach((to, from) => {
    for (const t of to) back[t]!.push(from);
  });
  edges.forEach((list, from) => {
    for (const [, t] of list) back[t]!.push(from);
  });
  const live = new Set([accept]);
  const stack = [accept];
  while (stack.length) for (const p of back[stack.pop()!]!) if (!live.has(p) && live.add(p)) stack.push(p);
  return { eps, edges, start, live };
}

function closure(nfa: Nfa, states: Iterable<number>): Set<number> {
  const out = new Set<number>();
  const stack = [...states];
  while (stack.length) {
    const s = stack.pop()!;
    if (out.has(s)) continue;
    out.add(s);
    stack.push(...nfa.eps[s]!);
  }
  return out;
}

/** True when some string that starts with `digits` matches the whole pattern. */
function canStartWith(nfa: Nfa, digits: string): boolean {
  let cur = closure(nfa, [nfa.start]);
  for (const ch of digits) {
    const bit = 1 << Number(ch);
    const next: number[] = [];
    for (const s of cur) for (const [mask, to] of nfa.edges[s]!) if (mask & bit) next.push(to);
    if (next.length === 0) return false;
    cur = closure(nfa, next);
  }
  for (const s of cur) if (nfa.live.has(s)) return true;
  return false;
}

const compiled = new Map<string, Nfa>();
function nfaOf(pattern: string): Nfa {
  let n = compiled.get(pattern);
  if (!n) {
    n = compile(parseRegex(pattern));
    compiled.set(pattern, n);
  }
  return n;
}

/** The number-type patterns of a region ('001' with a calling code: non-geographic numbers). */
function patternsOf(region: string, callingCode?: string): string[] {
  const plan = metadata.selectNumberingPlan(region, callingCode).numberingPlan;
  const out: string[] = [];
  for (const t of TYPES) {
    const p = plan?.type(t)?.pattern();
    if (p) out.push(p);
  }
  return out;
}

/**
 * Null when some valid number starts with +`digits` (E.164 digits without '+'; '' routes
 * everything), else why not, for a message: no calling code starts so, or no number range of
 * the calling code's countries does.
 */
export function prefixProblem(digits: string): string | null {
  if (!/^\d{0,15}$/.test(digits)) return `+${digits} is not a digit prefix`;
  for (let len = 1; len <= 3; len++) {
    const cc = digits.slice(0, len);
    if (digits.length < len) break;
    if (!callingCodeExists(cc)) continue;
    const national = digits.slice(len);
    const regions = countriesOf(cc);
    const plans = regions.length ? regions.map((r) => patternsOf(r)) : [patternsOf('001', cc)];
    for (const patterns of plans) for (const p of patterns) if (canStartWith(nfaOf(p), national)) return null;
    return `no valid number starts with +${digits} (+${cc}${regions.length ? ` is ${regions.slice(0, 4).join(', ')}${regions.length > 4 ? ', …' : ''}` : ''}; libphonenumber's number ranges)`;
  }
  // shorter than a calling code: reachable when some calling code starts with it
  for (let cc = 1; cc < 1000; cc++)
    if (String(cc).startsWith(digits) && callingCodeExists(String(cc))) return null;
  return `no calling code starts with +${digits}`;
}
