// The rough edges a demanding user of a container desktop app hits, each checked as a person
// meets it: the list filtered by state (kept when coming back), feedback while an action runs,
// a question before a running container is removed, removing every stopped container at once,
// copying a container's ID, a narrow window, and the run dialog's errors. Against each engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type Docker from 'dockerode';
import { enginesUnderTest, loadBusybox, startEngine, type EngineKind, type EngineUnderTest } from './support/engine.js';
import { startApp, type RunningApp } from './support/app.js';
import { screenshot as shoot } from './support/screens.js';

const prefix = `e2e-ux-${process.pid}`;

async function create(client: Docker, name: string, cmd: string[], start: boolean): Promise<string> {
  // StopTimeout 3: sh as PID 1 ignores SIGTERM, so a stop takes these 3 s and the row shows it meanwhile.
  const c = await client.createContainer({ Image: 'busybox:test', name, Cmd: cmd, StopTimeout: 3, HostConfig: { NetworkMode: 'none' } });
  if (start) await c.start();
  if (start && cmd[0] === 'true') await c.wait();
  return c.id;
}

async function exists(client: Docker, id: string): Promise<boolean> {
  return (await client.listContainers({ all: true })).some((c) => c.Id === id);
}

function polishSuite(kind: EngineKind): void {
  describe(`ux polish against ${kind}`, () => {
    let engine: EngineUnderTest;
    let app: RunningApp;
    let page: Page;
    const ids: Record<string, string> = {};
    const screenshot = (n: string) => shoot(page, n, `ux-${kind}`);
    const row = (n: string) => page.locator(`[data-testid=container-row][data-name="${prefix}-${n}"]`);
    const loop = ['sh', '-c', 'while true; do sleep 1; done'];

    beforeAll(async () => {
      engine = await startEngine(kind);
      await loadBusybox(engine.client);
      ids.up1 = await create(engine.client, `${prefix}-up1`, loop, true);
      ids.up2 = await create(engine.client, `${prefix}-up2`, loop, true);
      ids.done1 = await create(engine.client, `${prefix}-done1`, ['true'], true);
      ids.done2 = await create(engine.client, `${prefix}-done2`, ['true'], true);
      ids.fresh = await create(engine.client, `${prefix}-fresh`, loop, false);
      app = await startApp(engine.host);
      page = app.page;
    });

    afterAll(async () => {
      await app?.close();
      await engine?.stop();
    });

    it('filters the list by state with counts, and keeps the filter and search after opening a container', async () => {
      await page.goto(`${app.url}#/containers`);
      const show = page.getByRole('group', { name: 'Show containers' });
      await row('done1').waitFor();
      await expect.poll(() => show.getByRole('button', { name: /^Running/ }).innerText()).toBe('Running 2');
      expect(await show.getByRole('button', { name: /^Stopped/ }).innerText()).toBe('Stopped 3'); // 2 exited, 1 created
      expect(await show.getByRole('button', { name: /^All/ }).innerText()).toBe('All 5');

      await show.getByRole('button', { name: /^Stopped/ }).click();
      await row('up1').waitFor({ state: 'detached' });
      const names = async () => (await page.getByTestId('container-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).sort();
      expect(await names()).toEqual([`${prefix}-done1`, `${prefix}-done2`, `${prefix}-fresh`]);
      await page.getByLabel('Search containers').fill('done');
      await expect.poll(names).toEqual([`${prefix}-done1`, `${prefix}-done2`]);
      await screenshot('filtered');

      // Open one, come back with the browser's Back and with the page's own link: both keep the view.
      await row('done2').getByRole('link').click();
      await page.getByRole('tab', { name: 'Logs' }).waitFor();
      await page.goBack();
      await row('done1').waitFor();
      expect(await page.getByLabel('Search containers').inputValue()).toBe('done');
      expect(await show.getByRole('button', { name: /^Stopped/ }).getAttribute('aria-pressed')).toBe('true');
      await row('done2').getByRole('link').click();
      await page.getByRole('button', { name: '← Containers' }).click();
      await row('done1').waitFor();
      expect(await names()).toEqual([`${prefix}-done1`, `${prefix}-done2`]);

      // A filter that leaves nothing says so, with the way back.
      await page.getByLabel('Search containers').fill('no-such-container');
      await page.getByText('No container matches').waitFor();
      await page.getByRole('button', { name: 'Show all containers' }).click();
      await row('up1').waitFor();
      expect(await page.getByLabel('Search containers').inputValue()).toBe('');
      expect(await show.getByRole('button', { name: /^All/ }).getAttribute('aria-pressed')).toBe('true');
    });

    it("keeps a container's log search and the timestamps choice when the user looks at another tab and comes back", async () => {
      const id = await create(engine.client, `${prefix}-talk`, ['sh', '-c', 'echo alpha; echo beta; echo gamma'], true);
      await engine.client.getContainer(id).wait();
      await page.goto(`${app.url}#/containers/${id}/logs`);
      await page.getByTestId('log-line').filter({ hasText: 'gamma' }).waitFor();
      await page.getByLabel('Search logs').fill('beta');
      await page.getByLabel('Timestamps').check();
      await page.getByText('1 of 3 lines match').waitFor();
      await page.getByRole('tab', { name: 'Inspect' }).click();
      await page.getByRole('tab', { name: 'Logs' }).click();
      await page.getByText('1 of 3 lines match').waitFor();
      expect(await page.getByLabel('Search logs').inputValue()).toBe('beta');
      expect(await page.getByLabel('Timestamps').isChecked()).toBe(true);
      // The line carries its time (RFC 3339 from the engine) before its text.
      expect(await page.getByTestId('log-line').innerText()).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\s*beta$/);
      await engine.client.getContainer(id).remove();
      // Gone from the list before the next test clicks in it: rows moving up under the pointer
      // would take a click meant for another row.
      await page.goto(`${app.url}#/containers`);
      await row('talk').waitFor({ state: 'detached' });
    });

    it('shows a stop under way on its row, with its buttons off, until the container has stopped', async () => {
      await page.goto(`${app.url}#/containers`);
      await row('up2').getByRole('button', { name: `stop ${prefix}-up2` }).click();
      await row('up2').getByRole('status').filter({ hasText: 'stopping…' }).waitFor({ timeout: 2000 });
      expect(await row('up2').getByRole('button', { name: `Remove ${prefix}-up2` }).isDisabled()).toBe(true);
      expect(await row('up2').getAttribute('aria-busy')).toBe('true');
      await screenshot('stopping');
      // The engine still has it running while the row says so (its 3 s grace period).
      expect((await engine.client.getContainer(ids.up2 as string).inspect()).State.Running).toBe(true);
      await row('up2').getByText(/exited \(\d+\)/).waitFor({ timeout: 20_000 });
      expect((await engine.client.getContainer(ids.up2 as string).inspect()).State.Running).toBe(false);
      expect(await row('up2').getAttribute('aria-busy')).toBeNull();
      expect(await row('up2').getByRole('button', { name: `start ${prefix}-up2` }).isDisabled()).toBe(false);
    });

    it('asks before removing a running container, naming it; Cancel keeps it, Remove removes it', async () => {
      await page.goto(`${app.url}#/containers`);
      await row('up1').getByRole('button', { name: `Remove ${prefix}-up1` }).click();
      const dialog = page.getByRole('dialog', { name: `Remove ${prefix}-up1?` });
      await dialog.getByText('It is still running: removing kills it first.').waitFor();
      await screenshot('confirm-remove');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await exists(engine.client, ids.up1 as string)).toBe(true);
      // Escape is a no as well.
      await row('up1').getByRole('button', { name: `Remove ${prefix}-up1` }).click();
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await exists(engine.client, ids.up1 as string)).toBe(true);

      // A container page whose state is not known (yet, or at all) offers no Remove: a click
      // before its state arrived removed a running container without asking.
      await page.goto(`${app.url}#/containers/${'0'.repeat(64)}/logs`);
      await page.getByText('Container not available').waitFor();
      expect(await page.getByRole('button', { name: 'Remove', exact: true }).isDisabled()).toBe(true);
      // The container page asks the same.
      await page.goto(`${app.url}#/containers/${ids.up1}/logs`);
      await page.getByRole('button', { name: 'Remove', exact: true }).click();
      await dialog.getByText(/It is still running/).waitFor();
      await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
      await page.getByRole('heading', { name: 'Containers' }).waitFor();
      await expect.poll(() => exists(engine.client, ids.up1 as string), { timeout: 20_000 }).toBe(false);
    });

    it('removes every stopped container at once, after saying how many, and leaves the running ones', async () => {
      const keep = await create(engine.client, `${prefix}-keep`, loop, true);
      await page.goto(`${app.url}#/containers`);
      await row('keep').waitFor();
      await row('done1').waitFor();
      await page.getByRole('button', { name: 'Remove stopped…' }).click();
      const dialog = page.getByRole('dialog', { name: /^Remove 4 stopped containers\?$/ });
      await dialog.getByText(`${prefix}-done1`, { exact: false }).waitFor();
      expect(await dialog.getByText(/still running/).count()).toBe(0);
      await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
      for (const n of ['done1', 'done2', 'fresh', 'up2']) await expect.poll(() => exists(engine.client, ids[n] as string), { timeout: 20_000 }).toBe(false);
      expect(await exists(engine.client, keep)).toBe(true);
      await row('done1').waitFor({ state: 'detached' });
      expect(await page.getByRole('button', { name: 'Remove stopped…' }).isDisabled()).toBe(true);
      ids.keep = keep;
    });

    it("copies a container's full ID from its page", async () => {
      await page.goto(`${app.url}#/containers/${ids.keep}/logs`);
      await page.evaluate(() => navigator.clipboard.writeText(''));
      await page.getByRole('button', { name: 'Copy ID' }).click();
      await page.getByRole('button', { name: 'Copied' }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(ids.keep);
    });

    it('keeps the actions in view in a 900×600 window: the list, the navigation and the run dialog', async () => {
      await page.setViewportSize({ width: 900, height: 600 });
      try {
        await page.goto(`${app.url}#/containers`);
        const remove = row('keep').getByRole('button', { name: `Remove ${prefix}-keep` });
        await remove.waitFor();
        const box = await remove.boundingBox();
        const table = await page.getByTestId('containers-table').boundingBox();
        expect(box && table && box.x + box.width <= table.x + table.width).toBe(true);
        expect(await row('keep').getByRole('button', { name: `Terminal in ${prefix}-keep` }).isVisible()).toBe(true);
        // The navigation shows its icons only, and keeps its names for screen readers.
        const nav = page.getByRole('navigation', { name: 'Main' });
        expect((await nav.boundingBox())?.width).toBeLessThan(80);
        await nav.getByRole('link', { name: 'Images' }).click();
        await page.getByRole('heading', { name: 'Images' }).waitFor();
        await screenshot('narrow-images');

        // The run dialog's Run button is on screen without scrolling the form.
        await page.getByRole('button', { name: 'Run busybox:test' }).click();
        const dialog = page.getByRole('dialog');
        const run = dialog.getByRole('button', { name: 'Run', exact: true });
        await run.waitFor();
        const r = await run.boundingBox();
        expect(r && r.y + r.height <= 600 && r.x + r.width <= 900).toBe(true);
        await screenshot('narrow-run-dialog');
        await dialog.getByRole('button', { name: 'Cancel' }).click();
      } finally {
        await page.setViewportSize({ width: 1400, height: 900 });
      }
    });

    it('run dialog: an image without a command asks for one; a taken name keeps Run on screen beside the long error', async () => {
      await page.goto(`${app.url}#/images`);
      await page.getByRole('button', { name: 'Run busybox:test' }).click();
      const dialog = page.getByRole('dialog');
      // busybox:test is a root filesystem imported without CMD: the engine would refuse it.
      await dialog.getByText('command: this image has no default command; type one, like sh').waitFor();
      const run = dialog.getByRole('button', { name: 'Run', exact: true });
      expect(await run.isDisabled()).toBe(true);
      await dialog.getByLabel('Command', { exact: true }).fill('sleep 1000');
      await expect.poll(() => run.isDisabled()).toBe(false);
      // A name the engine has: its error quotes the other container's 64-character ID.
      await dialog.getByLabel('Name', { exact: true }).fill(`${prefix}-keep`);
      await dialog.getByLabel('Network', { exact: true }).selectOption('none');
      await run.click();
      const error = dialog.getByRole('alert').filter({ hasText: 'The container did not start' });
      await error.getByText(/already in use/).waitFor();
      const d = await dialog.boundingBox();
      for (const el of [run, error, dialog.getByRole('button', { name: 'Copy' })]) {
        const b = await el.boundingBox();
        expect(d && b && b.x + b.width <= d.x + d.width).toBe(true);
      }
      // The engine's words, without the API's method name ('containers.run:') in front.
      expect(await error.innerText()).not.toMatch(/containers\.run/);
      await screenshot('run-name-taken');
      // The error can be put away; Run stays.
      await error.getByRole('button', { name: 'Dismiss: The container did not start' }).click();
      await error.waitFor({ state: 'detached' });
      expect(await run.isVisible()).toBe(true);
      // Copy says Copied for a moment, then is Copy again (not 'Copied' for as long as the dialog is open).
      const copy = dialog.getByRole('button', { name: 'Copy', exact: true });
      await copy.click();
      await dialog.getByRole('button', { name: 'Copied' }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^docker run .*sleep 1000/);
      await copy.waitFor({ timeout: 5000 });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(await page.getByText(/^1 image$/).count()).toBe(1);
    });

    it("events say a die's exit code and a kill's signal, and a search finds one container's", async () => {
      await create(engine.client, `${prefix}-exit7`, ['sh', '-c', 'exit 7'], true).then((id) => engine.client.getContainer(id).wait());
      await page.goto(`${app.url}#/events`);
      await page.getByLabel('Search events').fill(`${prefix}-exit7`);
      const die = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'die', exact: true }) });
      await expect.poll(() => die.getByTestId('event-detail').innerText().catch(() => '')).toBe('exit code 7');
      // Only that container's events are left (create, start, die, and whatever else the engine sends for it).
      const objects = await page.getByTestId('event-object').allInnerTexts();
      expect(objects.length).toBeGreaterThanOrEqual(3);
      expect(new Set(objects)).toEqual(new Set([`${prefix}-exit7`]));
      // The stop of up2 earlier: SIGTERM first, as a stop sends it.
      await page.getByLabel('Search events').fill(`${prefix}-up2`);
      const kill = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'kill', exact: true }) });
      await expect.poll(() => kill.getByTestId('event-detail').allInnerTexts()).toContain('SIGTERM (15)');
      await screenshot('events');
    });

    it('a pull from a registry that does not answer says so, naming the address, without the stray status line', async () => {
      await page.goto(`${app.url}#/images`);
      await page.getByLabel('Image to pull').fill('127.0.0.1:1/nothing:1');
      await page.getByRole('button', { name: 'Pull', exact: true }).click();
      const error = page.getByRole('alert').filter({ hasText: 'Pull failed' });
      await error.getByText('Nothing answers at 127.0.0.1:1: is the registry running, and is the address right?').waitFor({ timeout: 60_000 });
      expect(await page.getByRole('region', { name: 'Pull an image' }).innerText()).not.toMatch(/^error$/m);
      await screenshot('pull-refused');
    });

    it('an image in use: the error names its containers and offers Remove anyway, which the engine then does', async () => {
      const image = await engine.client.getImage('busybox:test').inspect();
      await page.goto(`${app.url}#/images`);
      // The app's own question (not the browser's confirm()): Cancel keeps the image.
      const ask = page.getByRole('dialog', { name: 'Remove busybox:test?' });
      await page.getByRole('button', { name: 'Remove busybox:test' }).click();
      await ask.getByRole('button', { name: 'Cancel' }).click();
      await ask.waitFor({ state: 'detached' });
      expect(await engine.client.getImage('busybox:test').inspect().then(() => true, () => false)).toBe(true);
      await page.getByRole('button', { name: 'Remove busybox:test' }).click();
      await screenshot('confirm-image-remove');
      await ask.getByRole('button', { name: 'Remove', exact: true }).click();
      const error = page.getByRole('alert').filter({ hasText: 'Could not remove the image' });
      await error.getByText(new RegExp(`used by \\d+ containers?: .*${prefix}-keep \\(running\\)`)).waitFor();
      expect(await error.innerText()).not.toMatch(/images\.remove/);
      await screenshot('image-in-use');
      // Dismissed, it goes; asked again, it comes back with its way forward.
      await error.getByRole('button', { name: 'Dismiss: Could not remove the image' }).click();
      await error.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Remove busybox:test' }).click();
      await ask.getByRole('button', { name: 'Remove', exact: true }).click();
      await error.getByText(/used by/).waitFor();
      await error.getByRole('button', { name: 'Remove anyway' }).click();
      await page.getByRole('status').filter({ hasText: /^(Removed|Untagged) busybox:test/ }).waitFor();
      await page.getByRole('button', { name: 'Run busybox:test' }).waitFor({ state: 'detached' });
      expect(await engine.client.getImage('busybox:test').inspect().then(() => true, () => false)).toBe(false);
      // The running container kept its image (dockerd and berthd untag it); tag it back for what follows.
      expect((await engine.client.getContainer(ids.keep as string).inspect()).State.Running).toBe(true);
      await engine.client.getImage(image.Id).tag({ repo: 'busybox', tag: 'test' });
    });

    it("an exited container that wrote nothing: its Logs tab says so in a sentence, without an empty log box", async () => {
      const id = await create(engine.client, `${prefix}-quiet`, ['true'], true);
      await page.goto(`${app.url}#/containers/${id}/logs`);
      await page.getByTestId('logs-empty').filter({ hasText: 'This container wrote nothing to stdout or stderr.' }).waitFor();
      expect(await page.getByLabel('Log lines').count()).toBe(0);
      await screenshot('logs-empty');
      await engine.client.getContainer(id).remove();
    });

    it('System asks before a prune in the app\'s dialog; Cancel prunes nothing, Prune says what it did', async () => {
      await page.goto(`${app.url}#/system`);
      const prune = page.getByRole('region', { name: 'Disk usage' }).getByRole('button', { name: 'Prune', exact: true });
      await prune.click();
      const ask = page.getByRole('dialog', { name: 'Remove dangling images?' });
      await ask.getByRole('button', { name: 'Cancel' }).click();
      await ask.waitFor({ state: 'detached' });
      expect(await page.getByText(/^Removed \d+ objects/).count()).toBe(0);
      await prune.click();
      await ask.getByRole('button', { name: 'Prune', exact: true }).click();
      await page.getByRole('status').filter({ hasText: /^Removed \d+ objects, reclaimed / }).waitFor();
      expect(await engine.client.getImage('busybox:test').inspect().then(() => true, () => false)).toBe(true);
    });

    it("image details say the command in words; the pull field keeps a visible label; Settings names the engine once and confirms saved defaults", async () => {
      const image = await engine.client.getImage('busybox:test').inspect();
      await page.goto(`${app.url}#/images/${encodeURIComponent(image.Id)}`);
      // busybox:test has no CMD: a sentence, not the config's raw JSON (null).
      await page.getByTestId('image-command').getByText('None: give one when you run it').waitFor();
      expect(await page.getByTestId('image-command').innerText()).not.toMatch(/null|\[/);

      await page.goto(`${app.url}#/images`);
      const field = page.getByLabel('Image to pull');
      await field.fill('busybox:1.36');
      expect(await page.getByText('Image to pull', { exact: true }).isVisible()).toBe(true);
      await field.fill('');

      await page.goto(`${app.url}#/settings`);
      const engines = page.getByRole('region', { name: 'Engines' });
      await engines.getByRole('radio').first().waitFor();
      const listed = await engines.getByRole('listitem').allInnerTexts();
      const mine = listed.filter((t) => t.includes(engine.host));
      expect(mine.length).toBe(1);
      expect((mine[0] as string).split(engine.host).length - 1).toBe(1);

      const defaults = page.getByRole('region', { name: 'Default resources' });
      const pids = defaults.getByLabel('Process limit');
      await pids.fill('321');
      await defaults.getByRole('status').filter({ hasText: 'Saved: the run dialog starts from these.' }).waitFor();
      await screenshot('settings-saved');
      await page.reload();
      expect(await page.getByRole('region', { name: 'Default resources' }).getByLabel('Process limit').inputValue()).toBe('321');
      await page.getByRole('region', { name: 'Default resources' }).getByLabel('Process limit').fill('');
      await page.getByRole('region', { name: 'Default resources' }).getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    });

    it('a 900×600 container page keeps its actions beside a long command; stats ticks are whole seconds; the list says why there is no terminal and no state twice', async () => {
      const long = await create(engine.client, `${prefix}-long`, ['sh', '-c', `while true; do sleep 1; done; echo ${'the-rest-of-a-long-command-line-'.repeat(6)}`], true);
      const gone = await create(engine.client, `${prefix}-gone7`, ['sh', '-c', 'exit 7'], true);
      await engine.client.getContainer(gone).wait();
      await page.setViewportSize({ width: 900, height: 600 });
      try {
        await page.goto(`${app.url}#/containers/${long}/logs`);
        const header = page.locator('header').filter({ has: page.getByRole('heading', { name: `${prefix}-long` }) });
        const remove = header.getByRole('button', { name: 'Remove', exact: true });
        await remove.waitFor();
        const h1 = await header.getByRole('heading').boundingBox();
        const r = await remove.boundingBox();
        expect(h1 && r && r.y < h1.y + h1.height).toBe(true); // on the title's line, not below the command
        expect((await header.boundingBox())?.height).toBeLessThan(100);
        const command = header.getByTestId('container-command');
        expect(await command.getAttribute('title')).toMatch(/the-rest-of-a-long-command-line-$/);
        expect(await command.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true); // cut with an ellipsis, on one line
        await screenshot('narrow-container-page');

        await page.getByRole('tab', { name: 'Stats' }).click();
        const cpu = page.getByRole('img', { name: /^CPU/ }).first();
        await expect.poll(async () => ((await cpu.getAttribute('data-time-ticks')) ?? '').split(' ').filter(Boolean).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
        await page.waitForTimeout(3000); // a few more samples: the range a narrow chart first gets ticks in milliseconds for
        const ticks = ((await cpu.getAttribute('data-time-ticks')) ?? '').split(' ');
        for (const t of ticks) expect(t).toMatch(/^\d\d:\d\d:\d\d$/);
        expect(new Set(ticks).size).toBe(ticks.length);
        await screenshot('narrow-stats');
      } finally {
        await page.setViewportSize({ width: 1400, height: 900 });
      }

      await page.goto(`${app.url}#/containers`);
      await row('gone7').waitFor();
      // The state chip says exited (7); the Status column adds only when.
      expect(await row('gone7').getByTestId('status-detail').innerText()).toMatch(/ago$/);
      expect(await row('gone7').getByTestId('status-detail').innerText()).not.toMatch(/Exited|\(7\)/);
      expect(await row('long').getByTestId('status-detail').innerText()).toMatch(/^up /);
      // A Terminal button on every row: off where there is no running process, saying why.
      const off = row('gone7').getByRole('button', { name: `Terminal in ${prefix}-gone7: it is not running; start it first` });
      expect(await off.isDisabled()).toBe(true);
      expect(await off.getAttribute('title')).toBe('No terminal: it is not running; start it first');
      expect(await row('long').getByRole('button', { name: `Terminal in ${prefix}-long`, exact: true }).isEnabled()).toBe(true);
      await screenshot('list-status');
      await engine.client.getContainer(gone).remove();
      await engine.client.getContainer(long).remove({ force: true });
    });

    it('rows keep their places under a moving pointer when a container goes, so a click lands on the row aimed at', async () => {
      const made: Record<string, string> = {};
      for (const n of ['h1', 'h2', 'h3']) made[n] = await create(engine.client, `${prefix}-${n}`, ['true'], false);
      await page.goto(`${app.url}#/containers`);
      for (const n of ['h1', 'h2', 'h3']) await row(n).waitFor();
      // Top to bottom as the list shows them (newest first, whatever the engine's order).
      const ys = await Promise.all(['h1', 'h2', 'h3'].map(async (n) => [n, (await row(n).boundingBox())?.y ?? 0] as const));
      const [top, middle, bottom] = ys.sort((a, b) => a[1] - b[1]).map(([n]) => n) as [string, string, string];
      const aim = row(middle).getByRole('button', { name: `Remove ${prefix}-${middle}` });
      const box = await aim.boundingBox();
      if (!box) throw new Error('the Remove button has no box');
      const x = box.x + box.width / 2;
      const y = box.y + box.height / 2;
      await page.mouse.move(x, y);
      // The container above goes (another client removes it) while the user aims.
      await engine.client.getContainer(made[top] as string).remove();
      let nudge = 0;
      await expect.poll(async () => {
        await page.mouse.move(x + (nudge++ % 2), y);
        return row(top).getAttribute('data-gone');
      }, { timeout: 15_000, interval: 300 }).toBe('true');
      expect(await row(top).getByText('removed').isVisible()).toBe(true);
      expect(await row(top).getByRole('button', { name: `Remove ${prefix}-${top}` }).isDisabled()).toBe(true);
      expect((await aim.boundingBox())?.y).toBe(box.y);
      await screenshot('held-rows');
      await page.mouse.click(x, y);
      await expect.poll(() => exists(engine.client, made[middle] as string), { timeout: 20_000 }).toBe(false);
      expect(await exists(engine.client, made[bottom] as string)).toBe(true);
      // Once the pointer leaves, the list is the engine's again.
      await page.mouse.move(5, 5);
      await row(top).waitFor({ state: 'detached' });
      await row(middle).waitFor({ state: 'detached' });
      await engine.client.getContainer(made[bottom] as string).remove();
    });

    it('with the engine gone, Prune dangling shows that it runs and why it failed, and the error can be dismissed', async () => {
      await page.goto(`${app.url}#/images`);
      await page.getByRole('button', { name: 'Run busybox:test' }).waitFor();
      await engine.stop();
      // The button's texts over the click, recorded in the page: "Pruning…" lasts as long as the call.
      await page.evaluate(() => {
        const w = window as unknown as { seen: string[] };
        w.seen = [];
        const b = [...document.querySelectorAll('button')].find((e) => e.textContent === 'Prune dangling') as HTMLButtonElement;
        new MutationObserver(() => w.seen.push(`${b.textContent} ${b.disabled}`)).observe(b, { childList: true, subtree: true, characterData: true, attributes: true });
      });
      await page.getByRole('button', { name: 'Prune dangling' }).click();
      const error = page.getByRole('alert').filter({ hasText: 'Could not prune dangling images' });
      await error.getByText(/engine not reachable/).waitFor();
      expect(await error.innerText()).not.toMatch(/images\.prune/);
      expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toContain('Pruning… true');
      await screenshot('prune-failed');
      await error.getByRole('button', { name: 'Dismiss: Could not prune dangling images' }).click();
      await error.waitFor({ state: 'detached' });
    });
  });
}

for (const kind of enginesUnderTest()) polishSuite(kind);
