import { describe, expect, it } from 'vitest';
import { RegistryError } from './errors.ts';
import {
  ADMIN,
  actingRegistrar,
  CAPABILITIES,
  canAccess,
  hasCapability,
  listingScope,
  memberReach,
  ownMemberId,
  principalKey,
  type RegistrarPrincipal,
  registrarOf,
  requireAdmin,
  requireCapability,
  visible,
  visibleFilter,
} from './principal.ts';

const a: RegistrarPrincipal = { role: 'registrar', registrarId: 'reg-a' };

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (err) {
    if (err instanceof RegistryError) return err.code;
    throw err;
  }
}

describe('registry kernel: principals', () => {
  it('lets a registrar reach only its own data, the admin everything', () => {
    expect(canAccess(a, 'reg-a')).toBe(true);
    expect(canAccess(a, 'reg-b')).toBe(false);
    expect(canAccess(a, null)).toBe(false);
    expect(canAccess(ADMIN, 'reg-b')).toBe(true);
    expect(visibleFilter(a)).toEqual({ registrarId: 'reg-a' });
    expect(visibleFilter(ADMIN)).toEqual({});
    expect(registrarOf(a)).toBe('reg-a');
    expect(registrarOf(ADMIN)).toBeNull();
    expect(principalKey(a)).toBe('registrar:reg-a');
    expect(principalKey(ADMIN)).toBe('admin');
  });

  it("reports another registrar's document exactly as a missing one", () => {
    const doc = { registrarId: 'reg-b', secret: 1 };
    expect(visible(ADMIN, doc, 'order o')).toBe(doc);
    expect(codeOf(() => visible(a, doc, 'order o'))).toBe('not-found');
    expect(codeOf(() => visible(a, null, 'order o'))).toBe('not-found');
    try {
      visible(a, doc, 'registry: sales: order o');
    } catch (err) {
      expect((err as Error).message).toBe('registry: sales: order o: not found');
    }
  });

  it('acts for the registrar itself; naming another is forbidden; the admin must name one', () => {
    expect(actingRegistrar(a, undefined, 'w')).toBe('reg-a');
    expect(actingRegistrar(a, 'reg-a', 'w')).toBe('reg-a');
    expect(codeOf(() => actingRegistrar(a, 'reg-b', 'w'))).toBe('forbidden');
    expect(actingRegistrar(ADMIN, 'reg-b', 'w')).toBe('reg-b');
    expect(codeOf(() => actingRegistrar(ADMIN, undefined, 'w'))).toBe('invalid-input');
  });

  it('limits listings to the registrar, or what the admin asks for', () => {
    expect(listingScope(a, undefined, 'w')).toBe('reg-a');
    expect(codeOf(() => listingScope(a, 'reg-b', 'w'))).toBe('forbidden');
    expect(listingScope(ADMIN, undefined, 'w')).toBeUndefined();
    expect(listingScope(ADMIN, 'reg-b', 'w')).toBe('reg-b');
  });

  it("gives a counterparty nothing of any registrar's, and the operator's operations neither", () => {
    const gw = { role: 'counterparty', party: 'gateway:gw-kr' } as const;
    expect(canAccess(gw, 'reg-a')).toBe(false);
    expect(canAccess(gw, null)).toBe(false);
    expect(codeOf(() => visible(gw, { registrarId: null }, 'x'))).toBe('not-found');
    expect(codeOf(() => visibleFilter(gw))).toBe('forbidden');
    expect(codeOf(() => registrarOf(gw))).toBe('forbidden');
    expect(codeOf(() => actingRegistrar(gw, undefined, 'w'))).toBe('forbidden');
    expect(codeOf(() => listingScope(gw, undefined, 'w'))).toBe('forbidden');
    expect(codeOf(() => requireAdmin(gw, 'w'))).toBe('forbidden');
    expect(principalKey(gw)).toBe('counterparty:gateway:gw-kr');
  });

  it('keeps operations of the operator to the admin', () => {
    expect(codeOf(() => requireAdmin(ADMIN, 'x'))).toBe('ok');
    expect(codeOf(() => requireAdmin(a, 'registry: create country'))).toBe('forbidden');
  });
});

describe('registry kernel: staff and member principals', () => {
  const staff = (staffRole: 'admin' | 'sales' | 'support') =>
    ({ role: 'staff', registrarId: 'reg-a', userId: 'u@a.example', staffRole }) as const;
  const member = { role: 'member', registrarId: 'reg-a', memberId: 'm_1' } as const;

  it("confines a staff user to its registrar, like the registrar's tokens", () => {
    const p = staff('sales');
    expect(canAccess(p, 'reg-a')).toBe(true);
    expect(canAccess(p, 'reg-b')).toBe(false);
    expect(visibleFilter(p)).toEqual({ registrarId: 'reg-a' });
    expect(actingRegistrar(p, undefined, 'w')).toBe('reg-a');
    expect(codeOf(() => actingRegistrar(p, 'reg-b', 'w'))).toBe('forbidden');
    expect(codeOf(() => requireAdmin(p, 'w'))).toBe('forbidden');
    expect(principalKey(p)).toBe('staff:reg-a:u@a.example');
  });

  it('gives each staff role its capabilities', () => {
    expect(CAPABILITIES.filter((c) => hasCapability(staff('admin'), c))).toEqual([...CAPABILITIES]);
    expect(CAPABILITIES.filter((c) => hasCapability(staff('sales'), c))).toEqual([
      'read',
      'sell',
      'inventory',
    ]);
    expect(CAPABILITIES.filter((c) => hasCapability(staff('support'), c))).toEqual(['read', 'members']);
    expect(codeOf(() => requireCapability(staff('support'), 'sell', 'w'))).toBe('forbidden');
    expect(codeOf(() => requireCapability(a, 'staff', 'w'))).toBe('ok');
    expect(CAPABILITIES.some((c) => hasCapability(member, c))).toBe(false);
  });

  it("lets a member reach nothing registrar-wide; only its own id, through the portal's reach", () => {
    expect(canAccess(member, 'reg-a')).toBe(false);
    expect(codeOf(() => visible(member, { registrarId: 'reg-a' }, 'w'))).toBe('not-found');
    expect(codeOf(() => listingScope(member, undefined, 'w'))).toBe('forbidden');
    expect(codeOf(() => actingRegistrar(member, undefined, 'w'))).toBe('forbidden');
    expect(ownMemberId(member, 'm_1', 'w')).toBe('m_1');
    expect(codeOf(() => ownMemberId(member, 'm_2', 'w'))).toBe('not-found');
    expect(memberReach(member)).toEqual({ role: 'registrar', registrarId: 'reg-a' });
    expect(registrarOf(member)).toBe('reg-a');
    expect(principalKey(member)).toBe('member:reg-a:m_1');
  });
});
