// Accessibility of every page and tab a person reaches, checked with axe-core (WCAG 2.x A and AA;
// serious and critical violations fail) in the light and the dark theme, plus keyboard use: Tab
// reaches the navigation and the Run button, and the focused element shows a ring. Against berthd,
// from an empty engine (the empty states) to one that has gone away (the error states).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadBusybox, startBerthd, type EngineUnderTest } from './support/engine.js';
import { startApp, type RunningApp } from './support/app.js';
import { screenshot } from './support/screens.js';
import { waitForTerminal } from './support/ui.js';
import { axeViolations, focusIndicator, formatViolations } from './support/a11y.js';

const name = `e2e-a11y-${process.pid}`;

describe('accessibility against berthd', () => {
  let engine: EngineUnderTest;
  let app: RunningApp;
  let page: Page;
  let runningId = '';
  let exitedId = '';

  /** axe on the page as it is now, in the light theme and then the dark one. */
  async function audit(where: string, shot?: string): Promise<string[]> {
    const report: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForFunction((dark) => document.documentElement.classList.contains('dark') === dark, scheme === 'dark');
      report.push(...formatViolations(`${where} (${scheme})`, await axeViolations(page)));
      if (shot) await screenshot(page, `${shot}-${scheme}`, 'a11y');
    }
    await page.emulateMedia({ colorScheme: 'light' });
    if (report.length) console.error(report.join('\n'));
    return report;
  }

  beforeAll(async () => {
    engine = await startBerthd();
    app = await startApp(engine.host);
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  });

  it('empty engine: the Containers and Images empty states', async () => {
    await page.goto(`${app.url}#/containers`);
    await page.getByText('No containers yet').waitFor();
    const report = await audit('containers, empty');
    await page.goto(`${app.url}#/images`);
    await page.getByText('No images yet').waitFor();
    report.push(...(await audit('images, empty')));
    await screenshot(page, 'images-empty', 'a11y');
    await page.goto(`${app.url}#/volumes`);
    await page.getByText('No volumes yet').waitFor();
    report.push(...(await audit('volumes, empty (the create form)')));
    expect(report).toEqual([]);
  });

  it('lists, image details, the run dialog, events, system and settings', async () => {
    await loadBusybox(engine.client);
    const running = await engine.client.createContainer({ Image: 'busybox:test', name, Cmd: ['sh', '-c', `echo hello-from-${name}; while true; do sleep 1; done`], HostConfig: { NetworkMode: 'none' } });
    await running.start();
    runningId = running.id;
    const exited = await engine.client.createContainer({ Image: 'busybox:test', name: `${name}-exited`, Cmd: ['sh', '-c', 'exit 3'], HostConfig: { NetworkMode: 'none' } });
    await exited.start();
    await exited.wait();
    exitedId = exited.id;

    const report: string[] = [];
    await page.goto(`${app.url}#/containers`);
    await page.locator(`[data-testid=container-row][data-name="${name}-exited"]`).getByText(/exited \(3\)/).waitFor();
    await page.locator(`[data-testid=container-row][data-name="${name}"][data-state=running]`).waitFor();
    report.push(...(await audit('containers', 'containers')));
    await page.getByRole('checkbox', { name: `Select ${name}`, exact: true }).check();
    await page.getByText('1 selected').waitFor();
    report.push(...(await audit('containers, one selected')));

    await page.goto(`${app.url}#/images`);
    await page.getByRole('row', { name: /busybox/ }).waitFor();
    report.push(...(await audit('images')));
    await page.getByRole('button', { name: 'Pull', exact: true }).click(); // no name typed
    await page.getByRole('alert').filter({ hasText: 'Pull failed' }).waitFor();
    report.push(...(await audit('images, pull failed')));
    await page.getByRole('button', { name: 'Load from file…' }).click();
    await page.getByLabel('Image file (.tar)').waitFor();
    report.push(...(await audit('images, load from file')));

    await page.getByRole('button', { name: 'Run busybox:test' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('run-command').waitFor();
    report.push(...(await audit('run dialog', 'run-dialog')));
    await dialog.getByLabel('Name', { exact: true }).fill('-bad name');
    await dialog.getByText(/name: letters, digits/).waitFor();
    report.push(...(await audit('run dialog, invalid name')));
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Details of busybox:test' }).click();
    await page.getByRole('heading', { name: 'Layers' }).waitFor();
    report.push(...(await audit('image details')));
    await page.goto(`${app.url}#/images`);
    await page.getByRole('button', { name: 'Push busybox:test' }).click();
    await page.getByRole('region', { name: 'Push' }).waitFor();
    report.push(...(await audit('image details, push')));
    await page.goto(`${app.url}#/build`);
    await page.getByRole('heading', { name: 'Build image' }).waitFor();
    report.push(...(await audit('build image', 'build')));
    await page.getByLabel('Context folder').fill('/no/such/folder');
    await page.getByTestId('build-context-problem').waitFor();
    report.push(...(await audit('build image, folder missing')));

    await page.goto(`${app.url}#/events`);
    await page.getByRole('cell', { name: 'start' }).first().waitFor();
    report.push(...(await audit('events')));
    await page.goto(`${app.url}#/system`);
    await page.getByText('cgroup version').waitFor();
    report.push(...(await audit('system')));
    await page.goto(`${app.url}#/settings`);
    await page.getByRole('heading', { name: 'Engines' }).waitFor();
    report.push(...(await audit('settings')));
    expect(report).toEqual([]);
  });

  it('volumes: the list, inspect, a refused create, the in-use and prune dialogs', async () => {
    const vol = `${name}-vol`;
    await engine.client.createVolume({ Name: vol, Labels: { purpose: 'a11y' } } as never);
    await engine.client.createVolume({ Name: `${vol}-unused` } as never);
    await engine.client.createContainer({ Image: 'busybox:test', name: `${name}-vol-user`, Cmd: ['true'], HostConfig: { NetworkMode: 'none', Binds: [`${vol}:/data`] } });
    const report: string[] = [];
    await page.goto(`${app.url}#/volumes`);
    await page.locator(`[data-testid=volume-row][data-name="${vol}"]`).getByRole('link', { name: `${name}-vol-user` }).waitFor();
    report.push(...(await audit('volumes', 'volumes')));
    await page.getByRole('button', { name: `Inspect ${vol}`, exact: true }).click();
    await page.getByRole('region', { name: `Inspect ${vol}` }).getByText('Mountpoint').waitFor();
    report.push(...(await audit('volumes, inspect')));
    await page.getByRole('button', { name: 'Create volume…' }).click();
    await page.getByRole('button', { name: '+ Option' }).click();
    await page.getByLabel('Option 1 key').fill('no-such-option');
    await page.getByRole('button', { name: 'Create volume', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'The engine did not create the volume' }).waitFor();
    report.push(...(await audit('volumes, create refused')));
    await page.getByRole('button', { name: `Remove ${vol}`, exact: true }).click();
    await page.getByRole('dialog', { name: `${vol} is in use` }).waitFor();
    report.push(...(await audit('volumes, in use')));
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Prune unused…' }).click();
    await page.getByRole('dialog', { name: 'Prune 1 unused volume?' }).waitFor();
    report.push(...(await audit('volumes, prune')));
    await page.keyboard.press('Escape');
    expect(report).toEqual([]);
  });

  it("a running container's tabs, a shell open in Terminals", async () => {
    const report: string[] = [];
    await page.goto(`${app.url}#/containers/${runningId}/logs`);
    await page.getByTestId('log-line').filter({ hasText: `hello-from-${name}` }).waitFor();
    report.push(...(await audit('container logs')));
    await page.getByRole('tab', { name: 'Stats' }).click();
    await page.getByText('CPU throttled').waitFor();
    await page.waitForTimeout(1500); // a few samples on the charts
    report.push(...(await audit('container stats', 'stats')));
    await page.getByRole('tab', { name: 'Terminals' }).click();
    await page.getByRole('button', { name: 'New shell' }).click();
    await waitForTerminal(page, /[#$]\s*$/m);
    report.push(...(await audit('container terminals')));
    await page.locator('[data-testid=terminal]:visible').click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Terminal' });
    await menu.waitFor();
    report.push(...(await audit('container terminals, context menu', 'terminal-menu')));
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Resources' }).click();
    await page.getByRole('slider', { name: 'Memory limit' }).waitFor();
    report.push(...(await audit('container resources')));
    await page.getByRole('tab', { name: 'Processes' }).click();
    await page.getByRole('cell', { name: /sleep|sh -c/ }).first().waitFor();
    report.push(...(await audit('container processes')));
    await page.getByRole('tab', { name: 'Changes' }).click();
    await page.waitForTimeout(500);
    report.push(...(await audit('container changes')));
    await page.getByRole('tab', { name: 'Inspect' }).click();
    await page.getByText('HostConfig').first().waitFor();
    report.push(...(await audit('container inspect')));
    expect(report).toEqual([]);
  });

  it("an exited container's page", async () => {
    await page.goto(`${app.url}#/containers/${exitedId}/logs`);
    await page.getByText(/exited \(3\)/).first().waitFor();
    const report = await audit('exited container logs');
    await page.getByRole('tab', { name: 'Stats' }).click();
    await page.waitForTimeout(500);
    report.push(...(await audit('exited container stats')));
    await page.getByRole('tab', { name: 'Terminals' }).click();
    await page.waitForTimeout(500);
    report.push(...(await audit('exited container terminals')));
    expect(report).toEqual([]);
  });

  it('Tab reaches the navigation and the Run button, each with a visible focus ring; Enter opens the dialog', async () => {
    await page.goto(`${app.url}#/images`);
    await page.reload(); // Tab then starts from the top of the document, as after opening the app
    await page.getByRole('button', { name: 'Run busybox:test' }).waitFor();
    await page.keyboard.press('Tab');
    // The skip link shows itself when focused and moves the focus to the page, which stays put.
    const skip = await focusIndicator(page);
    expect(skip).toMatchObject({ name: 'Skip to content', visible: true });
    expect((await page.getByRole('link', { name: 'Skip to content' }).boundingBox())?.width).toBeGreaterThan(40);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => [document.activeElement?.id, location.hash])).toEqual(['main', '#/images']);
    await page.reload();
    await page.getByRole('button', { name: 'Run busybox:test' }).waitFor();
    const want = ['Containers', 'Images', 'Volumes', 'Events', 'System', 'Settings', 'Run busybox:test'];
    const reached: string[] = [];
    for (let i = 0; i < 60 && reached.length < want.length; i++) {
      await page.keyboard.press('Tab');
      const f = await focusIndicator(page);
      expect({ stop: i, tag: f.tag, name: f.name, visible: f.visible }).toMatchObject({ visible: true });
      const hit = want.find((w) => f.name === w || f.name.endsWith(w));
      if (hit && !reached.includes(hit)) reached.push(hit);
    }
    expect(reached).toEqual(want); // the navigation first, in its order, then the page
    await screenshot(page, 'focus-run', 'a11y');
    expect((await focusIndicator(page)).name).toBe('Run busybox:test');
    // Focus is on the Run button now: Enter opens the dialog with the focus inside it, Escape closes it.
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await focusIndicator(page)).name).toBe('Run busybox:test'); // back where the person was
  });

  it("every stop of Tab on a container's Resources tab shows its focus", async () => {
    await page.goto(`${app.url}#/containers/${runningId}/resources`);
    await page.reload();
    await page.getByRole('slider', { name: 'Memory limit' }).waitFor();
    const stops: string[] = [];
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Tab');
      const f = await focusIndicator(page);
      if (f.tag === 'body' || (i > 0 && f.name === 'Skip to content')) break; // past the last one
      expect({ stop: i, tag: f.tag, name: f.name, visible: f.visible }).toMatchObject({ visible: true });
      stops.push(f.name);
    }
    // It went through the page's tabs and every control of the Resources tab, not only the sidebar.
    expect(stops).toEqual(expect.arrayContaining(['Logs', 'Stats', 'Terminals', 'Resources', 'Memory limit', 'CPU shares', 'CPU quota', 'CPU 0', 'Process limit']));
  });

  it('a removed row, dimmed while the pointer holds the list, keeps AA contrast in both themes', async () => {
    if (!(await engine.client.listImages()).some((i) => i.RepoTags?.includes('busybox:test'))) await loadBusybox(engine.client);
    const made: string[] = [];
    for (const n of ['held-a', 'held-b']) made.push((await engine.client.createContainer({ Image: 'busybox:test', name: `${name}-${n}`, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } })).id);
    await page.goto(`${app.url}#/containers`);
    const row = (n: string) => page.locator(`[data-testid=container-row][data-name="${name}-${n}"]`);
    await row('held-a').waitFor();
    await row('held-b').waitFor();
    const box = await row('held-b').boundingBox();
    if (!box) throw new Error('the row has no box');
    // The pointer keeps moving over the list (the list holds its rows 2 s after each move) while
    // one container goes and axe reads the page.
    let moving = true;
    let nudge = 0;
    const mover = (async () => {
      while (moving) {
        await page.mouse.move(box.x + 200 + (nudge++ % 2), box.y + box.height / 2);
        await page.waitForTimeout(250);
      }
    })();
    try {
      await engine.client.getContainer(made[0] as string).remove();
      await row('held-a').and(page.locator('[data-gone=true]')).waitFor({ timeout: 15_000 });
      const report = await audit('containers, a removed row held in place', 'held-row');
      expect(await row('held-a').getAttribute('data-gone')).toBe('true'); // still held when axe ran
      expect(report).toEqual([]);
    } finally {
      moving = false;
      await mover;
      await page.mouse.move(5, 5);
      await engine.client.getContainer(made[1] as string).remove().catch(() => {});
    }
  });

  it('engine gone: the error states say what to do, accessibly', async () => {
    await page.goto(`${app.url}#/containers`);
    await page.getByRole('heading', { name: 'Containers' }).waitFor();
    await engine.stop();
    await page.getByText('Could not list containers').waitFor({ timeout: 30_000 });
    await page.getByText('Engine not reachable', { exact: true }).waitFor({ timeout: 30_000 });
    const report = await audit('containers, engine gone');
    await page.goto(`${app.url}#/images`);
    await page.getByText('Could not list images').waitFor({ timeout: 20_000 });
    report.push(...(await audit('images, engine gone')));
    await page.goto(`${app.url}#/volumes`);
    await page.getByText('Could not list volumes').waitFor({ timeout: 20_000 });
    report.push(...(await audit('volumes, engine gone')));
    await page.goto(`${app.url}#/containers/${runningId}/logs`);
    await page.getByText('Container not available').waitFor({ timeout: 20_000 });
    report.push(...(await audit('container page, engine gone')));
    await screenshot(page, 'engine-gone', 'a11y');
    expect(report).toEqual([]);
  });
});
