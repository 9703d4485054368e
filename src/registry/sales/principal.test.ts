import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.ts';
import { actingRegistrar, canAccess, listingScope, Principal } from './principal.ts';

const admin = { role: 'admin' } as const;
const a = { role: 'registrar', registrarId: 'reg-a' } as const;

describe('principals', () => {
  it('lets a registrar reach only its own data', () => {
    expect(canAccess(a, 'reg-a')).toBe(true);
    expect(canAccess(a, 'reg-b')).toBe(false);
    expect(canAccess(admin, 'reg-b')).toBe(true);
  });

  it('acts for the registrar itself; naming another is forbidden', () => {
    expect(actingRegistrar(a, undefined, 'w')).toBe('reg-a');
    expect(actingRegistrar(a, 'reg-a', 'w')).toBe('reg-a');
    expect(() => actingRegistrar(a, 'reg-b', 'w')).toThrow(DomainError);
    try {
      actingRegistrar(a, 'reg-b', 'w');
    } catch (err) {
      expect((err as DomainError).code).toBe('forbidden');
      expect((err as DomainError).status).toBe(403);
    }
  });

  it('makes an administrator name the registrar it acts for', () => {
    expect(actingRegistrar(admin, 'reg-b', 'w')).toBe('reg-b');
    expect(() => actingRegistrar(admin, undefined, 'w')).toThrow(/must name the registrar/);
  });

  it('limits listings to the registrar, or what an administrator asks for', () => {
    expect(listingScope(a, undefined, 'w')).toBe('reg-a');
    expect(listingScope(admin, undefined, 'w')).toBeUndefined();
    expect(listingScope(admin, 'reg-b', 'w')).toBe('reg-b');
  });

  it.each([
    [{ role: 'registrar' }],
    [{ role: 'registrar', registrarId: '' }],
    [{ role: 'registrar', registrarId: 'a:b' }],
    [{ role: 'root' }],
    [null],
  ])('refuses the principal %j', (p) => {
    expect(Principal.safeParse(p).success).toBe(false);
  });
});
