// The app used as a person would, in Chromium through browser mode, against a real engine
// (BERTH_E2E_ENGINE=dockerd, the default, or berthd).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import type { Page } from 'playwright-core';
import {
  enginesUnderTest,
  loadBusybox,
  startEngine,
  type EngineKind,
  type EngineUnderTest,
} from './support/engine.js';
import { startApp, type RunningApp } from './support/app.js';
import { screenshot as shoot } from './support/screens.js';
import { busyboxImage } from '../test-support/paths.js';
import { slideTo, terminalText, sttySize, typeInTerminal, waitForTerminal } from './support/ui.js';
import { freePort, startRegistry } from '../test-support/registry.js';
import { execFileSync } from 'node:child_process';

const MiB = 1024 * 1024;
const name = `e2e-web-${process.pid}`;

function appSuite(kind: EngineKind): void {
  let engine: EngineUnderTest;
  let app: RunningApp;
  let page: Page;
  const screenshot = (p: Page, n: string) => shoot(p, n, kind);

  async function containerId(): Promise<string> {
    const list = await engine.client.listContainers({ all: true, filters: { name: [name] } });
    const c = list.find((x) => x.Names.includes(`/${name}`));
    if (!c) throw new Error(`container ${name} not found in the engine`);
    return c.Id;
  }

  describe(`app against ${kind}`, () => {
    beforeAll(async () => {
      engine = await startEngine(kind);
      await loadBusybox(engine.client);
      app = await startApp(engine.host);
      page = app.page;
    });

    afterAll(async () => {
      await app?.close();
      await engine?.stop();
    });

    it('browses images', async () => {
      await page.goto(`${app.url}#/images`);
      const row = page.getByRole('row', { name: /busybox/ });
      await row.waitFor();
      expect(await row.innerText()).toContain('test');
      await page.getByLabel('Search images').fill('busy');
      await expect.poll(() => page.getByRole('row', { name: /busybox/ }).count()).toBe(1);
      await page.getByLabel('Search images').fill('no-such-image');
      await page.getByText('No image matches').waitFor();
      await page.getByLabel('Search images').fill('');
      await screenshot(page, 'images');
      await page.getByRole('button', { name: 'Details of busybox:test' }).click();
      await page.getByRole('heading', { name: 'Layers' }).waitFor();
      await screenshot(page, 'image-details');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save to file' }).click()]);
      expect(download.suggestedFilename()).toBe('busybox_test.tar');
      const saved = await download.path();
      expect(statSync(saved).size).toBeGreaterThan(1024 * 1024);
    });

    it('tags an image and pushes it to a registry with per-layer progress; a registry that is down fails where it happened', async () => {
      const registry = await startRegistry();
      const repo = `${registry.host}/e2e/busybox`;
      try {
        await page.goto(`${app.url}#/images`);
        // The list's Push action opens the image with its push form focused.
        await page.getByRole('button', { name: 'Push busybox:test' }).click();
        await expect.poll(() => page.getByLabel('Tag to push').evaluate((el) => el === document.activeElement)).toBe(true);
        const tagForm = page.getByRole('region', { name: 'Tag' });
        await tagForm.getByLabel('Repository').fill(repo);
        await tagForm.getByLabel('Tag', { exact: true }).fill(kind);
        await tagForm.getByRole('button', { name: 'Add tag' }).click();
        await tagForm.getByText(`Tagged ${repo}:${kind}.`).waitFor();
        const push = page.getByRole('region', { name: 'Push' });
        await push.getByLabel('Tag to push').selectOption(`${repo}:${kind}`);
        await push.getByRole('button', { name: `Push to ${registry.host}` }).click();
        const done = push.getByRole('status').filter({ hasText: `Pushed ${repo}:${kind}.` });
        await done.waitFor({ timeout: 60_000 });
        // One progress bar per layer, each finished.
        const bars = push.getByLabel('Push progress').getByRole('progressbar');
        expect(await bars.count()).toBeGreaterThanOrEqual(1);
        for (const bar of await bars.all()) expect(await bar.getAttribute('value')).toBe('100');
        const shownDigest = /Digest: (sha256:[0-9a-f]{64})/.exec(await done.innerText())?.[1];
        await screenshot(page, 'image-push');
        // The registry has it: its API lists the tag, and skopeo reads the same manifest digest.
        const tags = (await (await fetch(`${registry.url}/v2/e2e/busybox/tags/list`)).json()) as { tags: string[] };
        expect(tags.tags).toContain(kind);
        const inspected = JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${repo}:${kind}`], { encoding: 'utf8' })) as { Digest: string; Layers: string[] };
        expect(inspected.Layers.length).toBeGreaterThanOrEqual(1);
        if (shownDigest) expect(inspected.Digest).toBe(shownDigest);

        // A registry that is not there: the push fails in the push panel, and the page keeps working.
        const nowhere = `127.0.0.1:${await freePort()}/e2e/nowhere`;
        await tagForm.getByLabel('Repository').fill(nowhere);
        await tagForm.getByLabel('Tag', { exact: true }).fill('1');
        await tagForm.getByRole('button', { name: 'Add tag' }).click();
        await tagForm.getByText(`Tagged ${nowhere}:1.`).waitFor();
        await push.getByLabel('Tag to push').selectOption(`${nowhere}:1`);
        await push.getByRole('button', { name: /^Push to 127\.0\.0\.1:/ }).click();
        const failed = push.getByRole('alert').filter({ hasText: 'Push failed' });
        await failed.waitFor({ timeout: 90_000 });
        expect(await failed.innerText()).toMatch(new RegExp(`push ${nowhere.replace(/\./g, '\\.')}:1: .*(refused|connect|dial)`, 'is'));
        await screenshot(page, 'image-push-failed');
        await page.getByRole('heading', { name: 'Layers' }).waitFor();
      } finally {
        for (const ref of [`${repo}:${kind}`]) await engine.client.getImage(ref).remove().catch(() => {});
        for (const img of await engine.client.listImages()) {
          for (const t of img.RepoTags ?? []) if (t.includes('/e2e/nowhere')) await engine.client.getImage(t).remove().catch(() => {});
        }
        await registry.stop();
      }
    });

    it('imports an image from a root filesystem tar picked as a file', async () => {
      await page.goto(`${app.url}#/images`);
      await page.getByRole('button', { name: 'Load from file…' }).click();
      await page.getByLabel('Image file (.tar)').setInputFiles(busyboxImage().tar);
      await page.getByLabel('It is').selectOption('import');
      await page.getByLabel('Name it').fill(`loaded-${process.pid}:e2e`);
      await page.getByRole('button', { name: 'Load', exact: true }).click();
      await page.getByText(`Loaded: loaded-${process.pid}:e2e`).waitFor({ timeout: 30_000 });
      await page.getByRole('row', { name: new RegExp(`loaded-${process.pid}`) }).waitFor();
      await screenshot(page, 'images-loaded');
      await engine.client.getImage(`loaded-${process.pid}:e2e`).remove();
    });

    it('refuses bad run-dialog input where it happened', async () => {
      await page.goto(`${app.url}#/images`);
      await page.getByRole('button', { name: 'Run busybox:test' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel(/Memory limit \(typed/).fill('lots');
      await dialog.getByLabel(/Memory limit \(typed/).press('Enter');
      await dialog.getByText(/Memory: memory 'lots': expected a number/).waitFor();
      await dialog.getByLabel('Name', { exact: true }).fill('-bad name');
      await dialog.getByText(/name: letters, digits/).waitFor();
      expect(await dialog.getByRole('button', { name: 'Run', exact: true }).isDisabled()).toBe(true);
      await screenshot(page, 'run-dialog-errors');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    });

    it('runs a container with 64 MiB and 512 cpu shares set with the sliders', async () => {
      await page.getByRole('button', { name: 'Run busybox:test' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name', { exact: true }).fill(name);
      await dialog
        .getByLabel('Command', { exact: true })
        .fill(`sh -c "echo hello-from-${name}; while true; do sleep 1; done"`);
      await dialog.getByLabel('Network', { exact: true }).selectOption('none');
      await slideTo(dialog.getByRole('slider', { name: 'Memory limit' }), '64 MiB');
      await slideTo(dialog.getByRole('slider', { name: 'CPU shares' }), '512 shares');
      await slideTo(dialog.getByRole('slider', { name: 'CPU quota' }), '1 CPU');
      const cmd = await dialog.getByTestId('run-command').innerText();
      expect(cmd).toContain('--memory 64m');
      expect(cmd).toContain('--cpu-shares 512');
      expect(cmd).toContain('--cpus 1');
      expect(cmd).toContain('--network none');
      await screenshot(page, 'run-dialog');
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await page.getByRole('tab', { name: 'Logs' }).waitFor();
      const info = await engine.client.getContainer(await containerId()).inspect();
      expect(info.HostConfig.Memory).toBe(64 * MiB);
      expect(info.HostConfig.CpuShares).toBe(512);
      expect(info.HostConfig.NanoCpus).toBe(1_000_000_000);
    });

    it('shows it running in the list, and its logs', async () => {
      await page
        .getByTestId('log-line')
        .filter({ hasText: `hello-from-${name}` })
        .waitFor();
      await screenshot(page, 'container-logs');
      await page.goto(`${app.url}#/containers`);
      const row = page.locator(`[data-testid=container-row][data-name="${name}"]`);
      await row.waitFor();
      expect(await row.getAttribute('data-state')).toBe('running');
      await screenshot(page, 'containers');
    });

    it('opens a terminal and reads the memory limit from the cgroup', async () => {
      await page.locator(`[data-testid=container-row][data-name="${name}"] a`).first().click();
      await page.getByRole('tab', { name: 'Terminals' }).click();
      await page.getByRole('button', { name: 'New shell' }).click();
      await waitForTerminal(page, /[#$]\s*$/m);
      await typeInTerminal(page, 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes\n');
      await waitForTerminal(page, /^67108864\s*$/m);
      const { rows, cols } = await sttySize(page);
      expect(rows).toBeGreaterThan(5);
      expect(cols).toBeGreaterThan(40);
      await screenshot(page, 'terminal');
    });

    it('changes memory live on the Resources tab and the cgroup follows', async () => {
      await page.getByRole('tab', { name: 'Resources' }).click();
      await slideTo(page.getByRole('slider', { name: 'Memory limit' }), '128 MiB');
      await page.getByRole('button', { name: 'Apply now' }).click();
      await page
        .getByTestId('update-status')
        .getByText(/confirms it: memory limit now 128 MiB/)
        .waitFor({ timeout: 20_000 });
      await screenshot(page, 'resources');
      const info = await engine.client.getContainer(await containerId()).inspect();
      expect(info.HostConfig.Memory).toBe(128 * MiB);
      // The terminal session kept its screen across the tab switch; the cgroup file follows.
      await page.getByRole('tab', { name: 'Terminals' }).click();
      await waitForTerminal(page, /^67108864\s*$/m);
      await typeInTerminal(page, 'clear; cat /sys/fs/cgroup/memory/memory.limit_in_bytes\n');
      await waitForTerminal(page, /^134217728\s*$/m);
      await page.getByRole('tab', { name: 'Stats' }).click();
      await page.getByText('CPU throttled').waitFor();
      await screenshot(page, 'stats');
    });

    it('copies, pastes, selects all, clears and finds from the terminal context menu; Ctrl+V pastes', async () => {
      await page.getByRole('tab', { name: 'Terminals' }).click();
      await waitForTerminal(page, /134217728/);
      const term = page.locator('[data-testid=terminal]:visible');
      const menu = page.getByRole('menu', { name: 'Terminal' });
      const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
      const setClipboard = (t: string) => page.evaluate((x) => navigator.clipboard.writeText(x), t);
      await typeInTerminal(page, 'echo copy-$((40+2))-me\n');
      await waitForTerminal(page, /^copy-42-me\s*$/m);

      // Select all, then Copy: the clipboard holds the screen, output included.
      await term.click({ button: 'right' });
      await menu.waitFor();
      expect(await menu.getByRole('menuitem', { name: /Copy/ }).isDisabled()).toBe(true); // nothing selected yet
      await screenshot(page, 'terminal-menu');
      await menu.getByRole('menuitem', { name: 'Select all' }).click();
      await term.click({ button: 'right' });
      await menu.getByRole('menuitem', { name: /Copy/ }).click();
      await expect.poll(clipboard).toMatch(/^copy-42-me$/m);

      // Paste from the menu goes to the shell as typed input.
      await setClipboard('echo pasted-$((6*7))');
      await term.click({ button: 'right' });
      await menu.getByRole('menuitem', { name: /Paste/ }).click();
      // The clipboard read is asynchronous: Enter only once the pasted line is on the screen.
      await waitForTerminal(page, /# echo pasted-\$\(\(6\*7\)\)\s*$/m);
      await page.keyboard.press('Enter');
      await waitForTerminal(page, /^pasted-42\s*$/m);

      // Plain Ctrl+V pastes too (no ^V reaches the shell).
      await setClipboard('echo ctrl-v-$((5*5))');
      await term.locator('.xterm-screen').click();
      await page.keyboard.press('Control+V');
      await waitForTerminal(page, /# echo ctrl-v-\$\(\(5\*5\)\)\s*$/m);
      await page.keyboard.press('Enter');
      await waitForTerminal(page, /^ctrl-v-25\s*$/m);

      // Find: the menu moves the focus to the search box; a search selects the match, which Copy takes.
      await term.click({ button: 'right' });
      await menu.getByRole('menuitem', { name: 'Find…' }).click();
      const find = page.getByLabel('Find in terminal');
      expect(await find.evaluate((el) => el === document.activeElement)).toBe(true);
      await find.fill('pasted-42');
      await find.press('Enter');
      await term.click({ button: 'right' });
      await menu.getByRole('menuitem', { name: /Copy/ }).click();
      await expect.poll(clipboard).toBe('pasted-42');

      // Escape closes the menu; Clear empties the screen and scrollback, and the shell keeps going.
      await term.click({ button: 'right' });
      await menu.waitFor();
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });
      await term.click({ button: 'right' });
      await menu.getByRole('menuitem', { name: 'Clear' }).click();
      await expect.poll(async () => /copy-42-me|pasted-42|ctrl-v-25|134217728/.test(await terminalText(page))).toBe(false);
      await typeInTerminal(page, 'echo after-clear\n');
      await waitForTerminal(page, /^after-clear\s*$/m);
      await screenshot(page, 'terminal-cleared');
    });

    it('shows inspect, processes and changes', async () => {
      await page.getByRole('tab', { name: 'Inspect' }).click();
      await page.getByText('HostConfig').first().waitFor();
      await screenshot(page, 'inspect');
      await page.getByRole('tab', { name: 'Processes' }).click();
      await page
        .getByRole('cell', { name: /sleep|sh -c/ })
        .first()
        .waitFor();
      await screenshot(page, 'processes');
      await page.getByRole('tab', { name: 'Changes' }).click();
      await page.waitForTimeout(500);
      await screenshot(page, 'changes');
    });

    // The test's dockerd has no bridge (so no published ports): berthd's forwarder only.
    if (kind === 'berthd') it('publishes a port from the run dialog; the list and the page link to it and the server answers', async () => {
      const port = await freePort();
      await page.goto(`${app.url}#/images`);
      await page.getByRole('button', { name: 'Run busybox:test' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name', { exact: true }).fill(`${name}-web`);
      await dialog.getByLabel('Command', { exact: true }).fill('sh -c "mkdir -p /www && echo hello-port > /www/index.html && httpd -f -p 80 -h /www"');
      await dialog.getByRole('button', { name: '+ Port' }).click();
      await dialog.getByLabel('Port 1 on the host').fill(String(port));
      await dialog.getByLabel('Port 1 in the container').fill('80');
      expect(await dialog.getByTestId('run-command').innerText()).toContain(`-p ${port}:80`);
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await page.getByRole('tab', { name: 'Logs' }).waitFor();
      const link = page.getByRole('link', { name: `Open port ${port}→80/tcp of ${name}-web` });
      await link.waitFor({ timeout: 20_000 });
      expect(await link.getAttribute('href')).toBe(`http://localhost:${port}/`);
      await expect.poll(async () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()).catch(() => ''), { timeout: 20_000 }).toBe('hello-port\n');
      await page.goto(`${app.url}#/containers`);
      await page.locator(`[data-testid=container-row][data-name="${name}-web"]`).getByTestId('port-links').getByText(`${port}→80/tcp`).waitFor();
      await screenshot(page, 'containers-ports');
      const list = await engine.client.listContainers({ filters: { name: [`${name}-web`] } });
      await engine.client.getContainer(list[0]!.Id).remove({ force: true });
    });

    it("shows a container's health check in the list and on its page: unhealthy, then healthy, with the last check", async () => {
      const c = await engine.client.createContainer({
        Image: 'busybox:test', name: `${name}-health`, Cmd: ['sleep', '300'],
        Healthcheck: { Test: ['CMD-SHELL', 'echo probing; test -f /tmp/ok'], Interval: 1_000_000_000, Retries: 1 },
        HostConfig: { NetworkMode: 'none' },
      });
      try {
        await c.start();
        await page.goto(`${app.url}#/containers`);
        const chip = page.locator(`[data-testid=container-row][data-name="${name}-health"]`).getByTestId('health-chip');
        await chip.getByText('unhealthy').waitFor({ timeout: 30_000 });
        await screenshot(page, 'containers-health');
        const touch = await c.exec({ Cmd: ['touch', '/tmp/ok'] });
        await touch.start({ Detach: true });
        await page.goto(`${app.url}#/containers/${c.id}/logs`);
        const pageChip = page.getByTestId('health-chip');
        await pageChip.getByText('healthy', { exact: true }).waitFor({ timeout: 30_000 });
        expect(await pageChip.getAttribute('title')).toMatch(/^last check exited 0/);
      } finally {
        await c.remove({ force: true });
      }
    });

    it('shows CPU throttling beside the quota, limit hits and OOM kills beside the memory limit, and whether PSI exists', async () => {
      // 16 MiB: writing 64 MiB of files makes the page cache hit the limit (reclaimed, no kill);
      // then a busy loop, which a CPU quota of 0.1 set live on this tab throttles every period.
      const c = await engine.client.createContainer({
        Image: 'busybox:test', name: `${name}-pressure`, Cmd: ['sh', '-c', 'dd if=/dev/zero of=/tmp/fill bs=1M count=64 2>/dev/null; rm /tmp/fill; while :; do :; done'],
        HostConfig: { NetworkMode: 'none', Memory: 16 * MiB },
      });
      try {
        await c.start();
        await page.goto(`${app.url}#/containers/${c.id}/resources`);
        const cpu = page.getByTestId('cpu-pressure');
        await cpu.getByText('No CPU quota').waitFor();
        await slideTo(page.getByRole('slider', { name: 'CPU quota' }), '0.1 CPUs');
        await page.getByRole('button', { name: 'Apply now' }).click();
        await page.getByTestId('update-status').getByText(/confirms it/).waitFor({ timeout: 20_000 });
        expect((await c.inspect()).HostConfig.NanoCpus).toBe(100_000_000);
        await cpu.getByText('Quota 0.1 CPUs (10 ms per 100 ms)').waitFor();
        const throttled = async () => Number(/Throttled in (\d+) of \d+ periods/.exec(await cpu.innerText())?.[1] ?? 0);
        await expect.poll(throttled, { timeout: 30_000 }).toBeGreaterThan(0);
        const memory = page.getByTestId('memory-pressure');
        const hits = async () => Number(/Hit the limit (\d+) times/.exec(await memory.innerText())?.[1] ?? 0);
        await expect.poll(hits, { timeout: 30_000 }).toBeGreaterThan(0);
        await memory.getByText('OOM-killer events: 0').waitFor();
        // What the UI shows is what the engine reports (counters only grow).
        const shownThrottled = await throttled();
        const raw = (await c.stats({ stream: false })) as unknown as { cpu_stats: { throttling_data: { throttled_periods: number } }; memory_stats: { failcnt?: number } };
        expect(raw.cpu_stats.throttling_data.throttled_periods).toBeGreaterThanOrEqual(shownThrottled);
        // PSI appears where the engine's stats carry it (berthd reads it from the cgroup2 side of a
        // hybrid host); otherwise the panel says why it is missing.
        const psi = page.getByTestId('psi');
        const rawPsi = (raw as unknown as { cpu_stats: { psi?: unknown } }).cpu_stats.psi;
        const cgroupVersion = String(((await engine.client.info()) as { CgroupVersion?: string }).CgroupVersion ?? '');
        if (rawPsi) await psi.getByText(/some \d+\.\d\d %/).first().waitFor();
        else if (cgroupVersion === '1') await psi.getByText(/Not available on this host: it uses cgroup v1/).waitFor();
        else await psi.getByText(/Not reported by this engine/).waitFor();
        await screenshot(page, 'resources-pressure');
        await page.getByRole('tab', { name: 'Stats' }).click();
        await page.getByText(/Quota 0\.1 CPUs \(10 ms per 100 ms\)\. Throttled in \d+ of \d+ periods/).waitFor();
        await screenshot(page, 'stats-throttled');
      } finally {
        await c.remove({ force: true });
      }
    });

    it('shows events, system and settings pages', async () => {
      await page.goto(`${app.url}#/events`);
      await page.getByRole('cell', { name: 'start' }).first().waitFor();
      await screenshot(page, 'events');
      await page.goto(`${app.url}#/system`);
      await page.getByText('cgroup version').waitFor();
      // Disk usage counts the engine's containers (berthd's /system/df once left them out).
      const containers = (await engine.client.listContainers({ all: true })).length;
      expect(containers).toBeGreaterThan(0);
      const usageRow = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Containers', exact: true }) });
      await expect.poll(() => usageRow.getByRole('cell').nth(1).innerText(), { timeout: 10_000 }).toBe(String(containers));
      await screenshot(page, 'system');
      await page.goto(`${app.url}#/settings`);
      await page.getByRole('heading', { name: 'Engines' }).waitFor();
      await screenshot(page, 'settings');
    });

    it('stops and removes the container', async () => {
      const id = await containerId();
      await page.goto(`${app.url}#/containers/${id}/logs`);
      await page.getByRole('button', { name: /^stop$/i }).click();
      await expect
        .poll(async () => (await engine.client.getContainer(id).inspect()).State.Status, { timeout: 20_000 })
        .toBe('exited');
      await page
        .getByText(/exited \(\d+\)/)
        .first()
        .waitFor();
      await page.getByRole('button', { name: 'Remove', exact: true }).click();
      await page.getByRole('heading', { name: 'Containers' }).waitFor();
      await expect
        .poll(
          async () => (await engine.client.listContainers({ all: true })).filter((c) => c.Id === id).length,
        )
        .toBe(0);
      await screenshot(page, 'containers-after');
    });

    it('shows the exit code in the tab when the terminal process ends', async () => {
      const c = await engine.client.createContainer({ Image: 'busybox:test', name: `${name}-exit`, Cmd: ['sleep', '600'], HostConfig: { NetworkMode: 'none' } });
      await c.start();
      await page.goto(`${app.url}#/containers/${c.id}/terminal`);
      await page.getByRole('button', { name: 'New shell' }).click();
      await waitForTerminal(page, /[#$]\s*$/m);
      await typeInTerminal(page, 'exit 3\n');
      await page.getByTestId('terminal-tab').getByText('exited 3').waitFor();
      await waitForTerminal(page, /process exited with code 3/);
      await screenshot(page, 'terminal-exited');
      await c.remove({ force: true });
    });

    it('says plainly when the OOM killer ended a container, with its limit', async () => {
      await page.goto(`${app.url}#/images`);
      await page.getByRole('button', { name: 'Run busybox:test' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name', { exact: true }).fill(`${name}-oom`);
      // A shell variable far larger than the limit.
      await dialog.getByLabel('Command', { exact: true }).fill(`sh -c "x=$(head -c 200000000 /dev/zero | tr '\\\\0' a); echo \\$\\{#x\\}"`);
      await dialog.getByLabel('Network', { exact: true }).selectOption('none');
      await slideTo(dialog.getByRole('slider', { name: 'Memory limit' }), '16 MiB');
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'Out of memory' });
      await alert.waitFor({ timeout: 60_000 });
      expect(await alert.innerText()).toMatch(/out-of-memory killer ended this container: its memory use reached its limit of 16 MiB \(peak usage 16 MiB\)/);
      await screenshot(page, 'oom');
      await page.getByRole('tab', { name: 'Resources' }).click();
      await page.getByTestId('memory-pressure').getByText(/OOM-killer events: [1-9]/).waitFor({ timeout: 15_000 });
      await screenshot(page, 'oom-resources');
      await page.goto(`${app.url}#/containers`);
      await page.locator(`[data-testid=container-row][data-name="${name}-oom"]`).getByText('OOM-killed').waitFor();
      await screenshot(page, 'containers-oom');
    });

    it('keeps working and says what to do when the engine goes away', async () => {
      // On a container's page when the engine goes: its last known state is not shown as current.
      const c = await engine.client.createContainer({ Image: 'busybox:test', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'none' } });
      await c.start();
      await page.goto(`${app.url}#/containers/${c.id}/logs`);
      await page.getByRole('button', { name: /^stop$/i }).waitFor();
      await engine.stop();
      await page.getByText('Container not available').waitFor({ timeout: 30_000 });
      await page.getByText('state unknown').waitFor();
      expect(await page.getByRole('button', { name: /^stop$/i }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Remove', exact: true }).isDisabled()).toBe(true);
      await screenshot(page, 'container-engine-down');
      await page.goto(`${app.url}#/containers`);
      await page.getByRole('heading', { name: 'Containers' }).waitFor();
      await page.getByRole('button', { name: 'Retry' }).or(page.getByText('Engine not reachable')).first().waitFor({ timeout: 30_000 });
      await page.getByText(/engine not reachable|not reachable/i).first().waitFor();
      await page.goto(`${app.url}#/images`);
      await page.getByText('Could not list images').waitFor({ timeout: 20_000 });
      await screenshot(page, 'engine-down');
    });
  });
}

for (const kind of enginesUnderTest()) appSuite(kind);
