import { describe, expect, it } from 'vitest';
import { ID_PATTERN, newId } from './ids.ts';

describe('ids', () => {
  it('sort by creation time and never collide', () => {
    const a = newId('o', 1_700_000_000_000);
    const b = newId('o', 1_700_000_000_001);
    expect(a).toMatch(ID_PATTERN);
    expect(a < b).toBe(true);
    const same = new Set(Array.from({ length: 1000 }, () => newId('m', 5)));
    expect(same.size).toBe(1000);
  });
});
