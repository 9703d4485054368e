import { describe, expect, it } from 'vitest';
import type { Rdata } from '#wire';
import { parseName, TYPE } from '#wire';
import { PendingChanges } from './changes.ts';
import type { RRsetData } from './types.ts';

const owner = parseName('a.callx.test.', null);
const a = (ip: string): Rdata => ({ type: TYPE.A, fields: [ip] });
const set = (ttl: number, ...ips: string[]): RRsetData => ({ ttl, rdatas: ips.map(a) });
const shown = (p: PendingChanges) => {
  const t = p.take();
  const f = (rrs: typeof t.added) => rrs.map((r) => `${r.ttl} ${r.rdata.fields[0]}`).sort();
  return { removed: f(t.removed), added: f(t.added) };
};

describe('PendingChanges: the net effect of the edits in one open step', () => {
  const cases: {
    name: string;
    steps: [RRsetData | undefined, RRsetData | undefined][];
    removed: string[];
    added: string[];
  }[] = [
    {
      name: 'a new RRset',
      steps: [[undefined, set(300, '192.0.2.1')]],
      removed: [],
      added: ['300 192.0.2.1'],
    },
    {
      name: 'a deleted RRset',
      steps: [[set(300, '192.0.2.1'), undefined]],
      removed: ['300 192.0.2.1'],
      added: [],
    },
    {
      name: 'one record replaced, the other kept',
      steps: [[set(300, '192.0.2.1', '192.0.2.2'), set(300, '192.0.2.1', '192.0.2.3')]],
      removed: ['300 192.0.2.2'],
      added: ['300 192.0.2.3'],
    },
    {
      name: 'a TTL change removes and adds every record',
      steps: [[set(300, '192.0.2.1'), set(60, '192.0.2.1')]],
      removed: ['300 192.0.2.1'],
      added: ['60 192.0.2.1'],
    },
    {
      name: 'added then removed within the step: nothing',
      steps: [
        [undefined, set(300, '192.0.2.1')],
        [set(300, '192.0.2.1'), undefined],
      ],
      removed: [],
      added: [],
    },
    {
      name: 'removed then put back within the step: nothing',
      steps: [
        [set(300, '192.0.2.1'), undefined],
        [undefined, set(300, '192.0.2.1')],
      ],
      removed: [],
      added: [],
    },
  ];
  it.each(cases)('$name', ({ steps, removed, added }) => {
    const p = new PendingChanges();
    for (const [before, after] of steps) p.record(owner, TYPE.A, before, after);
    expect(p.size).toBe(removed.length + added.length);
    expect(shown(p)).toEqual({ removed, added });
  });
});
