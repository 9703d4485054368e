// Who is acting on the registry. Every service call takes a principal and decides with the
// functions below, so no front end can forget a check and every decision about a kind of
// principal lives in this file. Each function switches over `role` exhaustively: a new kind of
// principal (a registrar's staff user, a member acting for itself) is a new variant here, and
// the compiler then names every decision it needs.
import type { Filter } from '#core';
import { RegistryError } from './errors.ts';
import { issue } from './input.ts';

/** The operator: sees and changes everything, including the shared routing data. */
export interface AdminPrincipal {
  readonly role: 'admin';
}

/** A registrar acting through one of its API tokens: its own zones, numbers, orders and members. */
export interface RegistrarPrincipal {
  readonly role: 'registrar';
  readonly registrarId: string;
}

/** What a registrar's staff user may do in the console (docs/web.md, "Roles"). */
export const STAFF_ROLES = ['admin', 'sales', 'support'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * A registrar's staff user, logged in to the web console: its registrar's data, limited further
 * by its role (`requireCapability`). API tokens stay for machines.
 */
export interface StaffPrincipal {
  readonly role: 'staff';
  readonly registrarId: string;
  readonly userId: string;
  readonly staffRole: StaffRole;
}

/**
 * A member acting for itself in the web portal. It reaches nothing through the registrar-wide
 * services (`canAccess` is false, listings and acting for a registrar are forbidden): the portal
 * service checks every id against `memberId` (`ownMemberId`) and then acts with the registrar's
 * reach (`memberReach`), for that member only.
 */
export interface MemberPrincipal {
  readonly role: 'member';
  readonly registrarId: string;
  readonly memberId: string;
}

/**
 * A counterparty acting through its token: a PSTN gateway operator, a partner carrier or a
 * country center posting the CDRs of the calls it carried and reading its own statements
 * (docs/billing.md). It sees no registrar's data: every registrar decision refuses it.
 */
export interface CounterpartyPrincipal {
  readonly role: 'counterparty';
  /** Party key: 'gateway:gw-kr', 'carrier:car-uk', 'center:KR'. */
  readonly party: string;
}

export type Principal =
  | AdminPrincipal
  | RegistrarPrincipal
  | StaffPrincipal
  | MemberPrincipal
  | CounterpartyPrincipal;

export const ADMIN: AdminPrincipal = { role: 'admin' };

export const registrarPrincipal = (registrarId: string): RegistrarPrincipal => ({
  role: 'registrar',
  registrarId,
});

function unknownPrincipal(p: never): never {
  throw new Error(`registry: unknown principal ${JSON.stringify(p)}`);
}

const noRegistrarData = (p: CounterpartyPrincipal, what: string): RegistryError =>
  new RegistryError('forbidden', `registry: ${p.party} is a counterparty: it may not ${what}`);

/**
 * The registrar whose data the principal is confined to; null: none (the operator sees all).
 * A counterparty has no registrar data at all: 'forbidden'.
 */
export function registrarOf(p: Principal): string | null {
  switch (p.role) {
    case 'admin':
      return null;
    case 'registrar':
    case 'staff':
    case 'member':
      return p.registrarId;
    case 'counterparty':
      throw noRegistrarData(p, "read or change registrars' data");
    default:
      return unknownPrincipal(p);
  }
}

/** A stable name of whose space the principal acts in ('admin', 'registrar:<id>'): idempotency keys, logs. */
export function principalKey(p: Principal): string {
  switch (p.role) {
    case 'admin':
      return 'admin';
    case 'registrar':
      return `registrar:${p.registrarId}`;
    case 'staff':
      return `staff:${p.registrarId}:${p.userId}`;
    case 'member':
      return `member:${p.registrarId}:${p.memberId}`;
    case 'counterparty':
      return `counterparty:${p.party}`;
    default:
      return unknownPrincipal(p);
  }
}

export const isAdmin = (p: Principal): boolean => p.role === 'admin';

/** True when the principal may see and change data owned by `owner` (a registrar id; null: the operator's). */
export function canAccess(p: Principal, owner: string | null | undefined): boolean {
  switch (p.role) {
    case 'admin':
      return true;
    case 'registrar':
    case 'staff':
      return owner === p.registrarId;
    case 'member':
      // a member's own data is reached through the portal (ownMemberId), never registrar-wide
      return false;
    case 'counterparty':
      // a counterparty reads only its own party's data (docs/billing.md), never a registrar's
      return false;
    default:
      return unknownPrincipal(p);
  }
}

/**
 * `doc` when the principal may see it; otherwise 'not-found', exactly as a missing document —
 * never 'forbidden', so ids reveal nothing about other registrars' data.
 */
export function visible<T extends { registrarId: string | null }>(
  p: Principal,
  doc: T | null | undefined,
  what: string,
): T {
  if (!doc || !canAccess(p, doc.registrarId)) throw new RegistryError('not-found', `${what}: not found`);
  return doc;
}

/** A filter limiting a query to the documents the principal may see. */
export function visibleFilter(p: Principal): Filter {
  switch (p.role) {
    case 'admin':
      return {};
    case 'registrar':
    case 'staff':
      return { registrarId: p.registrarId };
    case 'member':
      return { _id: { $in: [] } };
    case 'counterparty':
      throw noRegistrarData(p, "list registrars' data");
    default:
      return unknownPrincipal(p);
  }
}

/** Operations only the operator may do ('forbidden' for anyone else). */
export function requireAdmin(p: Principal, action: string): void {
  switch (p.role) {
    case 'admin':
      return;
    case 'registrar':
    case 'staff':
    case 'member':
    case 'counterparty':
      throw new RegistryError('forbidden', `${action}: only the admin may do this`);
    default:
      unknownPrincipal(p);
  }
}

/**
 * The registrar an operation acts for: a registrar acts for itself (naming another is
 * 'forbidden'); the admin must name one.
 */
export function actingRegistrar(p: Principal, requested: string | undefined, where: string): string {
  switch (p.role) {
    case 'registrar':
      if (requested !== undefined && requested !== p.registrarId)
        throw new RegistryError(
          'forbidden',
          `${where}: registrar ${p.registrarId} may not act for ${requested}`,
        );
      return p.registrarId;
    case 'staff':
      if (requested !== undefined && requested !== p.registrarId)
        throw new RegistryError(
          'forbidden',
          `${where}: staff of registrar ${p.registrarId} may not act for ${requested}`,
        );
      return p.registrarId;
    case 'member':
      throw new RegistryError(
        'forbidden',
        `${where}: a member acts only on its own data, through the portal`,
      );
    case 'counterparty':
      throw noRegistrarData(p, `act for a registrar (${where})`);
    case 'admin':
      if (requested === undefined)
        throw new RegistryError('invalid-input', `${where}: registrarId: the admin must name the registrar`, {
          issues: [issue('registrarId', 'required when acting as the admin')],
        });
      return requested;
    default:
      return unknownPrincipal(p);
  }
}

/** The registrar a listing is limited to: a registrar's own; the admin's choice, or all (undefined). */
export function listingScope(p: Principal, requested: string | undefined, where: string): string | undefined {
  return p.role === 'admin' ? requested : actingRegistrar(p, requested, where);
}

/**
 * Console capabilities: what each staff role may do. The operator and a registrar's API tokens
 * may do all of it; a member none (docs/web.md, "Roles").
 */
export const CAPABILITIES = ['read', 'sell', 'inventory', 'members', 'staff'] as const;
export type Capability = (typeof CAPABILITIES)[number];

const STAFF_CAPABILITIES: Record<StaffRole, readonly Capability[]> = {
  admin: CAPABILITIES,
  sales: ['read', 'sell', 'inventory'],
  support: ['read', 'members'],
};

export function hasCapability(p: Principal, cap: Capability): boolean {
  switch (p.role) {
    case 'admin':
    case 'registrar':
      return true;
    case 'staff':
      return STAFF_CAPABILITIES[p.staffRole].includes(cap);
    case 'member':
    case 'counterparty':
      return false;
    default:
      return unknownPrincipal(p);
  }
}

/** 'forbidden' unless the principal's role allows `cap`. */
export function requireCapability(p: Principal, cap: Capability, action: string): void {
  if (!hasCapability(p, cap)) {
    const who = p.role === 'staff' ? `staff role ${p.staffRole}` : p.role;
    throw new RegistryError('forbidden', `${action}: ${who} may not do this (needs ${cap})`);
  }
}

/** The member id a member principal may act on; 'not-found' for any other, as a missing member. */
export function ownMemberId(p: MemberPrincipal, memberId: string, where: string): string {
  if (memberId !== p.memberId)
    throw new RegistryError('not-found', `${where}: member ${memberId}: not found`);
  return memberId;
}

/**
 * The registrar-wide principal the portal uses for a member's own operations, after it checked
 * every id against the member (ownMemberId). Only the portal service calls this.
 */
export const memberReach = (p: MemberPrincipal): RegistrarPrincipal => registrarPrincipal(p.registrarId);
