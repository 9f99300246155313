// Which renderer draws a terminal: xterm's WebGL one where the browser has a GPU, the DOM one
// where WebGL is software (this headless Chromium's SwiftShader: drawing a flood with it ran at
// 0.3 MB/s here, against 4 MB/s with the DOM renderer). `renderer=webgl` forces the GPU renderer,
// which must then work end to end: typed keys reach the shell and its output reaches the screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApp, type RunningApp } from './support/app.js';
import { loadBusybox, startBerthd, type EngineUnderTest } from './support/engine.js';
import { screenshot } from './support/screens.js';

/** The text of the newest terminal's buffer (a WebGL terminal has no rows in the DOM to read). */
const bufferText = (page: Page): Promise<string> => page.evaluate(() => {
  const all = [...((window as unknown as { __berthSessions?: Map<string, { term: { buffer: { active: { length: number; getLine(y: number): { translateToString(trim: boolean): string } | undefined } } } }[]> }).__berthSessions?.values() ?? [])].flat();
  const b = all.at(-1)?.term.buffer.active;
  if (!b) return '';
  const lines: string[] = [];
  for (let y = 0; y < b.length; y++) lines.push(b.getLine(y)?.translateToString(true) ?? '');
  return lines.join('\n');
});

async function waitForBuffer(page: Page, pattern: RegExp): Promise<void> {
  for (const end = Date.now() + 15_000; Date.now() < end; await page.waitForTimeout(100)) if (pattern.test(await bufferText(page))) return;
  throw new Error(`terminal buffer: ${pattern} did not appear; it held:\n${await bufferText(page)}`);
}

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
    await openShell('&bench');
    await waitForBuffer(page, /#\s*$/m);
    expect(await page.locator('[data-renderer]:visible').getAttribute('data-renderer')).toBe('dom');
    expect(await page.locator('[data-testid=terminal]:visible .xterm-rows').count()).toBe(1);
  });

  it('draws with WebGL when asked, and the shell answers through it', async () => {
    await openShell('&bench&renderer=webgl');
    await waitForBuffer(page, /#\s*$/m);
    expect(await page.locator('[data-renderer]:visible').getAttribute('data-renderer')).toBe('webgl');
    expect(await page.locator('[data-testid=terminal]:visible canvas').count()).toBeGreaterThan(0);
    await page.locator('[data-testid=terminal]:visible .xterm-screen').click();
    await page.keyboard.type('echo gl-$((6*7))\n', { delay: 5 });
    await waitForBuffer(page, /^gl-42\s*$/m);
    await screenshot(page, 'terminal-webgl', 'berthd');
  });

  it('follows the choice saved in Settings for terminals opened after it', async () => {
    await page.goto(`${app.url}&bench#/settings`);
    // What Automatic found here, said where the choice is made.
    expect(await page.getByTestId('webgl-summary').innerText()).toMatch(/(WebGL is software \(.*\): Automatic draws|has no WebGL2: terminals are drawn) with page elements/);
    await page.getByRole('radio', { name: 'GPU (WebGL)' }).click(); // a controlled radio: checked once the app saved it
    // Saved by the app's server: a fresh load of the page shows it chosen.
    await expect.poll(async () => { await page.reload(); return page.getByRole('radio', { name: 'GPU (WebGL)' }).isChecked(); }, { timeout: 10_000 }).toBe(true);
    await page.goto(`${app.url}&bench#/containers/${id}/terminal`);
    await page.getByRole('button', { name: 'New shell' }).click();
    await waitForBuffer(page, /#\s*$/m);
    expect(await page.locator('[data-renderer]:visible').getAttribute('data-renderer')).toBe('webgl');
    await page.goto(`${app.url}&bench#/settings`);
    await page.getByRole('radio', { name: 'Automatic (GPU where there is one)' }).click();
    await expect.poll(async () => { await page.reload(); return page.getByRole('radio', { name: 'Automatic (GPU where there is one)' }).isChecked(); }, { timeout: 10_000 }).toBe(true);
  });
});
