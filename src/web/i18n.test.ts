import { describe, expect, it } from 'vitest';
import { CATALOGS, fromAcceptLanguage, LANGUAGES, localeFor, negotiate } from './i18n.ts';

describe('web: languages', () => {
  it('has every key of the English catalog in every catalog, none empty, the same {{placeholders}}', () => {
    const keys = Object.keys(CATALOGS.en).sort();
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const lang of LANGUAGES) {
      const cat = CATALOGS[lang] as Record<string, string>;
      expect(Object.keys(cat).sort(), lang).toEqual(keys);
      for (const k of keys) {
        expect(cat[k]?.trim(), `${lang}: ${k}`).toBeTruthy();
        expect(vars(cat[k]!), `${lang}: ${k}`).toEqual(vars((CATALOGS.en as Record<string, string>)[k]!));
      }
    }
    // translated, not copied: most messages differ from English
    for (const lang of ['ko', 'ja'] as const) {
      const cat = CATALOGS[lang] as Record<string, string>;
      const same = keys.filter((k) => cat[k] === (CATALOGS.en as Record<string, string>)[k]);
      expect(same.length, `${lang}: ${same.join(', ')}`).toBeLessThan(5);
    }
  });

  it('chooses the preference, else the switcher, else Accept-Language, else English', () => {
    expect(negotiate('ja', 'ko', 'en')).toBe('ja');
    expect(negotiate(undefined, 'ko', 'ja')).toBe('ko');
    expect(negotiate(undefined, undefined, 'fr-FR, ja;q=0.8, ko;q=0.9')).toBe('ko');
    expect(negotiate(undefined, undefined, 'fr, de')).toBe('en');
    expect(negotiate('xx', 'nonsense', undefined)).toBe('en');
    expect(fromAcceptLanguage('ko-KR,ko;q=0.9,en-US;q=0.8')).toBe('ko');
    expect(fromAcceptLanguage('en;q=0, ja')).toBe('ja');
  });

  it('formats numbers, money (minor units) and dates for the locale', () => {
    const en = localeFor('en');
    const ko = localeFor('ko');
    const ja = localeFor('ja');
    expect(en.money({ amount: 13000, currency: 'USD' })).toBe('$130.00');
    expect(ko.money({ amount: 13000, currency: 'KRW' })).toBe('₩13,000');
    expect(ja.money({ amount: 1500, currency: 'JPY' })).toMatch(/^[￥¥]1,500$/);
    expect(ko.number(1234567)).toBe('1,234,567');
    expect(ko.country('JP')).toBe('일본');
    expect(ja.country('KR')).toBe('韓国');
    expect(ja.date(Date.UTC(2026, 0, 15))).toBe('2026/01/15');
    expect(ko.t('store.title')).toBe('번호 찾기');
    expect(ja.t('login.throttled', { minutes: 3 })).toContain('3分後');
  });
});
