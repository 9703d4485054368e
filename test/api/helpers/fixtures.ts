// vitest fixtures of the API tests: a test names what it needs in its first argument instead of
// setting it up, and whatever a fixture made is closed after the test (or the file).
// - `h`: a harness (helpers/harness.ts) with the suite's `harnessOptions` (it.override them);
// - `a`: a bearer token of registrar 'a' on `h`;
// - `open(options)`: more harnesses, or one with options of its own.
// The end-to-end tests' `stack` fixture is in stack.ts (e2eIt), so these files do not load it.
import { test } from 'vitest';
import { type Harness, type HarnessOptions, harness } from './harness.ts';

export const it = test
  .extend('harnessOptions', {} as HarnessOptions)
  .extend('open', async ({ harnessOptions }, { onCleanup }) => {
    const opened: Harness[] = [];
    onCleanup(async () => {
      for (const h of opened) await h.close();
    });
    return async (options: HarnessOptions = {}): Promise<Harness> => {
      const h = await harness({ ...harnessOptions, ...options });
      opened.push(h);
      return h;
    };
  })
  .extend('h', async ({ open }) => open())
  .extend('a', async ({ h }) => h.registrar('a'));
