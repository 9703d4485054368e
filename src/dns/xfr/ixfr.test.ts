import { describe, expect, it } from 'vitest';
import type { ChangeStep } from '../model/types.ts';
import { stepsBetween } from './ixfr.ts';

const step = (from: number, to: number): ChangeStep => ({ from, to, removed: [], added: [] });

describe('IXFR history', () => {
  const changes = [step(10, 12), step(12, 15), step(15, 4294967295), step(4294967295, 3)];

  it.each([
    [10, 3, [10, 12, 15, 4294967295]],
    [15, 3, [15, 4294967295]],
    [4294967295, 3, [4294967295]],
  ])('from %i to %i', (from, to, froms) => {
    expect(stepsBetween(changes, from, to)?.map((s) => s.from)).toEqual(froms);
  });

  it.each([
    [9, 3], // older than the history: AXFR
    [11, 3], // never a serial of this zone
    [10, 15], // the steps do not end at the current serial
  ])('none from %i to %i', (from, to) => expect(stepsBetween(changes, from, to)).toBeNull());

  it('needs an unbroken chain', () => {
    expect(stepsBetween([step(1, 2), step(3, 4)], 1, 4)).toBeNull();
  });
});
