import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { formatVns, formatVnsBase, readVns, VNS_BASE_MAX_DIGITS, VNS_BASE_MIN_DIGITS } from './vns.ts';

describe('readVns', () => {
  it.each([
    ['6200-6200#082', '62006200', '82'],
    ['62006200#82', '62006200', '82'],
    ['6200 6200 # 082', '62006200', '82'],
    ['6200.6200#001', '62006200', '1'],
    ['62006200#1', '62006200', '1'],
    ['62006200#358', '62006200', '358'],
    ['62006200#44', '62006200', '44'],
    ['0062#82', '0062', '82'], // leading zeros kept: the base is never dialled nationally
    ['1234#82', '1234', '82'],
    ['123456789012#82', '123456789012', '82'],
  ])('%s -> %s # %s', (text, base, callingCode) => {
    expect(readVns(text, text)).toMatchObject({ base, callingCode });
  });

  it('lists every country sharing the calling code', () => {
    expect(readVns('62006200#1', '').countries).toEqual(expect.arrayContaining(['US', 'CA']));
    expect(readVns('62006200#7', '').countries).toEqual(['RU', 'KZ']);
  });

  it.each([
    ['6200#6200#82', 'bad-vns', /exactly one '#'/],
    ['#82', 'bad-vns', /no base number/],
    ['62006200#', 'bad-vns', /no country code/],
    ['62006200#999', 'unknown-country-code', /country code 999 does not exist/],
    ['62006200#0', 'unknown-country-code', /does not exist/],
    ['62006200#000', 'unknown-country-code', /does not exist/],
    ['62006200#0082', 'unknown-country-code', /0082 does not exist/],
    ['62006200#800', 'unknown-country-code', /800 belongs to no country/],
    ['123#82', 'too-short', new RegExp(`at least ${VNS_BASE_MIN_DIGITS} digits`)],
    ['1234567890123#82', 'too-long-number', new RegExp(`at most ${VNS_BASE_MAX_DIGITS} digits`)],
    ['+62006200#82', 'bad-characters', /only digits/],
    ['62006200#+82', 'bad-characters', /only digits/],
  ])('%s -> %s', (text, code, message) => {
    const err = errorOf(() => readVns(text, text));
    expect(err?.code).toBe(code);
    expect(err?.message).toMatch(message);
  });
});

describe('formatting', () => {
  it.each([
    ['62006200', '6200-6200'],
    ['1234567', '123-4567'],
    ['1234', '1234'],
    ['123456789012', '1234-5678-9012'],
    ['12345', '1-2345'],
  ])('base %s -> %s', (base, out) => {
    expect(formatVnsBase(base)).toBe(out);
  });

  it.each([
    ['62006200', '82', '6200-6200#082'],
    ['62006200', '1', '6200-6200#001'],
    ['62006200', '358', '6200-6200#358'],
  ])('%s %s -> %s', (base, cc, out) => {
    expect(formatVns(base, cc)).toBe(out);
  });
});
