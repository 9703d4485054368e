import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { afterId, decodeCursor, encodeCursor } from './paging.ts';

const ZONES = '/v1/zones';

describe('api: cursors', () => {
  it('round-trips keys through an opaque cursor', () => {
    const c = encodeCursor('zone-b.example', ZONES);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(c).not.toContain('zone');
    expect(afterId(c, ZONES)).toBe('zone-b.example');
    expect(decodeCursor(encodeCursor({ a: 1 }, ZONES), ZONES)).toEqual({ a: 1 });
    expect(afterId(undefined, ZONES)).toBeUndefined();
  });

  it.each([
    '',
    'garbage!',
    Buffer.from('{"v":2,"k":"x"}').toString('base64url'),
    encodeCursor(5, ZONES),
    encodeCursor('zone-b.example', '/v1/registrars'),
  ])('refuses %j as a 400 about the cursor parameter', (cursor) => {
    expect(() => afterId(cursor, ZONES)).toThrow(ApiError);
  });
});
