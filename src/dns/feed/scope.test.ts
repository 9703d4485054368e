import { describe, expect, it } from 'vitest';
import { parseSource } from '#core';
import { parseStream, StreamPositions, streamName, streamOf, touches } from './scope.ts';

const APEX = 'callx.test';

describe('which zones a journal entry may change', () => {
  it.each([
    ['members/m_1', 'derived'],
    ['countries/KR', 'derived'],
    ['routing/pstn', 'derived'],
    ['gateways/g1', 'derived'],
    ['zones/Acme.Example', 'zones/acme.example'],
    ['rrsets/acme.example|www.acme.example|A', 'rrsets/acme.example'],
    ['journal/gap', null],
  ])('%s is in stream %s', (source, stream) => {
    const s = streamOf(parseSource(source));
    expect(s && streamName(s)).toBe(stream);
    if (s) expect(parseStream(streamName(s))).toEqual(s);
  });

  it.each([
    ['derived', 'callx.test', true],
    ['derived', 'e164.callx.test', true],
    ['derived', 'test', true], // encloses the apex: registry names can land there
    ['derived', 'acme.example', false],
    ['zones/acme.example', 'acme.example', true],
    ['zones/sub.acme.example', 'acme.example', true], // records move out of the parent
    ['zones/acme.example', 'sub.acme.example', true],
    ['zones/acme.example', 'callx.test', false],
    ['rrsets/acme.example', 'acme.example', true],
    ['rrsets/acme.example', 'sub.acme.example', false],
    ['from/a-later-version', 'acme.example', true], // a stream this version cannot read: every zone
  ])('%s touches %s: %s', (stream, zone, yes) => expect(touches(parseStream(stream), zone, APEX)).toBe(yes));

  it('keeps the last position of each stream; a zone takes the newest that touches it', () => {
    const sp = new StreamPositions();
    sp.note(1, 'members/a');
    sp.note(2, 'zones/acme.example');
    sp.note(3, 'journal/gap');
    sp.note(4, 'rrsets/acme.example|a.acme.example|A');
    expect(sp.position).toBe(4);
    expect(sp.zonePosition('callx.test', APEX)).toBe(1);
    expect(sp.zonePosition('acme.example', APEX)).toBe(4);
    expect(sp.zonePosition('other.example', APEX)).toBe(0);
    const copy = StreamPositions.from(sp.position, JSON.parse(JSON.stringify(sp)));
    expect(copy.zonePosition('acme.example', APEX)).toBe(4);
    expect(copy.position).toBe(4);
  });
});
