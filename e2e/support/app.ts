// Starts the app for a test. Browser mode (the default here): the app's own server in this
// process (the same module `npm run browser` runs) and Chromium pointed at its URL with the token.
// With an Electron binary present, BERTH_E2E_ELECTRON=1 launches the real app instead through
// Playwright's Electron driver, and the same specs run against its first window.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { _electron } from 'playwright-core';
import { SettingsStore } from '../../electron/src/config/settings-store.js';
import { EngineHub } from '../../electron/src/engine/hub.js';
import { startBrowserServer } from '../../electron/src/transport/ws-server.js';
import { electronBinary } from '../../electron/src/cli/paths.js';
import { repoRoot } from '../../test-support/paths.js';
import { launchChromium } from './browser.js';

export interface RunningApp { page: Page; url: string; close(): Promise<void> }

function newest(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    n = Math.max(n, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return n;
}

/** Builds the renderer when its sources (or the shared contract) are newer than the bundle. */
export function ensureRendererBuilt(): void {
  const out = resolve(repoRoot, 'renderer/dist/index.html');
  const src = Math.max(newest(resolve(repoRoot, 'renderer')), newest(resolve(repoRoot, 'electron/src/shared')));
  if (!existsSync(out) || statSync(out).mtimeMs < src) {
    execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  }
}

/** A renderer exception is printed in the test's output (the test itself fails on what it sees). */
function reportPageErrors(page: Page): void {
  page.on('pageerror', (e) => console.error(`renderer error: ${e.message}`));
}

export async function startApp(engineHost: string): Promise<RunningApp> {
  if (process.env.BERTH_E2E_ELECTRON === '1') {
    const bin = electronBinary();
    if (!bin) throw new Error('BERTH_E2E_ELECTRON=1 but node_modules/electron has no binary (install electron with its download)');
    execFileSync('npx', ['tsc', '-b', 'electron'], { cwd: repoRoot, stdio: 'inherit' });
    ensureRendererBuilt();
    const app = await _electron.launch({ executablePath: bin, args: [resolve(repoRoot, 'electron/dist/main/main.js')], env: { ...process.env, BERTH_ENGINE: engineHost, BERTH_CONFIG: '' } as Record<string, string> });
    const page = await app.firstWindow();
    reportPageErrors(page);
    return { page, url: page.url(), close: () => app.close() };
  }
  ensureRendererBuilt();
  const hub = new EngineHub(new SettingsStore(null));
  hub.overrideHost(engineHost);
  const server = await startBrowserServer({ hub, staticDir: resolve(repoRoot, 'renderer/dist') });
  const chromium = await launchChromium();
  // The terminal's Copy and Paste use the async clipboard API, as a person's browser would allow.
  await chromium.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
  const page = await chromium.context.newPage();
  reportPageErrors(page);
  // BERTH_E2E_RENDERER=webgl draws every terminal as a machine with a GPU would (here with
  // SwiftShader's software WebGL: slow, but the helpers must read the screen all the same).
  const renderer = process.env.BERTH_E2E_RENDERER;
  return {
    page,
    url: renderer ? `${server.url}&renderer=${encodeURIComponent(renderer)}` : server.url,
    async close() {
      await chromium.close();
      await server.close();
    },
  };
}
