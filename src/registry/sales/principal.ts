// Who acts: an administrator, or a registrar that sees and changes only its own data. Every
// service call takes the principal and enforces ownership itself, so an HTTP endpoint is a thin
// call and cannot forget a check.
import { z } from 'zod';
import { DomainError, issue } from './errors.ts';

/** Registrar ids: short, printable, safe in document ids and payment ids ('<registrar>:<ref>'). */
export const RegistrarId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a registrar id of 1-64 letters, digits, _ or -' });

export const Principal = z.discriminatedUnion('role', [
  z.object({ role: z.literal('admin') }),
  z.object({ role: z.literal('registrar'), registrarId: RegistrarId }),
]);
export type Principal = z.infer<typeof Principal>;

/** True when the principal may see and change data of `registrarId`. */
export function canAccess(p: Principal, registrarId: string): boolean {
  return p.role === 'admin' || p.registrarId === registrarId;
}

/**
 * `doc` when the principal may see it; otherwise 'not-found' — another registrar's document is
 * reported exactly like a missing one, never 'forbidden', so ids reveal nothing.
 */
export function visible<T extends { registrarId: string }>(
  p: Principal,
  doc: T | null,
  where: string,
  what: string,
): T {
  if (!doc || !canAccess(p, doc.registrarId)) throw new DomainError('not-found', `${where}: no ${what}`);
  return doc;
}

/**
 * The registrar an operation acts for: a registrar acts for itself (naming another is
 * 'forbidden'); an administrator must name one when `required`.
 */
export function actingRegistrar(p: Principal, requested: string | undefined, where: string): string {
  if (p.role === 'registrar') {
    if (requested !== undefined && requested !== p.registrarId) {
      throw new DomainError('forbidden', `${where}: registrar ${p.registrarId} may not act for ${requested}`);
    }
    return p.registrarId;
  }
  if (requested === undefined) {
    throw new DomainError(
      'invalid-input',
      `${where}: registrarId: an administrator must name the registrar`,
      {
        issues: [issue('registrarId', 'required when acting as administrator')],
      },
    );
  }
  return requested;
}

/** The registrar a listing is limited to: a registrar's own; an administrator's choice, or all (undefined). */
export function listingScope(p: Principal, requested: string | undefined, where: string): string | undefined {
  return p.role === 'registrar' ? actingRegistrar(p, requested, where) : requested;
}
