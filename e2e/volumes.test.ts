// The Volumes page used as a person would, against each engine: create a volume (and see a
// refused driver option explained), see a container use it, be told why it cannot be removed
// yet, remove the container, prune with a confirmation that says how many and how much, and see
// the volume gone; then the error state once the engine is down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { enginesUnderTest, loadBusybox, startEngine, type EngineKind, type EngineUnderTest } from './support/engine.js';
import { startApp, type RunningApp } from './support/app.js';
import { screenshot } from './support/screens.js';
import { bytes } from '../renderer/src/lib/format.js';
import { removeVolume } from '../electron/src/engine/volumes.js';

function volumesSuite(kind: EngineKind): void {
  const vol = `e2e-vol-${process.pid}`;
  const kept = `${vol}-kept`;
  const user = `e2e-vol-user-${process.pid}`;
  let engine: EngineUnderTest;
  let app: RunningApp;
  let page: Page;
  let engineStopped = false;

  /** The page in the light and the dark theme, as volumes-<engine>-<name>-<scheme>.png. */
  async function shots(name: string): Promise<void> {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForFunction((dark) => document.documentElement.classList.contains('dark') === dark, scheme === 'dark');
      await screenshot(page, `${name}-${scheme}`, `volumes-${kind}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  const row = (name: string) => page.locator(`[data-testid=volume-row][data-name="${name}"]`);
  const engineVolumes = async () => ((await engine.client.listVolumes()).Volumes ?? []).map((v) => v.Name);

  describe(`volumes against ${kind}`, () => {
    beforeAll(async () => {
      engine = await startEngine(kind);
      await loadBusybox(engine.client);
      app = await startApp(engine.host);
      page = app.page;
    });

    afterAll(async () => {
      await app?.close();
      if (!engineStopped) await engine?.stop();
    });

    it('starts empty, refuses an unknown driver option with the engine\'s words, creates with tmpfs options and with a label', async () => {
      await page.goto(`${app.url}#/containers`);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Volumes' }).click();
      await page.getByText('No volumes yet').waitFor();
      await shots('empty');

      // A driver option the local driver does not know: each engine refuses it in its own words.
      await page.getByLabel('Name', { exact: true }).fill(`${vol}-opts`);
      await page.getByRole('button', { name: '+ Option' }).click();
      await page.getByLabel('Option 1 key').fill('no-such-option');
      await page.getByLabel('Option 1 value').fill('1');
      await page.getByRole('button', { name: 'Create volume', exact: true }).click();
      const refused = page.getByRole('alert').filter({ hasText: 'The engine did not create the volume' });
      await refused.waitFor();
      expect(await refused.innerText()).toMatch(/option/i);
      expect(await engineVolumes()).not.toContain(`${vol}-opts`);
      await shots('create-refused');
      // Options the local driver takes (a tmpfs, as `docker volume create -o type=tmpfs ...`) go through.
      await page.getByLabel('Option 1 key').fill('type');
      await page.getByLabel('Option 1 value').fill('tmpfs');
      await page.getByRole('button', { name: '+ Option' }).click();
      await page.getByLabel('Option 2 key').fill('device');
      await page.getByLabel('Option 2 value').fill('tmpfs');
      await page.getByRole('button', { name: 'Create volume', exact: true }).click();
      await page.getByText(`Created volume ${vol}-opts.`).waitFor();
      expect((await engine.client.getVolume(`${vol}-opts`).inspect()).Options).toEqual({ type: 'tmpfs', device: 'tmpfs' });
      await engine.client.getVolume(`${vol}-opts`).remove();
      await page.getByText('No volumes yet').waitFor();

      // A bad name is caught before the engine sees it.
      await page.getByLabel('Name', { exact: true }).fill('-bad name');
      await page.getByRole('alert').filter({ hasText: 'Name: letters, digits' }).waitFor();
      expect(await page.getByRole('button', { name: 'Create volume', exact: true }).isDisabled()).toBe(true);

      await page.getByLabel('Name', { exact: true }).fill(vol);
      expect(await page.getByLabel('Option 1 key').count()).toBe(0); // a created volume's form starts afresh
      await page.getByRole('button', { name: '+ Label' }).click();
      await page.getByLabel('Label 1 key').fill('purpose');
      await page.getByLabel('Label 1 value').fill('e2e');
      await page.getByRole('button', { name: 'Create volume', exact: true }).click();
      await page.getByText(`Created volume ${vol}.`).waitFor();
      await row(vol).waitFor();
      expect(await row(vol).innerText()).toContain('local');
      expect((await engine.client.getVolume(vol).inspect()).Labels).toEqual({ purpose: 'e2e' });

      // The columns sort: Name ascending by default, reversed by a press on its header.
      await engine.client.createVolume({ Name: `${vol}-aaa` });
      await row(`${vol}-aaa`).waitFor();
      const names = async (): Promise<string[]> => (await page.locator('tbody tr').allInnerTexts()).map((t) => t.split('\t')[0]!.trim());
      const nameHeader = page.getByRole('columnheader', { name: /Name/ });
      expect(await nameHeader.getAttribute('aria-sort')).toBe('ascending');
      expect((await names()).indexOf(`${vol}-aaa`)).toBeGreaterThan((await names()).indexOf(vol));
      await nameHeader.getByRole('button').click();
      expect(await nameHeader.getAttribute('aria-sort')).toBe('descending');
      expect((await names()).indexOf(`${vol}-aaa`)).toBeLessThan((await names()).indexOf(vol));
      await nameHeader.getByRole('button').click();
      await engine.client.getVolume(`${vol}-aaa`).remove();
    });

    it('shows the container using it, its inspect, and refuses removal with the reason', async () => {
      await engine.client.createVolume({ Name: kept } as never);
      const c = await engine.client.createContainer({
        Image: 'busybox:test', name: user, Cmd: ['sh', '-c', 'dd if=/dev/zero of=/data/blob bs=1024 count=64 && sleep 600'],
        HostConfig: { NetworkMode: 'none', Binds: [`${vol}:/data`] },
      });
      await c.start();
      await engine.client.createContainer({ Image: 'busybox:test', name: `${user}-kept`, Cmd: ['true'], HostConfig: { NetworkMode: 'none', Binds: [`${kept}:/k`] } });

      await row(vol).getByTestId('volume-used-by').getByRole('link', { name: user }).waitFor({ timeout: 15_000 });
      await row(kept).getByTestId('volume-used-by').getByRole('link', { name: `${user}-kept` }).waitFor({ timeout: 15_000 });
      await page.getByText('2 volumes, 2 in use').waitFor();

      // Search and sort.
      await page.getByLabel('Search volumes').fill('kept');
      await expect.poll(() => page.locator('[data-testid=volume-row]').count()).toBe(1);
      await page.getByLabel('Search volumes').fill('');
      await page.getByRole('button', { name: 'Name ▲' }).click(); // descending now
      await expect.poll(() => page.locator('[data-testid=volume-row]').first().getAttribute('data-name')).toBe(kept);
      await page.getByRole('button', { name: 'Name ▼' }).click();
      await expect.poll(() => page.locator('[data-testid=volume-row]').first().getAttribute('data-name')).toBe(vol);

      await page.getByRole('button', { name: `Inspect ${vol}`, exact: true }).click();
      const inspect = page.getByRole('region', { name: `Inspect ${vol}` });
      await inspect.getByText('Mountpoint').waitFor();
      expect(await inspect.innerText()).not.toContain('purpose'); // nested objects start folded
      await inspect.getByText('Labels').click();
      await inspect.getByText('"e2e"').waitFor();
      expect(await inspect.innerText()).toContain('purpose');
      await inspect.getByText('/data').first().waitFor(); // where the user mounts it
      expect(page.url()).toContain(`#/volumes/${vol}`);
      await shots('in-use');

      await page.getByRole('button', { name: `Remove ${vol}`, exact: true }).click();
      const dialog = page.getByRole('dialog', { name: `${vol} is in use` });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain(`${user} (running at /data)`);
      expect(await dialog.getByRole('button', { name: /remove/i }).count()).toBe(0); // nothing destructive on offer
      await shots('remove-refused');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await engineVolumes()).toContain(vol);
      // Should the list be stale, the engine's own refusal reaches the page with the same names.
      const refusal = await removeVolume(engine.client, vol).then(() => 'removed', (e: Error) => e.message);
      expect(refusal).toContain(`Volume ${vol} is in use by 1 container: ${user} (running).`);
      expect(await engineVolumes()).toContain(vol);

      // The container's Inspect tab links to its volume.
      await page.goto(`${app.url}#/containers/${c.id}/inspect`);
      await page.getByRole('navigation', { name: 'Volumes of this container' }).getByRole('link', { name: vol }).click();
      await page.getByRole('region', { name: `Inspect ${vol}` }).getByText('Mountpoint').waitFor();
      expect(page.url()).toContain(`#/volumes/${vol}`);
    });

    it('prunes once the container is gone: the confirmation says how many and how much', async () => {
      await engine.client.getContainer(user).remove({ force: true });
      await row(vol).getByTestId('volume-used-by').getByText('no container').waitFor({ timeout: 15_000 });
      const df = (await engine.client.df()) as { Volumes?: { Name: string; UsageData?: { Size: number } }[] };
      const size = df.Volumes?.find((v) => v.Name === vol)?.UsageData?.Size ?? -1;
      expect(size).toBeGreaterThanOrEqual(64 * 1024); // the 64 KiB the container wrote
      await row(vol).getByText(bytes(size)).waitFor({ timeout: 15_000 });

      await page.getByRole('button', { name: 'Prune unused…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Prune 1 unused volume?' });
      await dialog.waitFor();
      const text = await dialog.innerText();
      expect(text).toContain(vol);
      expect(text).toContain(`frees ${bytes(size)}`);
      expect(text).toContain('1 volume in use stays');
      await shots('prune-confirm');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(await engineVolumes()).toContain(vol); // Cancel kept it

      await page.getByRole('button', { name: 'Prune unused…' }).click();
      await dialog.getByRole('button', { name: 'Remove 1 volume' }).click();
      await page.getByText(`Pruned 1 unused volume, reclaimed ${bytes(size)}.`).waitFor();
      await row(vol).waitFor({ state: 'detached' });
      await row(kept).waitFor();
      expect(await engineVolumes()).toEqual([kept]);
      await shots('pruned');

      // An unused volume removed by itself asks first.
      await engine.client.getContainer(`${user}-kept`).remove({ force: true });
      await row(kept).getByTestId('volume-used-by').getByText('no container').waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: `Remove ${kept}`, exact: true }).click();
      await page.getByRole('dialog', { name: `Remove volume ${kept}?` }).getByRole('button', { name: 'Remove volume' }).click();
      await page.getByText(`Removed volume ${kept}.`).waitFor();
      await page.getByText('No volumes yet').waitFor();
      expect(await engineVolumes()).toEqual([]);
    });

    it('says what to do when the engine is down', async () => {
      await engine.stop();
      engineStopped = true;
      await page.reload();
      await page.getByText('Could not list volumes').waitFor({ timeout: 30_000 });
      expect(await page.getByRole('alert').filter({ hasText: 'Could not list volumes' }).innerText()).toContain('Is the engine running?');
      await shots('engine-down');
    });
  });
}

for (const kind of enginesUnderTest()) volumesSuite(kind);
