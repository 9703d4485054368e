import { describe, expect, it } from 'vitest';
import { documentSource, formatSource, GAP_SOURCE, parseSource, type Source } from './sources.ts';

describe('journal sources: one stored form, read and written here only', () => {
  it.each<[string, Source]>([
    ['members/m_1', { kind: 'document', collection: 'members', id: 'm_1' }],
    ['countries/KR', { kind: 'document', collection: 'countries', id: 'KR' }],
    ['gateways/gw_1', { kind: 'document', collection: 'gateways', id: 'gw_1' }],
    ['zones/Acme.Example', { kind: 'zone', apex: 'Acme.Example' }],
    [
      'rrsets/acme.example|www.acme.example|A',
      { kind: 'rrset', zone: 'acme.example', name: 'www.acme.example', type: 'A' },
    ],
    // the name may hold a bar: the zone ends at the first, the type starts after the last
    [
      'rrsets/a.example|x|y.a.example|TXT',
      { kind: 'rrset', zone: 'a.example', name: 'x|y.a.example', type: 'TXT' },
    ],
    ['routing/pstn', { kind: 'aggregate', tree: 'pstn' }],
    ['routing/carriers', { kind: 'aggregate', tree: 'carriers' }],
    ['journal/gap', { kind: 'gap' }],
  ])('%s', (text, source) => {
    expect(parseSource(text)).toEqual(source);
    expect(formatSource(source)).toBe(text);
  });

  it.each([
    'members',
    '/m1',
    'members/',
    'rrsets/no-bars',
    'rrsets/zone|type-only',
    'routing/unknown-tree',
    'journal/other',
  ])('%s is kept as an unknown source, never an error, and written back as it was', (text) => {
    expect(parseSource(text)).toEqual({ kind: 'unknown', text });
    expect(formatSource(parseSource(text))).toBe(text);
  });

  it('names documents by collection: zones and record sets have their own kinds', () => {
    expect(documentSource('members', 'm1')).toEqual({ kind: 'document', collection: 'members', id: 'm1' });
    expect(documentSource('zones', 'acme.example')).toEqual({ kind: 'zone', apex: 'acme.example' });
    expect(documentSource('rrsets', 'acme.example|acme.example|MX')).toEqual({
      kind: 'rrset',
      zone: 'acme.example',
      name: 'acme.example',
      type: 'MX',
    });
    expect(formatSource(documentSource('countries', 42))).toBe('countries/42');
    expect(GAP_SOURCE).toBe('journal/gap');
  });
});
