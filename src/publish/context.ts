// What derivation needs besides the document: the apex and the TTLs of each kind of data.
export interface PublishContext {
  /** Apex of the deployment, lower case, no trailing dot: 'callx.test'. */
  apex: string;
  ttl: {
    /** Member data (e164, vns, domains, email trees): changes when members change. */
    member: number;
    /** Prefix routes (pstn, carriers trees). */
    route: number;
    /** Country centers (SRV, A/AAAA). */
    center: number;
  };
}

export const DEFAULT_TTL: PublishContext['ttl'] = { member: 300, route: 3600, center: 3600 };

export function publishContext(apex: string, ttl: Partial<PublishContext['ttl']> = {}): PublishContext {
  return { apex: apex.toLowerCase().replace(/\.$/, ''), ttl: { ...DEFAULT_TTL, ...ttl } };
}
