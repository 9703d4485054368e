import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DOMAIN_ERROR_CODES, DOMAIN_ERROR_STATUS, DomainError, issue, parseInput } from './errors.ts';

describe('domain errors', () => {
  it('give every code an HTTP status', () => {
    for (const code of DOMAIN_ERROR_CODES) expect(DOMAIN_ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
    expect(new DomainError('version-conflict', 'x').status).toBe(412);
  });

  it('turn zod failures into invalid-input naming where, the first field and how many more', () => {
    const schema = z.object({ a: z.object({ 'b/c': z.number() }), d: z.string() }).strict();
    try {
      parseInput(schema, { a: { 'b/c': 'x' }, e: 1 }, 'registry: test');
      expect.unreachable();
    } catch (err) {
      const e = err as DomainError;
      expect(e.code).toBe('invalid-input');
      expect(e.message).toMatch(/^registry: test: a\.b\/c: .+ \(and 2 more\)$/);
      expect(e.issues.map((i) => [i.path, i.pointer])).toEqual([
        ['a.b/c', '/a/b~1c'],
        ['d', '/d'],
        ['e', '/e'],
      ]);
    }
  });

  it('returns the parsed value when valid', () => {
    expect(parseInput(z.object({ n: z.coerce.number() }), { n: '5' }, 'w')).toEqual({ n: 5 });
    expect(issue('', 'whole input')).toEqual({ path: '', pointer: '', message: 'whole input' });
  });
});
