// Registry mirrors set in Settings reach the berthd the app supervises: saved, then applied by
// "Restart engine" (berthd reads --registry-mirror at start), then used: a pull of a Docker Hub
// name is served by a local docker-registry acting as the mirror (nothing leaves 127.0.0.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { SettingsStore } from '../electron/src/config/settings-store.js';
import { EngineHub } from '../electron/src/engine/hub.js';
import { localBerthd } from '../electron/src/supervisor/local-berthd.js';
import type { BerthdSupervisor } from '../electron/src/supervisor/supervisor.js';
import { startBrowserServer } from '../electron/src/transport/ws-server.js';
import { repoRoot } from '../test-support/paths.js';
import { startRegistry, type TestRegistry } from '../test-support/registry.js';
import { ensureRendererBuilt } from './support/app.js';
import { launchChromium } from './support/browser.js';
import { loadBusybox } from './support/engine.js';
import { screenshot } from './support/screens.js';

const berthdMain = resolve(repoRoot, 'runtime-helper/dist/main.js');

function follow(client: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((res, rej) => client.modem.followProgress(stream, (err: Error | null) => (err ? rej(err) : res()), (e: { error?: string }) => { if (e.error) rej(new Error(e.error)); }));
}

describe('registry mirrors from Settings reach the supervised berthd', () => {
  let dir: string;
  let supervisor: BerthdSupervisor;
  let registry: TestRegistry;
  let client: Docker;
  let page: Page;
  let url: string;
  let closeApp: () => Promise<void>;
  let mirror: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-e2e-mirrors-'));
    const host = `unix://${join(dir, 'berth.sock')}`;
    const store = new SettingsStore(join(dir, 'app.json'));
    const hub = new EngineHub(store);
    hub.overrideHost(host);
    const local = localBerthd({
      store, main: berthdMain, host,
      extra: ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'berthd.pid')],
      configFile: join(dir, 'no-daemon.json'),
      logFile: openSync(join(dir, 'berthd.log'), 'a'),
    });
    supervisor = local.supervisor;
    hub.supervised = local.engine;
    await supervisor.start();
    for (let i = 0; i < 300 && supervisor.state.phase !== 'running'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(supervisor.state.phase, readFileSync(join(dir, 'berthd.log'), 'utf8')).toBe('running');
    client = new Docker({ socketPath: join(dir, 'berth.sock') });

    // The mirror holds library/busybox:mirrored, as Docker Hub's name would be served.
    registry = await startRegistry();
    mirror = `http://${registry.host}`;
    await loadBusybox(client);
    const seeded = `${registry.host}/library/busybox`;
    await client.getImage('busybox:test').tag({ repo: seeded, tag: 'mirrored' });
    await follow(client, (await client.getImage(seeded).push({ tag: 'mirrored', authconfig: { serveraddress: registry.host } } as never)) as unknown as NodeJS.ReadableStream);
    await client.getImage(`${seeded}:mirrored`).remove();

    ensureRendererBuilt();
    const server = await startBrowserServer({ hub, staticDir: resolve(repoRoot, 'renderer/dist') });
    const chromium = await launchChromium();
    page = await chromium.context.newPage();
    page.on('pageerror', (e) => console.error(`renderer error: ${e.message}`));
    url = server.url;
    closeApp = async () => { await chromium.close(); await server.close(); };
  });

  afterAll(async () => {
    await closeApp?.();
    await supervisor?.stop();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a mirror that is not a URL, where it was typed', async () => {
    await page.goto(`${url}#/settings`);
    const mirrors = page.getByLabel('Registry mirrors (one URL a line)');
    await mirrors.fill('not a url');
    await mirrors.press('Tab');
    await page.getByRole('alert').filter({ hasText: 'Could not save' }).getByText(/registryMirrors\.0: .*(url|URL)/).waitFor();
  });

  it('saves mirrors, restarts the engine to apply them, and pulls a Docker Hub name through the mirror', async () => {
    await page.goto(`${url}#/settings`);
    const mirrors = page.getByLabel('Registry mirrors (one URL a line)');
    await mirrors.fill(mirror);
    await mirrors.press('Tab');
    const status = page.getByTestId('mirrors-status');
    await status.getByText('Saved. The engine still runs with no mirrors').waitFor();
    const before = supervisor.state.pid;
    await screenshot(page, 'settings-mirrors-pending', 'berthd');
    await status.getByRole('button', { name: 'Restart engine' }).click();
    await status.getByText(`The engine uses these mirrors: ${mirror}.`).waitFor({ timeout: 40_000 });
    await screenshot(page, 'settings-mirrors-applied', 'berthd');

    // A new berthd process, started with the flag, reports the mirror.
    expect(supervisor.state.phase).toBe('running');
    expect(supervisor.state.pid).not.toBe(before);
    const argv = readFileSync(`/proc/${supervisor.state.pid}/cmdline`, 'utf8').split('\0');
    expect(argv.slice(argv.indexOf('--registry-mirror'), argv.indexOf('--registry-mirror') + 2)).toEqual(['--registry-mirror', mirror]);
    const info = (await client.info()) as { RegistryConfig: { Mirrors: string[] } };
    expect(info.RegistryConfig.Mirrors).toEqual([mirror]);

    // Only with the mirror confirmed: pull a Docker Hub name, which the mirror serves.
    await page.goto(`${url}#/images`);
    await page.getByLabel('Image to pull').fill('busybox:mirrored');
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    await page.getByText('Pulled busybox:mirrored.').waitFor({ timeout: 60_000 });
    const pulled = await client.getImage('busybox:mirrored').inspect();
    expect(pulled.RepoTags).toContain('busybox:mirrored');
    await screenshot(page, 'pull-through-mirror', 'berthd');
  });
});
