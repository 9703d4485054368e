// Input of the registry services: zod schemas parsed by one helper, whose failure is a
// RegistryError('invalid-input') listing every offending field in one shape.
import type { z } from 'zod';
import { RegistryError } from './errors.ts';

export interface InputIssue {
  /** Dotted path of the field ('personal.birthDate', 'center.targets.0.host'); '' for the whole input. */
  path: string;
  /** The same as a JSON pointer (RFC 6901) into the input: '/personal/birthDate'. */
  pointer: string;
  message: string;
}

const pointerOf = (path: readonly PropertyKey[]): string =>
  path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** An issue about one field, named by its dotted path. */
export const issue = (path: string, message: string): InputIssue => ({
  path,
  pointer: path === '' ? '' : pointerOf(path.split('.')),
  message,
});

/** Zod issues as InputIssues (an unknown key is named in the path). */
export function issuesOf(err: z.ZodError): InputIssue[] {
  return err.issues.map((i) => {
    // unrecognized_keys names the keys in `keys`, not in the path
    const keys = (i as { keys?: string[] }).keys;
    const path = keys?.length ? [...i.path, keys.join(',')] : i.path;
    return { path: path.map(String).join('.'), pointer: pointerOf(path), message: i.message };
  });
}

/** RegistryError('invalid-input') naming `where`, the first issue and how many more; `issues` lists all. */
export function invalidInput(
  where: string,
  issues: InputIssue[],
  details?: Record<string, unknown>,
): RegistryError {
  const first = issues[0];
  const head =
    first === undefined ? 'invalid input' : `${first.path === '' ? '' : `${first.path}: `}${first.message}`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new RegistryError('invalid-input', `${where}: ${head}${more}`, {
    issues,
    ...(details ? { details } : {}),
  });
}

/** Validates `input` with `schema`: the parsed value, or RegistryError('invalid-input') with every issue. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw invalidInput(where, issuesOf(r.error));
}
