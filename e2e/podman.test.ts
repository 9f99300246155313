// The app used as a person would, in Chromium through browser mode, against a real podman
// (Debian's podman 4.3): its Docker-compatible API from `podman system service` on a socket of
// its own (test-support/podman.ts), containers on --network none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startApp, type RunningApp } from './support/app.js';
import { screenshot as shoot } from './support/screens.js';
import { slideTo, sttySize, typeInTerminal, waitForTerminal } from './support/ui.js';
import { startPodmanService, type PodmanService } from '../test-support/podman.js';
import { busyboxImage } from '../test-support/paths.js';
import { startRegistry, type TestRegistry } from '../test-support/registry.js';

const MiB = 1024 * 1024;
const name = `e2e-podman-${process.pid}`;
// podman stores an image imported without a registry under localhost/.
const image = 'localhost/busybox:test';

describe('app against podman', () => {
  let podman: PodmanService;
  let registry: TestRegistry;
  let app: RunningApp;
  let page: Page;
  const screenshot = (n: string) => shoot(page, n, 'podman');

  async function containerId(): Promise<string> {
    const c = (await podman.client.listContainers({ all: true })).find((x) => x.Names.includes(`/${name}`) || x.Names.includes(name));
    if (!c) throw new Error(`container ${name} not found in podman`);
    return c.Id;
  }

  beforeAll(async () => {
    // A plain-HTTP registry on 127.0.0.1, listed as insecure in the sandbox's registries.conf (as
    // a podman user must: podman trusts no HTTP registry by itself).
    registry = await startRegistry();
    podman = await startPodmanService({ insecureRegistries: [registry.host] });
    app = await startApp(podman.host);
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
    // Throws when any process, mount, cgroup or file of the sandbox is left.
    await podman?.stop();
    await registry?.stop();
  });

  it('first run: an empty podman shows the ways to get an image, and the one-click starter image runs', async () => {
    await page.goto(`${app.url}#/images`);
    await page.getByText('No images yet').waitFor();
    await screenshot('images-empty');
    await page.getByRole('button', { name: 'Create starter image (busybox)' }).click();
    const row = page.getByRole('row', { name: /berth-starter/ });
    await row.waitFor({ timeout: 30_000 });
    // Its applets are hard links to busybox: they must stay executable once podman unpacks them.
    await page.getByRole('button', { name: /^Run .*berth-starter:busybox$/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill(`${name}-starter`);
    await dialog.getByLabel('Command', { exact: true }).fill('echo starter-says-hi');
    await dialog.getByLabel('Network', { exact: true }).selectOption('none');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByTestId('log-line').filter({ hasText: 'starter-says-hi' }).waitFor();
    await screenshot('starter-logs');
    for (const c of await podman.client.listContainers({ all: true })) await podman.client.getContainer(c.Id).remove({ force: true });
    for (const i of await podman.client.listImages()) await podman.client.getImage(i.Id).remove({ force: true });
    // The test image for the rest, and in the registry for the pull.
    await podman.importImage(busyboxImage().tar, 'busybox:test');
    await podman.cli(['push', image, `${registry.host}/e2e/busybox:1`]);
  });

  it('shows podman on the system page: versions, cgroup version and disk usage', async () => {
    await page.goto(`${app.url}#/system`);
    const version = (await podman.client.version()) as { Version: string; ApiVersion: string };
    const card = (label: string) => page.locator('div.card').filter({ has: page.locator('dt', { hasText: label }) }).locator('dd');
    await expect.poll(() => card('Engine version').innerText().catch(() => '')).toBe(version.Version);
    expect(await card('API version').innerText()).toBe(version.ApiVersion);
    expect(await card('cgroup version').innerText()).toBe('v1 (cgroupfs)');
    expect(await card('Storage driver').innerText()).toBe('overlay');
    const imagesRow = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Images', exact: true }) });
    await expect.poll(() => imagesRow.getByRole('cell').nth(1).innerText(), { timeout: 10_000 }).toBe('1');
    // The images' size, not podman's LayersSize (always 0 in 4.3).
    expect(await imagesRow.getByRole('cell').nth(2).innerText()).toMatch(/^2(\.\d)? MiB/);
    await screenshot('system');
  });

  it('browses images and opens the image details', async () => {
    await page.goto(`${app.url}#/images`);
    // The list refetches on the way in: the starter image, removed behind the app's back, goes.
    await page.getByRole('row', { name: /berth-starter/ }).waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: /busybox/ });
    await row.waitFor();
    expect(await row.innerText()).toContain('test');
    await page.getByLabel('Search images').fill('busy');
    await expect.poll(() => page.getByRole('row', { name: /busybox/ }).count()).toBe(1);
    await page.getByLabel('Search images').fill('');
    await screenshot('images');
    await page.getByRole('button', { name: `Details of ${image}` }).click();
    await page.getByRole('heading', { name: 'Layers' }).waitFor();
    await screenshot('image-details');
  });

  it('saves an image to a file and loads it back, and imports a root filesystem tar', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save to file' }).click()]);
    const saved = await download.path();
    expect(statSync(saved).size).toBeGreaterThan(1024 * 1024);
    // podman's docker-archive names the image; loading it gives the same image back.
    await page.goto(`${app.url}#/images`);
    await page.getByRole('button', { name: 'Load from file…' }).click();
    await page.getByLabel('Image file (.tar)').setInputFiles(saved);
    await page.getByLabel('It is').selectOption('load');
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await page.getByText(/^Loaded: /).waitFor({ timeout: 30_000 });
    expect((await podman.client.listImages()).length).toBe(1);

    const imported = `imported-${process.pid}:e2e`;
    // The form stays open after a load.
    await page.getByLabel('Image file (.tar)').setInputFiles(busyboxImage().tar);
    await page.getByLabel('It is').selectOption('import');
    await page.getByLabel('Name it').fill(imported);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await page.getByText(new RegExp(`Loaded: .*imported-${process.pid}`)).waitFor({ timeout: 30_000 });
    await page.getByRole('row', { name: new RegExp(`imported-${process.pid}`) }).waitFor();
    await screenshot('images-loaded');
    // The tag typed is the tag given (podman 4.3 ignores import's separate `tag` parameter; it
    // names an unqualified import under docker.io/library/).
    const tags = (await podman.client.listImages()).flatMap((i) => i.RepoTags ?? []);
    expect(tags).toContain(`docker.io/library/${imported}`);
    await podman.client.getImage(`docker.io/library/${imported}`).remove();
  });

  it('pulls from a registry with a progress bar per layer, removes the tag, and shows a failed pull where it happened', async () => {
    const ref = `${registry.host}/e2e/busybox:1`;
    await page.goto(`${app.url}#/images`);
    await page.getByLabel('Image to pull').fill(ref);
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    await page.getByText(`Pulled ${ref}.`).waitFor({ timeout: 60_000 });
    // podman 4.3 sends "Pulling fs layer" and "Download complete" per blob (no byte counts).
    const bars = page.getByLabel('Layer progress').getByRole('progressbar');
    expect(await bars.count()).toBeGreaterThanOrEqual(1);
    for (const bar of await bars.all()) expect(await bar.getAttribute('value')).toBe('100');
    await page.getByRole('row', { name: new RegExp(`${registry.host}/e2e/busybox`) }).waitFor();
    await screenshot('image-pull');
    expect((await podman.client.getImage(ref).inspect()).RepoTags).toContain(ref);
    // The same image under two names: removing one only untags it.
    await page.getByRole('button', { name: `Remove ${ref}` }).click();
    await page.getByRole('dialog', { name: `Remove ${ref}?` }).getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByRole('row', { name: new RegExp(`${registry.host}/e2e/busybox`) }).waitFor({ state: 'detached' });
    expect((await podman.client.listImages()).flatMap((i) => i.RepoTags ?? [])).toEqual([image]);

    await page.getByLabel('Image to pull').fill(`${registry.host}/e2e/busybox:no-such-tag`);
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    const failed = page.getByRole('alert').filter({ hasText: 'Pull failed' });
    await failed.waitFor({ timeout: 60_000 });
    expect(await failed.innerText()).toMatch(/no-such-tag.*(manifest unknown|not found)/is);
    await screenshot('image-pull-failed');
  });

  it('runs a container with 64 MiB and 512 cpu shares set with the sliders, on no network', async () => {
    await page.goto(`${app.url}#/images`);
    await page.getByRole('button', { name: `Run ${image}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    await dialog.getByLabel('Command', { exact: true }).fill(`sh -c "echo hello-from-${name}; while true; do sleep 1; done"`);
    await dialog.getByLabel('Network', { exact: true }).selectOption('none');
    await slideTo(dialog.getByRole('slider', { name: 'Memory limit' }), '64 MiB');
    await slideTo(dialog.getByRole('slider', { name: 'CPU shares' }), '512 shares');
    const cmd = await dialog.getByTestId('run-command').innerText();
    expect(cmd).toContain('--memory 64m');
    expect(cmd).toContain('--cpu-shares 512');
    expect(cmd).toContain('--network none');
    await screenshot('run-dialog');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('tab', { name: 'Logs' }).waitFor();
    const info = await podman.client.getContainer(await containerId()).inspect();
    expect(info.HostConfig.Memory).toBe(64 * MiB);
    expect(info.HostConfig.CpuShares).toBe(512);
    expect(info.HostConfig.NetworkMode).toBe('none');
  });

  it('shows it running in the list, and its logs', async () => {
    await page.getByTestId('log-line').filter({ hasText: `hello-from-${name}` }).waitFor();
    await screenshot('container-logs');
    await page.goto(`${app.url}#/containers`);
    const row = page.locator(`[data-testid=container-row][data-name="${name}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('running');
    await screenshot('containers');
  });

  it('opens a terminal and reads the memory limit from the cgroup', async () => {
    await page.locator(`[data-testid=container-row][data-name="${name}"] a`).first().click();
    await page.getByRole('tab', { name: 'Terminals' }).click();
    await page.getByRole('button', { name: 'New shell' }).click();
    await waitForTerminal(page, /[#$]\s*$/m);
    await typeInTerminal(page, 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes\n');
    await waitForTerminal(page, /^67108864\s*$/m);
    await typeInTerminal(page, 'cat /sys/fs/cgroup/cpu/cpu.shares\n');
    await waitForTerminal(page, /^512\s*$/m);
    // The exec was created with the terminal's size (podman's exec resize reached the tty).
    const { rows, cols } = await sttySize(page);
    expect(rows).toBeGreaterThan(5);
    expect(cols).toBeGreaterThan(40);
    await screenshot('terminal');
  });

  it('shows the exit code in the tab when a second terminal\'s process ends', async () => {
    await page.getByRole('button', { name: 'New shell' }).click();
    await expect.poll(() => page.getByTestId('terminal-tab').count()).toBe(2);
    await waitForTerminal(page, /[#$]\s*$/m);
    await typeInTerminal(page, 'exit 3\n');
    await page.getByTestId('terminal-tab').getByText('exited 3').waitFor();
    await waitForTerminal(page, /process exited with code 3/);
    await screenshot('terminal-exited');
    // The first shell is still there: its tab is not marked exited.
    expect(await page.getByTestId('terminal-tab').filter({ hasText: 'exited' }).count()).toBe(1);
    await page.getByTestId('terminal-tab').first().click();
    await waitForTerminal(page, /^67108864\s*$/m);
  });

  it('says plainly on the Resources tab that podman cannot change limits live, and nothing changes', async () => {
    await page.getByRole('tab', { name: 'Resources' }).click();
    await slideTo(page.getByRole('slider', { name: 'Memory limit' }), '128 MiB');
    await page.getByRole('button', { name: 'Apply now' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'The engine refused the change' });
    await refused.waitFor({ timeout: 20_000 });
    expect(await refused.innerText()).toMatch(/Podman 4\.3\.\d+ has no live update in its Docker-compatible API .*stop the container and run it again with them/s);
    await screenshot('resources');
    const info = await podman.client.getContainer(await containerId()).inspect();
    expect(info.HostConfig.Memory).toBe(64 * MiB);
    // The page keeps working: the shell still answers and the limit is what it was.
    await page.getByRole('tab', { name: 'Terminals' }).click();
    await typeInTerminal(page, 'clear; echo limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)\n');
    await waitForTerminal(page, /^limit=67108864\s*$/m);
    await page.getByRole('tab', { name: 'Stats' }).click();
    await page.getByText(/64 MiB/).first().waitFor();
    await screenshot('stats');
  });

  it('shows its processes in columns, inspect, and the events feed', async () => {
    await page.getByRole('tab', { name: 'Processes' }).click();
    // podman's compat top answers the container's `ps` lines unsplit; the app shows columns.
    await page.getByRole('columnheader', { name: 'COMMAND' }).waitFor();
    await page.getByRole('cell', { name: /^sh -c echo hello-from/ }).first().waitFor();
    await page.getByRole('cell', { name: '1', exact: true }).first().waitFor();
    await screenshot('processes');
    await page.getByRole('tab', { name: 'Inspect' }).click();
    await page.getByText('HostConfig').first().waitFor();
    await screenshot('inspect');
    await page.goto(`${app.url}#/events`);
    await page.getByRole('cell', { name: 'start' }).first().waitFor();
    await page.getByRole('cell', { name: name }).first().waitFor();
    // Live: a container made now shows up without a reload (podman's event stream, file backend).
    const probe = await podman.client.createContainer({ name: `${name}-probe`, Image: image, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    await page.getByRole('cell', { name: `${name}-probe` }).first().waitFor({ timeout: 15_000 });
    await probe.remove();
    await screenshot('events');
  });

  it('explains why an image in use cannot be removed', async () => {
    await page.goto(`${app.url}#/images`);
    await page.getByRole('button', { name: `Remove ${image}` }).click();
    await page.getByRole('dialog', { name: `Remove ${image}?` }).getByRole('button', { name: 'Remove', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Could not remove the image' });
    await alert.waitFor({ timeout: 15_000 });
    // Not Docker's "force removal to untag it": podman's forced removal removes the container too.
    expect(await alert.innerText()).toMatch(new RegExp(`It is used by 1 container: ${name} \\(running\\)\\. Remove it first; forcing the removal would remove it too \\(Podman 4\\.3`));
    await screenshot('image-in-use');
    expect((await podman.client.listImages()).length).toBe(1);
  });

  it('attaches a terminal to a shell\'s main process, pauses, unpauses and kills it', async () => {
    const shell = `${name}-sh`;
    await page.goto(`${app.url}#/images`);
    await page.getByRole('button', { name: `Run ${image}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill(shell);
    await dialog.getByLabel('Command', { exact: true }).fill('sh');
    await dialog.getByLabel('Network', { exact: true }).selectOption('none');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('tab', { name: 'Logs' }).waitFor();
    const id = (await podman.client.listContainers()).find((c) => c.Names.includes(`/${shell}`))?.Id;
    if (!id) throw new Error(`${shell} is not running in podman`);
    await page.getByRole('tab', { name: 'Terminals' }).click();
    await page.getByRole('button', { name: 'Attach to main process' }).click();
    await typeInTerminal(page, 'echo attached-$((40+2)) $$\n');
    await waitForTerminal(page, /^attached-42 1\s*$/m); // PID 1: the main process itself
    await screenshot('terminal-attach');

    const state = async () => (await podman.client.getContainer(id).inspect()).State.Status;
    await page.getByRole('button', { name: /^pause$/i }).click();
    await expect.poll(state).toBe('paused');
    await page.getByRole('button', { name: /^unpause$/i }).waitFor();
    await screenshot('container-paused');
    await page.getByRole('button', { name: /^unpause$/i }).click();
    await expect.poll(state).toBe('running');
    await typeInTerminal(page, 'clear; echo back-$((1+1))\n');
    await waitForTerminal(page, /^back-2\s*$/m);

    await page.getByRole('button', { name: /^kill$/i }).click();
    await expect.poll(state).toBe('exited');
    await page.getByText(/exited \(137\)/).first().waitFor();
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByRole('heading', { name: 'Containers' }).waitFor();
    await expect.poll(async () => (await podman.client.listContainers({ all: true })).some((c) => c.Id === id)).toBe(false);
  });

  it('stops and removes the container', async () => {
    const id = await containerId();
    await page.goto(`${app.url}#/containers/${id}/logs`);
    await page.getByRole('button', { name: /^stop$/i }).click();
    await expect.poll(async () => (await podman.client.getContainer(id).inspect()).State.Status, { timeout: 30_000 }).toBe('exited');
    await page.getByText(/exited \(\d+\)/).first().waitFor();
    await screenshot('container-exited');
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByRole('heading', { name: 'Containers' }).waitFor();
    await expect.poll(async () => (await podman.client.listContainers({ all: true })).filter((c) => c.Id === id).length).toBe(0);
    await screenshot('containers-after');
  });

  it('builds an image from a folder with podman\'s builder: its STEP lines, its cache, a failing RUN\'s exit code', async () => {
    const ctx = mkdtempSync(join(tmpdir(), 'berth-e2e-podman-build-'));
    try {
      writeFileSync(join(ctx, 'Dockerfile'), `FROM ${image}\nARG WHO=nobody\nCOPY hello.txt /hello.txt\nRUN echo "built for $WHO" > /built.txt\nCMD ["cat", "/hello.txt", "/built.txt"]\n`);
      writeFileSync(join(ctx, 'hello.txt'), 'hello\n');
      writeFileSync(join(ctx, 'Dockerfile.fail'), `FROM ${image}\nRUN exit 5\n`);
      await page.goto(`${app.url}#/images`);
      await page.getByRole('link', { name: 'Build image…' }).click();
      await page.getByLabel('Context folder').fill(ctx);
      await page.getByLabel('Tags').fill(`built-${process.pid}:1`);
      await page.getByLabel('Network for RUN steps').selectOption('none');
      await page.getByRole('button', { name: '+ Build arg' }).click();
      await page.getByLabel('Build arg 1 key').fill('WHO');
      await page.getByLabel('Build arg 1 value').fill('podman');
      const log = page.getByTestId('build-log');
      for (const round of [1, 2]) {
        await page.getByRole('button', { name: 'Build', exact: true }).click();
        await page.getByRole('status').filter({ hasText: /^Built image / }).waitFor({ timeout: 60_000 });
        expect(await log.locator('[data-kind=step]').count()).toBe(5);
        // podman says "--> Using cache <id>" for each step it takes from the cache the second time.
        expect(await log.locator('[data-kind=cache]').count()).toBe(round === 1 ? 0 : 4);
      }
      await screenshot('build-cached');
      const id = await page.getByTestId('build-image-id').innerText();
      expect((await podman.client.getImage(`built-${process.pid}:1`).inspect()).Id.replace(/^sha256:/, '')).toBe(id.replace(/^sha256:/, ''));
      await page.getByLabel('Dockerfile (inside the folder)').fill('Dockerfile.fail');
      await page.getByRole('button', { name: 'Build', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'Build failed (exit code 5)' }).filter({ hasText: 'exit status 5' }).waitFor({ timeout: 60_000 });
      await screenshot('build-failed');
      await podman.client.getImage(`built-${process.pid}:1`).remove();
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
  });
});
