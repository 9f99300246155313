// Pushing with credentials from the push form: a docker-registry with TLS (a test CA that berthd
// trusts through its registry-certs-dir) and htpasswd basic auth. A wrong password fails in the
// push panel with the registry's answer; the right one pushes, and skopeo reads it back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startRegistry, type TestRegistry } from '../test-support/registry.js';
import { startApp, type RunningApp } from './support/app.js';
import { loadBusybox, startBerthd, type EngineUnderTest } from './support/engine.js';
import { screenshot } from './support/screens.js';

describe('push with registry credentials (berthd, TLS + basic auth)', () => {
  let registry: TestRegistry;
  let berthd: EngineUnderTest & { dir: string };
  let app: RunningApp;
  let page: Page;
  let dir: string;
  const user = { username: 'pusher', password: `pw-${process.pid}` };

  beforeAll(async () => {
    registry = await startRegistry({ tls: true, basicAuth: user });
    dir = mkdtempSync(join(tmpdir(), 'berth-e2e-pushauth-'));
    const config = join(dir, 'daemon.json');
    writeFileSync(config, JSON.stringify({ 'registry-certs-dir': registry.certsDir }));
    berthd = await startBerthd(['--config-file', config]);
    await loadBusybox(berthd.client);
    await berthd.client.getImage('busybox:test').tag({ repo: `${registry.host}/auth/busybox`, tag: 'v1' });
    app = await startApp(berthd.host);
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
    await berthd?.stop();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the registry refusing a wrong password, then pushes with the right one', async () => {
    const ref = `${registry.host}/auth/busybox:v1`;
    await page.goto(`${app.url}#/images`);
    await page.getByRole('button', { name: `Push ${ref}` }).click();
    const push = page.getByRole('region', { name: 'Push' });
    await push.getByLabel('Tag to push').selectOption(ref);
    await push.getByLabel('Registry user (optional)').fill(user.username);
    await push.getByLabel('Password').fill('wrong');
    await push.getByRole('button', { name: `Push to ${registry.host}` }).click();
    const failed = push.getByRole('alert').filter({ hasText: 'Push failed' });
    await failed.waitFor({ timeout: 60_000 });
    expect(await failed.innerText()).toMatch(/unauthorized|authentication|401/i);
    await screenshot(page, 'image-push-unauthorized', 'berthd');

    await push.getByLabel('Password').fill(user.password);
    await push.getByRole('button', { name: `Push to ${registry.host}` }).click();
    await push.getByRole('status').filter({ hasText: `Pushed ${ref}.` }).waitFor({ timeout: 60_000 });
    const inspected = JSON.parse(execFileSync('skopeo', ['inspect', '--cert-dir', join(registry.certsDir as string, registry.host), '--creds', `${user.username}:${user.password}`, `docker://${ref}`], { encoding: 'utf8' })) as { Layers: string[] };
    expect(inspected.Layers.length).toBeGreaterThanOrEqual(1);
  });
});
