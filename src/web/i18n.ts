// Mother tongue (docs/web.md, "Languages"): message catalogs through i18next, numbers, money and
// dates through Intl for the visitor's locale. The language is the member's (or staff user's)
// preference, else the visitor's choice in the switcher (a cookie), else Accept-Language, else
// English.
import i18next, { type TFunction } from 'i18next';
import { en, type MessageKey } from './locales/en.ts';
import { ja } from './locales/ja.ts';
import { ko } from './locales/ko.ts';

export const LANGUAGES = ['en', 'ko', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', ko: '한국어', ja: '日本語' };
export const CATALOGS = { en, ko, ja } as const;

const i18n = i18next.createInstance();
void i18n.init({
  resources: { en: { translation: en }, ko: { translation: ko }, ja: { translation: ja } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  // flat keys with dots ('store.title'); pages escape values themselves (hono/html)
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  initAsync: false,
});

/** The supported language a tag names ('ko-KR' -> 'ko'), or null. */
export function languageOf(tag: string | undefined | null): Language | null {
  if (!tag) return null;
  const base = tag.trim().toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base ?? '') ? (base as Language) : null;
}

/** The best supported language of an Accept-Language header (by q-value), or null. */
export function fromAcceptLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag, weight: Number.isFinite(weight) ? weight : 0, i };
    })
    .filter((x) => x.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.i - b.i);
  for (const r of ranked) {
    const l = languageOf(r.tag);
    if (l) return l;
  }
  return null;
}

export function negotiate(
  pref: string | undefined,
  cookie: string | undefined,
  accept: string | undefined,
): Language {
  return languageOf(pref) ?? languageOf(cookie) ?? fromAcceptLanguage(accept) ?? 'en';
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Formatting for one locale: messages, numbers, money (minor units), dates, countries. */
export interface Locale {
  lang: Language;
  t: Translate;
  number(n: number): string;
  money(m: { amount: number; currency: string }): string;
  date(ms: number): string;
  dateTime(ms: number): string;
  country(code: string): string;
}

const cache = new Map<Language, Locale>();

/** Digits after the decimal point of a currency (KRW, JPY: 0; USD: 2). */
export function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

export function localeFor(lang: Language): Locale {
  const hit = cache.get(lang);
  if (hit) return hit;
  const fixed: TFunction = i18n.getFixedT(lang);
  const num = new Intl.NumberFormat(lang);
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(lang, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  });
  const regions = new Intl.DisplayNames([lang], { type: 'region' });
  const moneyFormats = new Map<string, Intl.NumberFormat>();
  const l: Locale = {
    lang,
    t: (key, vars) => fixed(key, vars ?? {}) as string,
    number: (n) => num.format(n),
    money({ amount, currency }) {
      let f = moneyFormats.get(currency);
      if (!f) {
        try {
          f = new Intl.NumberFormat(lang, { style: 'currency', currency });
        } catch {
          f = new Intl.NumberFormat(lang, { minimumFractionDigits: 2 });
        }
        moneyFormats.set(currency, f);
      }
      return f.format(amount / 10 ** currencyDigits(currency));
    },
    date: (ms) => date.format(ms),
    dateTime: (ms) => `${dateTime.format(ms)} UTC`,
    country(code) {
      try {
        return regions.of(code) ?? code;
      } catch {
        return code;
      }
    },
  };
  cache.set(lang, l);
  return l;
}
