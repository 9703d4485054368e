// Identifiers as the resolver sees them: the dialed target and the caller parsed by the number
// plan (libphonenumber costs tens of microseconds per parse, so recent ones are remembered,
// errors included) and the caller's country, which national numbers take.
import { LRUCache } from 'lru-cache';
import { type Identifier, NumberingError, parseIdentifier } from '#numbering';
import type { Caller } from './callerid.ts';

export function createIdentify(defaultCountry: string | undefined, entries = 20_000) {
  const parseMemo = new LRUCache<string, Identifier | NumberingError>({
    max: entries,
  });

  function parse(input: string, country: string | undefined): Identifier {
    const key = `${country ?? ''}|${input}`;
    let r = parseMemo.get(key);
    if (r === undefined) {
      try {
        r = parseIdentifier(input, { defaultCountry: country });
      } catch (err) {
        if (!(err instanceof NumberingError)) throw err;
        r = err;
      }
      parseMemo.set(key, r);
    }
    if (r instanceof NumberingError) throw r;
    return r;
  }

  function callerOf(
    c: { uri: string; display?: string | undefined; header?: Caller['header'] } | undefined,
  ): Caller | null {
    if (!c) return null;
    let identifier: Identifier | null = null;
    try {
      identifier = parse(c.uri, defaultCountry);
    } catch {
      identifier = null;
    }
    const country =
      identifier && (identifier.kind === 'e164' || identifier.kind === 'pin') ? identifier.country : null;
    return {
      uri: c.uri,
      display: c.display,
      header: c.header ?? 'From',
      identifier,
      country: country ?? defaultCountry ?? null,
    };
  }

  return { parse, callerOf, memo: parseMemo };
}
