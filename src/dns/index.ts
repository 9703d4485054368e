// The authoritative DNS server: zones from CALLX_ZONES_DIR and the registry in one in-memory
// model, answered over UDP and TCP, transferred to secondaries (AXFR, IXFR, TSIG, NOTIFY).
// docs/dns.md describes behaviour and layout. `createDnsNode` is what `callx serve` runs.

export { fillerSource, RouteFillers } from './feed/fillers.ts';
export {
  type LoadResult,
  loadRegistry,
  readContiguous,
  SERIALS_CHECKPOINT,
  UnversionedSourcesError,
} from './feed/load.ts';
export { StreamPositions, streamOf, touches } from './feed/scope.ts';
export { RegistryFeed } from './feed/state.ts';
export type { ChangeStep, Node, RR, RRset } from './model/types.ts';
export { Zone } from './model/zone.ts';
export { ModelError, ZoneSet } from './model/zoneset.ts';
export { createDnsNode, type DnsNode, type DnsNodeDeps, type DnsNodeStats } from './node.ts';
export { createDnsServer, type DnsServer, type DnsServerDeps } from './server/create.ts';
export { AclError } from './xfr/acl.ts';
export { TsigKeyError } from './xfr/tsig.ts';
export { exportZone } from './zonefile/export.ts';
export { loadZone, loadZonesDir, readZone, ZoneLoadError } from './zonefile/load.ts';
export { ZoneFileError } from './zonefile/parse.ts';
