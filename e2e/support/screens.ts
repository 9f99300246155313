// Screenshots of every page go to artifacts/screenshots/ (gitignored) for people to look at.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../../test-support/paths.js';

const dir = resolve(repoRoot, 'artifacts/screenshots');

export async function screenshot(page: Page, name: string, prefix: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await page.waitForTimeout(250); // let charts and fonts settle
  await page.screenshot({ path: resolve(dir, `${prefix}-${name}.png`) });
}
