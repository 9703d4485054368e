// Debian's Chromium driven by playwright-core, as this machine allows it (root, no sandbox, no
// network of its own), axe-core injected into each page, and screenshots saved per page under
// test/web/screenshots/ (git-ignored).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

import { peer } from '../../helpers/peer.ts';

/** Debian's Chromium (the peer table's `chromium`; CALLX_CHROMIUM another build). */
export const CHROMIUM = process.env.CALLX_CHROMIUM ?? peer('chromium');
const AXE = readFileSync(
  join(import.meta.dirname, '..', '..', '..', 'node_modules', 'axe-core', 'axe.min.js'),
  'utf8',
);
export const SCREENSHOTS = join(import.meta.dirname, '..', 'screenshots');

export interface Chromium {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // playwright gives every launch a fresh --user-data-dir of its own
      ],
    });
  } catch (err) {
    throw new Error(
      `test: web: cannot start Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium; .ci/run installs it): ${(err as Error).message}`,
    );
  }
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * Runs axe-core on what `page` shows. A page of a context without JavaScript is audited in a
 * context with it and the same cookies (GET pages only: the audit changes nothing).
 */
export async function axe(page: Page, auditContext?: () => Promise<BrowserContext>): Promise<AxeViolation[]> {
  let target = page;
  let extra: BrowserContext | undefined;
  if (auditContext) {
    extra = await auditContext();
    await extra.addCookies(await page.context().cookies());
    target = await extra.newPage();
    await target.goto(page.url());
  }
  try {
    await target.evaluate(AXE);
    const result = (await target.evaluate(
      `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
    )) as AxeViolation[];
    return result;
  } finally {
    await extra?.close();
  }
}

export const serious = (vs: AxeViolation[]): AxeViolation[] =>
  vs.filter((v) => v.impact === 'serious' || v.impact === 'critical');

export async function screenshot(page: Page, folder: string, name: string): Promise<void> {
  const dir = join(SCREENSHOTS, folder);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
