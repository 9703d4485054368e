// The members service's context: the shared service context plus what only members need.
import type { ServiceContext } from '../sales/context.ts';

export interface MembersContext extends ServiceContext {
  /** Digest realm of SIP credentials (CALLX_SIP_REALM, default the apex). */
  realm: string;
  /** How long an unbound claim (a registration in progress) is protected from takeover. */
  claimGraceMs: number;
}
