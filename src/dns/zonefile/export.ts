// A zone as a master file (absolute names, SOA first) that named-checkzone and kzonecheck
// accept. It prints what the model serves, so file data, HTTP overrides and registry-derived
// records all appear: every layer is an input of the model, not of the exporter.
import { rdataText, toText, typeName } from '#wire';
import type { Zone } from '../model/zone.ts';

export function exportZone(zone: Zone): string {
  const lines: string[] = [
    `; zone ${zone.name}, serial ${zone.serial}, exported by callx`,
    `$ORIGIN ${toText(zone.apex)}`,
  ];
  for (const rs of zone.rrsets()) {
    const owner = toText(rs.owner);
    for (const rd of rs.rdatas) lines.push(`${owner}\t${rs.ttl}\tIN\t${typeName(rs.type)}\t${rdataText(rd)}`);
  }
  return `${lines.join('\n')}\n`;
}
