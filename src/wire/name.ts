// Domain names. A name is an array of labels, each label a latin1 string holding its raw octets
// (so `\.` and `\DDD` from master files survive exactly). Lookups use a key: lower-cased labels
// with '.' and '\' escaped, joined by '.', root = ''. The wire parser builds the same key.

export type Labels = string[];

export class NameError extends Error {
  override name = 'NameError';
}

const MAX_LABEL = 63;
const MAX_NAME = 255;

/** ASCII-only lower-casing (DNS compares case-insensitively for A-Z only). */
export function lowerLabel(label: string): string {
  let out = '';
  let changed = false;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c >= 65 && c <= 90) changed = true;
  }
  if (!changed) return label;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : label[i];
  }
  return out;
}

function keyLabel(label: string): string {
  const l = lowerLabel(label);
  return l.includes('.') || l.includes('\\') ? l.replace(/[\\.]/g, (m) => `\\${m}`) : l;
}

export function nameKey(labels: Labels): string {
  // join() makes one flat string; `+=` would keep a tree of concatenated pieces (~600 bytes
  // for an ENUM name instead of ~60), and keys are kept for every node of the model
  const parts = new Array<string>(labels.length);
  for (let i = 0; i < labels.length; i++) parts[i] = keyLabel(labels[i]!);
  return parts.join('.');
}

/** The labels of a key (lower case: the key keeps no case). */
export function keyLabels(key: string): Labels {
  if (key === '') return [];
  if (!key.includes('\\')) return key.split('.');
  const out: Labels = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c === '\\') cur += key[++i];
    else if (c === '.') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Index of the '.' that ends the first label of a key, or -1 when the key has one label. */
export function firstSep(key: string): number {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 46) return i;
  }
  return -1;
}

/**
 * Fills `out` with the offset where each label of `key` starts (out[0] = 0) and returns the
 * number of labels: `key.slice(out[i])` is the name without its first i labels.
 */
export function labelStarts(key: string, out: number[]): number {
  if (key === '') return 0;
  let n = 0;
  out[n++] = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 46) out[n++] = i + 1;
  }
  return n;
}

/** The key of the parent name ('' for a one-label name, null for the root). */
export function parentKey(key: string): string | null {
  if (key === '') return null;
  const i = firstSep(key);
  return i < 0 ? '' : key.slice(i + 1);
}

export function labelCountOfKey(key: string): number {
  if (key === '') return 0;
  let n = 1;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 46) n++;
  }
  return n;
}

/** True when `key` equals `apex` or lies below it. */
export function isSubdomainKey(key: string, apex: string): boolean {
  if (apex === '') return true;
  if (key === apex) return true;
  if (!key.endsWith(apex) || key.charCodeAt(key.length - apex.length - 1) !== 46) return false;
  // the '.' before the apex must not be escaped: count backslashes before it
  let bs = 0;
  for (let i = key.length - apex.length - 2; i >= 0 && key.charCodeAt(i) === 92; i--) bs++;
  return bs % 2 === 0;
}

export function wireLength(labels: Labels): number {
  let n = 1;
  for (const l of labels) n += l.length + 1;
  return n;
}

export function checkName(labels: Labels): void {
  for (const l of labels) {
    if (l.length === 0) throw new NameError('empty label');
    if (l.length > MAX_LABEL) throw new NameError(`label '${l}' is longer than ${MAX_LABEL} octets`);
  }
  if (wireLength(labels) > MAX_NAME) throw new NameError(`name is longer than ${MAX_NAME} octets`);
}

/** The root name; shared, never mutated. */
const ROOT: Labels = [];

const SPECIAL = new Set(['.', ';', '\\', '(', ')', '"', '@', '$']);

function presentLabel(label: string): string {
  let out = '';
  for (let i = 0; i < label.length; i++) {
    const ch = label[i]!;
    const c = ch.charCodeAt(0);
    if (c <= 32 || c >= 127) out += `\\${String(c).padStart(3, '0')}`;
    else if (SPECIAL.has(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/** Absolute presentation form with a trailing dot ('.' for the root). */
export function toText(labels: Labels): string {
  if (labels.length === 0) return '.';
  return `${labels.map(presentLabel).join('.')}.`;
}

/** Presentation without the trailing dot, for messages and keys people read. */
export function toDisplay(labels: Labels): string {
  return labels.length === 0 ? '.' : labels.map(presentLabel).join('.');
}

/**
 * Parses a name in presentation format (RFC 1035 §5.1): escapes `\X` and `\DDD`, '@' for the
 * origin, relative names completed with the origin.
 */
export function parseName(text: string, origin: Labels | null): Labels {
  if (text === '@') {
    if (!origin) throw new NameError("'@' used with no $ORIGIN");
    return origin.slice();
  }
  if (text === '.') return ROOT;
  if (!text.includes('\\')) {
    // no escapes: split (the common case, and the fast one)
    const absolute = text.endsWith('.');
    let labels = (absolute ? text.slice(0, -1) : text).split('.');
    if (!absolute) {
      if (!origin) throw new NameError(`relative name '${text}' with no $ORIGIN`);
      labels = labels.concat(origin);
    }
    checkName(labels);
    return labels;
  }
  const labels: Labels = [];
  let cur = '';
  let absolute = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      const d = /^[0-9]{3}/.exec(text.slice(i + 1, i + 4));
      if (d) {
        const v = Number(d[0]);
        if (v > 255) throw new NameError(`bad escape \\${d[0]} in '${text}'`);
        cur += String.fromCharCode(v);
        i += 3;
      } else {
        if (i + 1 >= text.length) throw new NameError(`dangling '\\' in '${text}'`);
        cur += text[++i];
      }
    } else if (ch === '.') {
      if (cur.length === 0) throw new NameError(`empty label in '${text}'`);
      labels.push(cur);
      cur = '';
      if (i === text.length - 1) absolute = true;
    } else {
      cur += ch;
    }
  }
  if (cur.length > 0) labels.push(cur);
  let out = labels;
  if (!absolute) {
    if (!origin) throw new NameError(`relative name '${text}' with no $ORIGIN`);
    out = labels.concat(origin);
  }
  checkName(out);
  return out;
}

/** Key from a plain lower-or-mixed case name string such as 'callx.test' or 'callx.test.'. */
export function keyOf(text: string): string {
  return nameKey(parseName(text.endsWith('.') ? text : `${text}.`, null));
}
