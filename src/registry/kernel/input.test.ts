import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RegistryError } from './errors.ts';
import { invalidInput, issue, parseInput } from './input.ts';

describe('registry kernel: input', () => {
  it('turns zod failures into invalid-input naming where, the first field and how many more', () => {
    const schema = z.object({ a: z.object({ 'b/c': z.number() }), d: z.string() }).strict();
    try {
      parseInput(schema, { a: { 'b/c': 'x' }, e: 1 }, 'registry: test');
      expect.unreachable();
    } catch (err) {
      const e = err as RegistryError;
      expect(e).toBeInstanceOf(RegistryError);
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
  });

  it('says one issue in one shape: a dotted path and the same as a JSON pointer', () => {
    expect(issue('', 'whole input')).toEqual({ path: '', pointer: '', message: 'whole input' });
    expect(issue('center.targets.0.host', 'no')).toEqual({
      path: 'center.targets.0.host',
      pointer: '/center/targets/0/host',
      message: 'no',
    });
    const e = invalidInput('registry: x', [issue('a', 'bad a')], { count: 1 });
    expect(e).toMatchObject({
      code: 'invalid-input',
      message: 'registry: x: a: bad a',
      details: { count: 1 },
    });
  });

  it('carries no HTTP status: front ends decide how to answer a code', () => {
    expect(Object.keys(new RegistryError('version-conflict', 'x'))).not.toContain('status');
  });
});
