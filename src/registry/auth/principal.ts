// Who is acting: the admin (sees and changes everything) or one registrar (only its own data).
// Every service call takes one and enforces ownership itself, so the HTTP layer cannot forget.
import type { Filter } from '#core';
import { ServiceError } from './errors.ts';

export type Principal = { role: 'admin' } | { role: 'registrar'; registrarId: string };

export const ADMIN: Principal = { role: 'admin' };

export const isAdmin = (p: Principal): boolean => p.role === 'admin';

/** The owner a principal writes into new documents: the registrar, or null (the operator) for the admin. */
export const ownerOf = (p: Principal): string | null => (p.role === 'admin' ? null : p.registrarId);

/** A filter restricting a query to what the principal may see. */
export function visibleTo(p: Principal): Filter {
  return p.role === 'admin' ? {} : { registrarId: p.registrarId };
}

export function canAccess(p: Principal, registrarId: string | null | undefined): boolean {
  return p.role === 'admin' || registrarId === p.registrarId;
}

/** Documents of other registrars are reported as missing, so their existence does not leak. */
export function checkAccess(p: Principal, registrarId: string | null | undefined, what: string): void {
  if (!canAccess(p, registrarId)) throw new ServiceError('not-found', `${what}: not found`);
}

export function requireAdmin(p: Principal, action: string): void {
  if (p.role !== 'admin') throw new ServiceError('forbidden', `${action}: only the admin may do this`);
}
