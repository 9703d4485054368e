import { describe, expect, it } from 'vitest';
import { keyLabels, labelStarts, nameKey, parentKey, parseName } from './name.ts';

describe('name keys', () => {
  it.each([
    ['www.Example.TEST.', 'www.example.test', ['www', 'example', 'test']],
    [
      'acme\\.corp.domains.callx.test.',
      'acme\\.corp.domains.callx.test',
      ['acme.corp', 'domains', 'callx', 'test'],
    ],
    ['back\\\\slash.test.', 'back\\\\slash.test', ['back\\slash', 'test']],
    ['\\065\\.b.test.', 'a\\.b.test', ['a.b', 'test']],
    ['.', '', []],
  ])('%s: key %s, labels back from the key (lower case)', (text, key, labels) => {
    const k = nameKey(parseName(text, null));
    expect(k).toBe(key);
    expect(keyLabels(k)).toEqual(labels);
    expect(nameKey(keyLabels(k))).toBe(k);
  });

  it.each([
    [
      '1.2.8.e164.callx.test',
      [
        '1.2.8.e164.callx.test',
        '2.8.e164.callx.test',
        '8.e164.callx.test',
        'e164.callx.test',
        'callx.test',
        'test',
      ],
    ],
    ['a\\.b.c', ['a\\.b.c', 'c']],
    ['x', ['x']],
    ['', []],
  ])('labelStarts(%s) gives every suffix, as parentKey does', (key, suffixes) => {
    const starts: number[] = [];
    const n = labelStarts(key, starts);
    expect(n).toBe(suffixes.length);
    expect(starts.slice(0, n).map((s) => key.slice(s))).toEqual(suffixes);
    const viaParent: string[] = [];
    for (let k: string | null = key; k !== null && k !== ''; k = parentKey(k)) viaParent.push(k);
    expect(viaParent).toEqual(suffixes);
  });
});
