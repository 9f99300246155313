// Keyboard shortcuts as a power user presses them, against berthd: g + a letter goes to each page,
// `/` focuses the page's search, `?` opens the list (focus kept inside, Escape closes and gives the
// focus back), and none of them fires while typing in a search box or a terminal, or with a
// modifier held. Also the events feed past 500 events (virtualized) and its filter box.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadBusybox, startBerthd, type EngineUnderTest } from './support/engine.js';
import { startApp, type RunningApp } from './support/app.js';
import { screenshot } from './support/screens.js';
import { typeInTerminal, waitForTerminal } from './support/ui.js';
import { axeViolations, formatViolations } from './support/a11y.js';

const prefix = `e2e-keys-${process.pid}`;

describe('keyboard shortcuts against berthd', () => {
  let engine: EngineUnderTest;
  let app: RunningApp;
  let page: Page;
  let runningId = '';
  const hash = () => page.evaluate(() => location.hash);
  const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
  /** The focus on the page itself, as after a click on an empty spot. */
  const blur = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  beforeAll(async () => {
    engine = await startBerthd();
    await loadBusybox(engine.client);
    const c = await engine.client.createContainer({ Image: 'busybox:test', name: `${prefix}-sh`, Cmd: ['sh', '-c', 'while true; do sleep 1; done'], HostConfig: { NetworkMode: 'none' } });
    await c.start();
    runningId = c.id;
    await engine.client.createVolume({ Name: `${prefix}-vol` }); // the Volumes page shows its search once there is one
    app = await startApp(engine.host);
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  });

  it('g and a letter go to each page of the navigation', async () => {
    await page.goto(`${app.url}#/system`);
    await page.getByText('cgroup version').waitFor();
    // Networks gets its g n where the app has that page.
    const hasNetworks = (await page.locator('nav[aria-label=Main] a[href="#/networks"]').count()) > 0;
    const keys: [string, string, RegExp][] = [
      ['c', '#/containers', /^Containers$/], ['i', '#/images', /^Images$/], ['v', '#/volumes', /^Volumes$/],
      ['e', '#/events', /^Events$/], ['s', '#/system', /^System$/],
      ...(hasNetworks ? [['n', '#/networks', /^Networks$/] as [string, string, RegExp]] : []),
    ];
    for (const [key, want, heading] of keys) {
      await page.keyboard.press('g');
      await page.keyboard.press(key);
      await expect.poll(hash).toBe(want);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      expect(await page.locator('nav[aria-label=Main] a[aria-current=page]').getAttribute('href')).toBe(want);
    }
    // g then nothing for a while: the letter alone is no shortcut.
    await page.keyboard.press('g');
    await page.waitForTimeout(1800);
    await page.keyboard.press('i');
    await page.waitForTimeout(300);
    expect(await hash()).toBe(hasNetworks ? '#/networks' : '#/system');
  });

  it('no shortcut fires with Ctrl, Alt or Meta held', async () => {
    await page.goto(`${app.url}#/containers`);
    await page.getByRole('heading', { level: 1, name: 'Containers' }).waitFor();
    await blur();
    for (const [first, second] of [['Alt+g', 'i'], ['g', 'Alt+i'], ['Meta+g', 'i'], ['g', 'Control+i']] as const) {
      await page.keyboard.press(first);
      await page.keyboard.press(second);
    }
    await page.keyboard.press('Alt+Slash');
    await page.waitForTimeout(300);
    expect(await hash()).toBe('#/containers');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await focusedId()).not.toBe('container-search');
  });

  it('/ focuses the search box of the page, and keys typed there stay text', async () => {
    const pages: [string, string][] = [['containers', 'container-search'], ['images', 'image-search'], ['volumes', 'volume-search'], ['events', 'event-search']];
    if ((await page.locator('nav[aria-label=Main] a[href="#/networks"]').count()) > 0) pages.push(['networks', 'network-search']);
    for (const [where, box] of pages) {
      await page.goto(`${app.url}#/${where}`);
      await page.locator(`#${box}`).waitFor();
      await page.locator(`#${box}`).fill('');
      await blur();
      await page.keyboard.press('/');
      expect(await focusedId()).toBe(box);
      expect(await page.locator(`#${box}`).inputValue()).toBe(''); // the / itself is not typed
    }
    // In the box, g i and ? are letters of a search, not a trip to Images or the list.
    await page.goto(`${app.url}#/containers`);
    await page.locator('#container-search').waitFor();
    await blur();
    await page.keyboard.press('/');
    await page.keyboard.type('g i?/');
    expect(await page.locator('#container-search').inputValue()).toBe('g i?/');
    await page.waitForTimeout(300);
    expect(await hash()).toBe('#/containers');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.locator('#container-search').fill('');
    // A page without a search box: / does nothing, and nothing breaks.
    await page.goto(`${app.url}#/system`);
    await page.getByText('cgroup version').waitFor();
    await blur();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
  });

  it('? opens the list of shortcuts with the focus inside; Escape closes it and gives the focus back', async () => {
    await page.goto(`${app.url}#/containers`);
    const images = page.locator('nav[aria-label=Main] a[href="#/images"]');
    await images.focus();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    const list = dialog.getByTestId('shortcut-list');
    for (const what of ['Go to Containers', 'Go to Images', 'Go to Volumes', 'Go to Events', 'Go to System', "Search this page's list", 'Show these shortcuts']) {
      await list.getByRole('cell', { name: what, exact: true }).waitFor();
    }
    const hasNetworks = (await page.locator('nav[aria-label=Main] a[href="#/networks"]').count()) > 0;
    expect(await list.getByRole('cell', { name: 'Go to Networks', exact: true }).count()).toBe(hasNetworks ? 1 : 0);
    // axe's WCAG A and AA rules on the open dialog, light and dark (as a11y.test.ts audits pages).
    const report = formatViolations('shortcuts dialog (light)', await axeViolations(page));
    await screenshot(page, 'shortcuts-dialog', 'keys');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.classList.contains('dark'));
    report.push(...formatViolations('shortcuts dialog (dark)', await axeViolations(page)));
    await screenshot(page, 'shortcuts-dialog-dark', 'keys');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(report).toEqual([]);
    // The focus stays in the dialog: Tab never lands on the page behind it (the modal makes it inert).
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      const where = await page.evaluate(() => {
        const a = document.activeElement;
        return !a || a === document.body ? 'none' : a.closest('dialog') ? 'dialog' : `${a.tagName} ${a.textContent}`;
      });
      expect(['dialog', 'none']).toContain(where);
    }
    // Shortcuts rest while the dialog is open.
    await page.keyboard.press('g');
    await page.keyboard.press('e');
    await page.waitForTimeout(300);
    expect(await hash()).toBe('#/containers');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#/images');
    // The hint at the navigation's foot opens it too, and Escape gives the focus back to the hint.
    const hint = page.getByRole('button', { name: 'Press ? for shortcuts' });
    await hint.click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await hint.evaluate((b) => b === document.activeElement)).toBe(true);
  });

  it('keys typed in a terminal go to the shell, not to the shortcuts', async () => {
    await page.goto(`${app.url}#/containers/${runningId}/terminal`);
    await page.getByRole('button', { name: 'New shell' }).click();
    await waitForTerminal(page, /[#$]\s*$/m);
    await typeInTerminal(page, "echo 'g i / ? g c'\n");
    await waitForTerminal(page, /^g i \/ \? g c\s*$/m);
    expect(await hash()).toBe(`#/containers/${runningId}/terminal`);
    expect(await page.getByRole('dialog').count()).toBe(0);
    // Bare g i (no echo): still the shell's, which says it has no such command.
    await page.keyboard.type('g i\n', { delay: 5 });
    await waitForTerminal(page, /g: not found/);
    expect(await hash()).toBe(`#/containers/${runningId}/terminal`);
    await screenshot(page, 'terminal-keys', 'keys');
  });

  it('the events feed keeps far more than 500 events, draws only those in view, and the filter narrows them', async () => {
    // 350 containers made and removed: 700 events (create, destroy) plus the shell container's.
    const n = 350;
    for (let i = 0; i < n; i++) {
      const c = await engine.client.createContainer({ Image: 'busybox:test', name: `${prefix}-ev-${i}`, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
      await c.remove();
    }
    await page.goto(`${app.url}#/events`);
    const table = page.getByRole('table', { name: 'Events' });
    await table.waitFor();
    await page.locator('#event-search').fill('');
    await page.locator('#event-type').selectOption('');
    const rowCount = async () => Number(await table.getAttribute('aria-rowcount')) - 1;
    await expect.poll(rowCount, { timeout: 20_000 }).toBeGreaterThanOrEqual(2 * n);
    expect(await page.getByRole('heading', { level: 1, name: 'Events' }).isVisible()).toBe(true);
    // Virtualized: a screenful of rows in the page, not hundreds.
    const drawn = await page.getByTestId('event-row').count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(150);
    // Newest first; the oldest of ours (ev-0's create) is at the bottom, drawn once scrolled there.
    const body = table.getByRole('rowgroup', { name: 'Events, newest first' });
    expect(await body.getByRole('row').first().getByTestId('event-object').innerText()).not.toBe(`${prefix}-ev-0`);
    await body.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await body.getByRole('row').filter({ has: page.getByRole('cell', { name: 'create', exact: true }) }).filter({ hasText: `${prefix}-ev-0` }).waitFor();
    await screenshot(page, 'events-many', 'keys');

    // Scrolled down, new events (added on top) leave the rows in view where they are.
    await body.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
    await page.waitForTimeout(200);
    const anchor = await body.evaluate((el) => {
      const top = el.getBoundingClientRect().top;
      const row = [...el.querySelectorAll('[data-testid=event-row]')].find((r) => r.getBoundingClientRect().top >= top);
      return row ? { text: (row as HTMLElement).innerText, y: row.getBoundingClientRect().top } : null;
    });
    if (!anchor) throw new Error('no row in view in the middle of the events');
    const before = await rowCount();
    for (let i = 0; i < 5; i++) await (await engine.client.createContainer({ Image: 'busybox:test', name: `${prefix}-late-${i}`, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } })).remove();
    await expect.poll(rowCount).toBeGreaterThanOrEqual(before + 10);
    const yNow = await body.evaluate((el, text) => [...el.querySelectorAll('[data-testid=event-row]')].find((r) => (r as HTMLElement).innerText === text)?.getBoundingClientRect().top ?? null, anchor.text);
    expect(yNow).toBe(anchor.y);
    // At the top, the newest come into view.
    await body.evaluate((el) => { el.scrollTop = 0; });
    await (await engine.client.createContainer({ Image: 'busybox:test', name: `${prefix}-newest`, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } })).remove();
    await expect.poll(() => body.getByRole('row').first().getByTestId('event-object').innerText()).toBe(`${prefix}-newest`);

    // type:/action:/name: narrow: ev-12 and ev-120..129 are 11 containers, each with one destroy.
    await page.locator('#event-search').fill(`name:${prefix}-ev-12 action:destroy`);
    await expect.poll(rowCount).toBe(11);
    const objects = await page.getByTestId('event-object').allInnerTexts();
    expect(new Set(objects)).toEqual(new Set([`${prefix}-ev-12`, ...Array.from({ length: 10 }, (_, d) => `${prefix}-ev-12${d}`)]));
    expect(await page.getByRole('cell', { name: 'create', exact: true }).count()).toBe(0);
    // A plain word matches anywhere; with type:image nothing of ours is left.
    await page.locator('#event-search').fill(`${prefix}-ev-349`);
    await expect.poll(rowCount).toBe(2);
    await page.locator('#event-search').fill(`type:image ${prefix}-ev-349`);
    await page.getByText('No event matches').waitFor();
    await page.getByRole('button', { name: 'Show all events' }).click();
    await expect.poll(rowCount).toBeGreaterThanOrEqual(2 * n);
  });
});
