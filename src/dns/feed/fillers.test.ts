// Longest-prefix fillers over every layer of the model (issue 11, item 7): master files, record
// sets set over HTTP and registry routing trees all route; the fillers are computed over their union.
import { describe, expect, it } from 'vitest';
import { keyOf, RCODE, rdataText, TYPE } from '#wire';
import { resolve } from '../answer/resolve.ts';
import { ZoneSet } from '../model/zoneset.ts';
import { loadZone } from '../zonefile/load.ts';
import { RouteFillers } from './fillers.ts';

const HEAD = `$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 60
@ NS ns1
ns1 A 192.0.2.53
`;
const naptr = (target: string) => `100 10 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@${target}!" .`;
const file = (routes: Record<string, string>) =>
  HEAD +
  Object.entries(routes)
    .map(([owner, t]) => `${owner} NAPTR ${naptr(t)}\n`)
    .join('');
const tree = (routes: Record<string, string[]>) =>
  Object.entries(routes).map(([prefix, ts]) => ({
    name: `*.${[...prefix].reverse().join('.')}${prefix ? '.' : ''}pstn.callx.test`.replace('*..', '*.'),
    type: 'NAPTR',
    ttl: 3600,
    rdata: ts.map(naptr),
  }));

function model(fileRoutes: Record<string, string>) {
  const zs = new ZoneSet();
  zs.addZone(loadZone('callx.test.zone', 'callx.test', file(fileRoutes)).zone);
  return { zs, fillers: new RouteFillers(zs, 'callx.test') };
}

/** The gateways a call to +<digits> reaches, as a resolver would find them. */
function route(zs: ZoneSet, digits: string): string[] | 'NXDOMAIN' {
  const name = `${[...digits].reverse().join('.')}.pstn.callx.test`;
  const a = resolve(zs, keyOf(name), TYPE.NAPTR);
  if (a.rcode === RCODE.NXDOMAIN) return 'NXDOMAIN';
  return a.answer
    .flatMap((i) => i.rrset.rdatas.map(rdataText))
    .map((t) => /@([^;!]+)/.exec(t)![1]!)
    .sort();
}

describe('routing fillers', () => {
  it.each<{
    name: string;
    routes: Record<string, string[]>;
    want: Record<string, string[] | 'NXDOMAIN'>;
    fillers: string[];
  }>([
    {
      name: 'a longer prefix fills the empty non-terminals it creates in the shorter range',
      routes: { '82': ['KR'], '8255': ['BUSAN'] },
      want: { '82512345678': ['KR'], '82551234567': ['BUSAN'], '82212345678': ['KR'] },
      fillers: ['*.5.2.8.pstn.callx.test'],
    },
    {
      name: 'nested ranges: each filler takes the longest covering route',
      routes: { '1': ['NANP'], '1212': ['NYC'], '121255': ['NYC-55'] },
      want: {
        '12025550123': ['NANP'],
        '12125550123': ['NYC-55'],
        '12124550123': ['NYC'],
        '11234567890': ['NANP'],
      },
      fillers: ['*.1.2.1.pstn.callx.test', '*.2.1.pstn.callx.test', '*.5.2.1.2.1.pstn.callx.test'],
    },
    {
      name: 'the empty prefix routes everything and covers every empty non-terminal',
      routes: { '': ['ALL'], '44': ['UK'] },
      want: { '4420794600': ['UK'], '4520794600': ['ALL'], '3312345678': ['ALL'] },
      fillers: ['*.4.pstn.callx.test'],
    },
    {
      name: 'a prefix outside every other range needs no filler',
      routes: { '82': ['KR'], '4420': ['LONDON'] },
      want: { '4430000000': 'NXDOMAIN', '442079460000': ['LONDON'] },
      fillers: [],
    },
  ])('$name', ({ routes, want, fillers }) => {
    const { zs, fillers: f } = model({});
    zs.applyContribution('routing/pstn', 1, tree(routes));
    f.refresh();
    expect(f.compute(keyOf('pstn.callx.test')).map((r) => r.name)).toEqual(fillers);
    for (const [digits, gws] of Object.entries(want))
      expect([digits, route(zs, digits)]).toEqual([digits, gws]);
  });

  it('fills over the union of the master file and the registry: a route added over the API reaches the numbers below a file route’s longer prefix', () => {
    // the demo: +82 and +8210 in the file, +82 added over the API (a gateway)
    const { zs, fillers } = model({ '*.2.8.pstn': 'gw.kr', '*.0.1.2.8.pstn': 'gw-mobile.kr' });
    fillers.refresh();
    expect(route(zs, '821123456789')).toEqual(['gw.kr']);
    zs.applyContribution('routing/pstn', 1, tree({ '82': ['gw.api'] }));
    fillers.refresh();
    expect(route(zs, '821123456789')).toEqual(['gw.api', 'gw.kr']);
    expect(route(zs, '82212345678')).toEqual(['gw.api', 'gw.kr']);
    expect(route(zs, '821012345678')).toEqual(['gw-mobile.kr']);
    // a longer prefix over the API inside the file's range: the file's route still reaches +825[0-46-9]...
    zs.applyContribution('routing/pstn', 2, tree({ '8255': ['gw.busan'] }));
    fillers.refresh();
    expect(route(zs, '82512345678')).toEqual(['gw.kr']);
    expect(route(zs, '82551234567')).toEqual(['gw.busan']);
    // and a route removed takes its fillers with it
    zs.applyContribution('routing/pstn', 3, []);
    fillers.refresh();
    expect(fillers.compute(keyOf('pstn.callx.test')).map((r) => r.name)).toEqual(['*.1.2.8.pstn.callx.test']);
    expect(zs.get('callx.test')!.nodes.has(keyOf('5.5.2.8.pstn.callx.test'))).toBe(false);
  });

  it('never fills a name that has a wildcard of its own, from any layer', () => {
    const { zs, fillers } = model({
      '*.2.8.pstn': 'gw.kr',
      '*.1.2.8.pstn': 'gw.kr-1',
      '*.0.1.2.8.pstn': 'gw-mobile.kr',
    });
    fillers.refresh();
    expect(fillers.compute(keyOf('pstn.callx.test'))).toEqual([]);
    expect(route(zs, '821123456789')).toEqual(['gw.kr-1']);
  });
});
