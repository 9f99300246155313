// Which renderer draws a terminal: xterm's WebGL one where the browser has a GPU, the DOM one
// where WebGL is software (this headless Chromium's SwiftShader: drawing a flood with it ran at
// 0.3 MB/s here, against 4 MB/s with the DOM renderer). `renderer=webgl` forces the GPU renderer,
// which must then work end to end: typed keys reach the shell and its output reaches the screen.
// The screen is read from xterm's buffer (support/ui.ts terminalText): a WebGL terminal has no DOM rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApp, type RunningApp } from './support/app.js';
import { loadBusybox, startBerthd, type EngineUnderTest } from './support/engine.js';
import { screenshot } from './support/screens.js';
import { waitForTerminal } from './support/ui.js';

describe('terminal renderer (berthd)', () => {
  let berthd: EngineUnderTest & { dir: string };
  let app: RunningApp;
  let page: Page;
  let id: string;

  beforeAll(async () => {
    berthd = await startBerthd();
    await loadBusybox(berthd.client);
    const c = await berthd.client.createContainer({ Image: 'busybox:test', name: 'gl', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'none' } });
    await c.start();
    id = c.id;
    app = await startApp(berthd.host);
    page = app.page;
  });

  afterAll(async () => {
    await berthd?.client.getContainer(id).remove({ force: true }).catch(() => {});
    await app?.close();
    await berthd?.stop();
  });

  async function openShell(query: string): Promise<void> {
    await page.goto(`${app.url}${query}#/containers/${id}/terminal`);
    await page.getByRole('button', { name: 'New shell' }).click();
  }

  it('keeps the DOM renderer where WebGL is software', async () => {
    await openShell('');
    await waitForTerminal(page, /#\s*$/m);
    expect(await page.locator('[data-renderer]:visible').getAttribute('data-renderer')).toBe('dom');
    expect(await page.locator('[data-testid=terminal]:visible .xterm-rows').count()).toBe(1);
  });

  it('draws with WebGL when asked, and the shell answers through it', async () => {
    await openShell('&renderer=webgl');
    await waitForTerminal(page, /#\s*$/m);
    expect(await page.locator('[data-renderer]:visible').getAttribute('data-renderer')).toBe('webgl');
    expect(await page.locator('[data-testid=terminal]:visible canvas').count()).toBeGreaterThan(0);
    await page.locator('[data-testid=terminal]:visible .xterm-screen').click();
    await page.keyboard.type('echo gl-$((6*7))\n', { delay: 5 });
    await waitForTerminal(page, /^gl-42\s*$/m);
    await screenshot(page, 'terminal-webgl', 'berthd');
  });

  it('follows the choice saved in Settings for terminals opened after it', async () => {
    await page.goto(`${app.url}#/settings`);
    // What Automatic found here, said where the choice is made.
    expect(await page.getByTestId('webgl-summary').innerText()).toMatch(/(WebGL is software \(.*\): Automatic draws|has no WebGL2: terminals are drawn) with page elements/);
    await page.getByRole('radio', { name: 'GPU (WebGL)' }).click(); // a controlled radio: checked once the app saved it
    // Saved by the app's server: a fresh load of the page shows it chosen.
    await expect.poll(async () => { await page.reload(); return page.getByRole('radio', { name: 'GPU (WebGL)' }).isChecked(); }, { timeout: 10_000 }).toBe(true);
    await page.goto(`${app.url}#/containers/${id}/terminal`);
    await page.getByRole('button', { name: 'New shell' }).click();
    await waitForTerminal(page, /#\s*$/m);
    expect(await page.locator('[data-renderer]:visible').getAttribute('data-renderer')).toBe('webgl');
    await page.goto(`${app.url}#/settings`);
    await page.getByRole('radio', { name: 'Automatic (GPU where there is one)' }).click();
    await expect.poll(async () => { await page.reload(); return page.getByRole('radio', { name: 'Automatic (GPU where there is one)' }).isChecked(); }, { timeout: 10_000 }).toBe(true);
  });
});
