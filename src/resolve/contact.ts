// Contacts of a 302: q-values, and the caller identity embedded as a URI header
// (RFC 3261 §19.1.5: a header in a URI, applied by whoever follows the redirect).

// hvalue = *( hnv-unreserved / unreserved / escaped ); hnv-unreserved = "[" "]" "/" "?" ":" "+" "$".
// One regex pass: an Identity value (~600 characters of base64url) has only a few to escape.
const HVALUE_UNSAFE = /[^A-Za-z0-9\-_.!~*'()[\]/?:+$]/gu;
const escapeChar = (ch: string) => {
  let out = '';
  for (const b of Buffer.from(ch, 'utf8')) out += `%${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`;
  return out;
};

/** Escapes a header value for use in a SIP URI's headers part (UTF-8 percent-escapes). */
export function escapeHeaderValue(value: string): string {
  return value.replace(HVALUE_UNSAFE, escapeChar);
}

/** Adds `?Name=value` (or `&Name=value`) to a SIP URI, replacing a header of the same name. */
export function withUriHeader(uri: string, name: string, value: string): string {
  return withEscapedUriHeader(uri, name, escapeHeaderValue(value));
}

/** withUriHeader for a value already escaped with escapeHeaderValue. */
export function withEscapedUriHeader(uri: string, name: string, escaped: string): string {
  const q = uri.indexOf('?');
  if (q < 0) return `${uri}?${name}=${escaped}`;
  const kept = uri
    .slice(q + 1)
    .split('&')
    .filter((h) => h && h.split('=', 1)[0]!.toLowerCase() !== name.toLowerCase());
  kept.push(`${name}=${escaped}`);
  return `${uri.slice(0, q)}?${kept.join('&')}`;
}

/** Removes a URI parameter (e.g. our own routing hints) from a SIP URI; returns the value too. */
export function takeUriParam(uri: string, name: string): { uri: string; value: string | undefined } {
  const q = uri.indexOf('?');
  const base = q < 0 ? uri : uri.slice(0, q);
  const headers = q < 0 ? '' : uri.slice(q);
  const parts = base.split(';');
  let value: string | undefined;
  const kept = [parts[0]!];
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    const n = (eq < 0 ? p : p.slice(0, eq)).toLowerCase();
    if (n === name.toLowerCase()) value = eq < 0 ? '' : p.slice(eq + 1);
    else kept.push(p);
  }
  return { uri: kept.join(';') + headers, value };
}

/**
 * q-values for n Contacts in order of preference, strictly decreasing: 1.0, 0.9, ... for up to
 * ten, evenly spaced in thousandths beyond that (RFC 3261 qvalue: at most three decimals).
 */
export function qvalues(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const q = n <= 10 ? (10 - i) / 10 : Math.round(((n - i) / n) * 1000) / 1000;
    out.push(q === 1 ? '1.0' : q.toFixed(3).replace(/0+$/, '').replace(/\.$/, '.0'));
  }
  return out;
}

/** A Contact header value: name-addr with q (angle brackets are required once there are URI headers). */
export function contactValue(uri: string, q: string): string {
  return `<${uri}>;q=${q}`;
}
