import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { DomainError } from './errors.ts';

describe('cursors', () => {
  const query = { country: 'KR', kind: 'pin', regex: '^82[0-9]*$', minPrice: undefined };

  it('round-trips the last key of a page', () => {
    const c = encodeCursor('82262006200', query);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c, { ...query }, 'test')).toBe('82262006200');
  });

  it('is bound to its query', () => {
    const c = encodeCursor('82262006200', query);
    expect(() => decodeCursor(c, { ...query, country: 'US' }, 'test')).toThrow(/different query/);
    expect(() => decodeCursor(c, { ...query, minPrice: 100 }, 'test')).toThrow(DomainError);
  });

  it.each([
    ['not base64', '!!!'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['wrong shape', Buffer.from('{"k":1,"q":"x"}').toString('base64url')],
    ['too long', 'a'.repeat(600)],
  ])('refuses a cursor that is %s', (_what, cursor) => {
    try {
      decodeCursor(cursor, query, 'test');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('bad-cursor');
      expect((err as DomainError).status).toBe(400);
    }
  });
});
