import { describe, expect, it } from 'vitest';
import { PARTS } from '#main';
import { SERVE_PARTS } from './commands.ts';

describe('cli: the grammar', () => {
  // commands.ts names the parts itself: importing #main for them would load every front end
  it("names the parts `serve --only` takes as src/main.ts's PARTS", () => {
    expect([...SERVE_PARTS]).toEqual([...PARTS]);
  });
});
