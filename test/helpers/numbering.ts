// Helpers for this folder's tests.
import { NumberingError } from '../../src/numbering/errors.ts';

/** The NumberingError `f` throws (any other throw fails the test), or undefined when it returns. */
export function errorOf(f: () => unknown): NumberingError | undefined {
  try {
    f();
  } catch (err) {
    if (err instanceof NumberingError) return err;
    throw err;
  }
  return undefined;
}
