// What the members service returns: the member without store internals and never its SIP
// credentials (only the username shows). `version` is the ETag for updates.
import type { Member, MemberNumber } from '#core';

export interface MemberView {
  id: string;
  registrarId: string;
  type: 'individual' | 'company';
  displayName: string;
  email?: string;
  domain?: string;
  country: string;
  /** The country whose center takes all the member's calls; absent: each number's own country. */
  centerCountry?: string;
  numbers: MemberNumber[];
  contactPstn?: string;
  otherCarriers: string[];
  homePage?: string;
  publishEmail: boolean;
  personal?: Member['personal'];
  /** The SIP username REGISTER authenticates, if credentials are set (the hashes never leave the registry). */
  sipUsername?: string;
  /** A deletion is in progress. */
  deleting?: true;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export function memberView(m: Member): MemberView {
  return {
    id: m._id,
    registrarId: m.registrarId,
    type: m.type,
    displayName: m.displayName,
    ...(m.email !== undefined ? { email: m.email } : {}),
    ...(m.domain !== undefined ? { domain: m.domain } : {}),
    country: m.country,
    ...(m.centerCountry !== undefined ? { centerCountry: m.centerCountry } : {}),
    numbers: m.numbers,
    ...(m.contactPstn !== undefined ? { contactPstn: m.contactPstn } : {}),
    otherCarriers: m.otherCarriers,
    ...(m.homePage !== undefined ? { homePage: m.homePage } : {}),
    publishEmail: m.publishEmail === true,
    ...(m.personal !== undefined ? { personal: m.personal } : {}),
    ...(m.sip ? { sipUsername: m.sip.username } : {}),
    ...(m.deleting ? { deleting: true as const } : {}),
    version: m.version,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}
