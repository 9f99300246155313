// The Networks page used as a person would. Against berthd: the built-in networks as the engine
// reports them, a pre-defined one's removal explained, bad input caught as it is typed, and a
// create refused in readable words, after which the page says the engine does not create networks.
// Against a real dockerd (no default bridge there, iptables off): a bridge created with a subnet,
// listed with it, inspected, a container attached through the engine API, the removal refused while
// it runs (with its name), then removed, and prune with a confirmation that counts. axe (WCAG A/AA)
// in both themes on each state, keyboard use with a visible focus, screenshots of both themes.
// Against podman (it counts a stopped container as a user of a network, and prunes so): create,
// a removal it refuses explained with the container named, prune as the engine does it, remove.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type Docker from 'dockerode';
import { enginesUnderTest, loadBusybox, startBerthd, startEngine, type EngineKind, type EngineUnderTest } from './support/engine.js';
import { startApp, type RunningApp } from './support/app.js';
import { screenshot } from './support/screens.js';
import { axeViolations, focusIndicator, formatViolations } from './support/a11y.js';
import { removeNetwork } from '../electron/src/engine/networks.js';
import { startPodmanService, type PodmanService } from '../test-support/podman.js';
import { busyboxImage } from '../test-support/paths.js';

const builtin = ['bridge', 'host', 'none'];

interface Harness { engine: EngineUnderTest; app: RunningApp; page: Page; engineStopped: boolean }

/** Starts the engine and the app for one suite; `h` is filled in by beforeAll. */
function harness(kind: EngineKind, cleanup: (client: Docker) => Promise<void>): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    // berthd makes user-defined networks; with --iptables=false it refuses them, the path shown here.
    h.engine = kind === 'berthd' ? await startBerthd(['--iptables=false']) : await startEngine(kind);
    await loadBusybox(h.engine.client);
    h.app = await startApp(h.engine.host);
    h.page = h.app.page;
  });
  afterAll(async () => {
    await h.app?.close();
    // A user-defined bridge is a device in the host's namespace: it goes before the engine does.
    if (h.engine && !h.engineStopped) {
      await cleanup(h.engine.client).catch((e: Error) => console.error(`networks cleanup: ${e.message}`));
      await h.engine.stop();
    }
  });
  return h;
}

/** Screenshots (networks-<engine>-<name>-<scheme>.png) and axe in the light and dark themes. */
async function shotsAndAxe(page: Page, kind: EngineKind | 'podman', name: string): Promise<string[]> {
  const report: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForFunction((dark) => document.documentElement.classList.contains('dark') === dark, scheme === 'dark');
    report.push(...formatViolations(`networks ${name} (${scheme})`, await axeViolations(page)));
    await screenshot(page, `${name}-${scheme}`, `networks-${kind}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  if (report.length) console.error(report.join('\n'));
  return report;
}

const row = (page: Page, name: string) => page.locator(`[data-testid=network-row][data-name="${name}"]`);

async function userNetworks(client: Docker): Promise<{ Name: string; Id: string }[]> {
  return ((await client.listNetworks()) as { Name: string; Id: string }[]).filter((n) => !builtin.includes(n.Name));
}

async function removeAll(client: Docker, containers: string[]): Promise<void> {
  for (const c of containers) await client.getContainer(c).remove({ force: true }).catch(() => {});
  for (const n of await userNetworks(client)) await client.getNetwork(n.Id).remove();
}

const wanted = enginesUnderTest();

describe.runIf(wanted.includes('berthd'))('networks against berthd', () => {
  const ctr = `e2e-net-b-${process.pid}`;
  const h = harness('berthd', (client) => removeAll(client, [ctr]));

  it('lists bridge, host and none as the engine reports them, with the containers on each', async () => {
    const { page, app, engine } = h;
    const c = await engine.client.createContainer({ Image: 'busybox:test', name: ctr, Cmd: ['sleep', '600'], HostConfig: { NetworkMode: 'none' } });
    await c.start();
    await page.goto(`${app.url}#/containers`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Networks' }).click();
    await row(page, 'none').waitFor();

    const reported = (await engine.client.listNetworks()) as { Name: string; Driver: string; Scope: string; IPAM: { Config: { Subnet?: string }[] | null } }[];
    expect(reported.map((n) => n.Name).sort()).toEqual(builtin);
    await expect.poll(() => page.locator('[data-testid=network-row]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-name')))).toEqual(builtin);
    for (const n of reported) {
      const cells = (await row(page, n.Name).locator('td').allInnerTexts()).map((t) => t.trim());
      expect(cells[0]).toBe(`${n.Name}pre-defined`);
      expect(cells[1]).toBe(n.Driver); // null for none, as the engine says
      expect(cells[2]).toBe(n.Scope);
      const subnets = (n.IPAM.Config ?? []).map((x) => x.Subnet).filter(Boolean);
      expect(cells[3]).toBe(subnets.length ? subnets.join(', ') : 'none');
    }
    // The running container on none is counted there, and only there.
    await expect.poll(() => row(page, 'none').getByTestId('network-containers').innerText(), { timeout: 15_000 }).toBe('1');
    expect(await row(page, 'host').getByTestId('network-containers').innerText()).toBe('0');
    expect(await page.getByText('3 networks, 1 with running containers').count()).toBe(1);

    // Inspect: the engine's document, folded below the top level, and the container linked.
    await page.getByRole('button', { name: 'Inspect none', exact: true }).click();
    const inspect = page.getByRole('region', { name: 'Inspect none' });
    await inspect.getByText('IPAM').waitFor();
    const link = inspect.getByTestId('network-attached').getByRole('link', { name: ctr });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`#/containers/${c.id}/logs`);
    expect(page.url()).toContain('#/networks/none');
    const report = await shotsAndAxe(page, 'berthd', 'list-inspect');

    // Search narrows, sorting by Driver puts host (driver host) before none (null).
    await page.getByLabel('Search networks').fill('NUL');
    await expect.poll(() => page.locator('[data-testid=network-row]').count()).toBe(1);
    await page.getByLabel('Search networks').fill('');
    await page.getByRole('columnheader', { name: /Driver/ }).getByRole('button').click();
    expect(await page.getByRole('columnheader', { name: /Driver/ }).getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(() => page.locator('[data-testid=network-row]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-name')))).toEqual(['bridge', 'host', 'none']);
    await page.getByRole('columnheader', { name: /Driver/ }).getByRole('button').click();
    await expect.poll(() => page.locator('[data-testid=network-row]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-name')))).toEqual(['none', 'host', 'bridge']);
    await page.getByRole('columnheader', { name: /Name/ }).getByRole('button').click();
    expect(report).toEqual([]);
  });

  it('explains that a pre-defined network cannot be removed, and offers no removal', async () => {
    const { page, engine } = h;
    await page.getByRole('button', { name: 'Remove host', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'host cannot be removed' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('one of the pre-defined networks');
    expect(await dialog.getByRole('button', { name: /remove/i }).count()).toBe(0);
    const report = await shotsAndAxe(page, 'berthd', 'builtin-remove');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // The engine's own refusal, should the page be bypassed, comes back in the same words.
    const host = ((await engine.client.listNetworks()) as { Name: string; Id: string }[]).find((n) => n.Name === 'host')!;
    const refusal = await removeNetwork(engine.client, host.Id).then(() => 'removed', (e: Error) => e.message);
    expect(refusal).toMatch(/^host is one of the pre-defined networks .*\(engine: host is a pre-defined network and cannot be removed\)$/s);
    // Nothing to prune: said without asking.
    await page.getByRole('button', { name: 'Prune unused…' }).click();
    await page.getByText('Nothing to prune: the pre-defined networks always stay').waitFor();
    expect(report).toEqual([]);
  });

  it('catches bad input as it is typed, and shows the engine\'s refusal of a create readably', async () => {
    const { page, engine } = h;
    await page.getByRole('button', { name: 'Create network…' }).click();
    const form = page.getByRole('region', { name: 'Create a network' });
    const submit = form.getByRole('button', { name: 'Create network', exact: true });
    const problem = form.getByRole('alert');
    await form.getByLabel('Name').fill('host');
    await problem.filter({ hasText: 'host is a pre-defined network' }).waitFor();
    await form.getByLabel('Name').fill('bad name');
    await problem.filter({ hasText: 'Name: letters, digits' }).waitFor();
    expect(await submit.isDisabled()).toBe(true);
    await form.getByLabel('Name').fill('appnet');
    await form.getByLabel('Subnet (optional)').fill('10.231.250.5/24');
    await problem.filter({ hasText: 'host bits are set; did you mean 10.231.250.0/24?' }).waitFor();
    await form.getByLabel('Subnet (optional)').fill('10.231.250.0/24');
    await form.getByLabel('Gateway (optional)').fill('10.231.251.1');
    await problem.filter({ hasText: 'outside the subnet 10.231.250.0/24' }).waitFor();
    expect(await submit.isDisabled()).toBe(true);
    await form.getByLabel('Gateway (optional)').fill('10.231.250.1');
    await problem.waitFor({ state: 'detached' });

    await submit.click();
    const refused = form.getByRole('alert').filter({ hasText: 'The engine did not create the network' });
    await refused.waitFor();
    const text = await refused.innerText();
    expect(text).toContain('Network appnet was not created: this engine does not make user-defined networks');
    expect(text).toContain('user-defined networks are not supported by berthd yet');
    expect(text).not.toMatch(/networks\.create|HTTP code/);
    expect(await userNetworks(engine.client)).toEqual([]);
    const report = await shotsAndAxe(page, 'berthd', 'create-refused');

    // With the form closed, the page says the engine does not create networks, and the button waits.
    await form.getByRole('button', { name: 'Cancel' }).click();
    const note = page.getByRole('status').filter({ hasText: 'This engine does not create networks.' });
    await note.waitFor();
    expect(await note.innerText()).toContain('user-defined networks are not supported by berthd yet');
    const createButton = page.getByRole('button', { name: 'Create network…' });
    expect(await createButton.isDisabled()).toBe(true);
    expect(await createButton.getAttribute('aria-describedby')).toBe('networks-create-refused');
    report.push(...(await shotsAndAxe(page, 'berthd', 'not-supported')));
    // It survives a reload (the app remembers the engine's answer), and can be tried again.
    await page.reload();
    await note.waitFor();
    await page.getByRole('button', { name: 'Try creating anyway' }).click();
    await form.waitFor();
    await form.getByRole('button', { name: 'Cancel' }).click();
    expect(report).toEqual([]);
  });

  it('works from the keyboard with a visible focus', async () => {
    const { page, app } = h;
    await page.goto(`${app.url}#/networks`);
    await row(page, 'bridge').waitFor();
    await page.locator('body').click({ position: { x: 600, y: 5 } });
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('network-search');
    expect((await focusIndicator(page)).visible).toBe(true);
    // Tab on through the sort headers to the first row's Inspect, each stop with a ring.
    const stops: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      const f = await focusIndicator(page);
      expect(f.visible, `focus ring on ${f.tag} ${f.name}`).toBe(true);
      stops.push(f.name);
      if (f.name === 'Inspect bridge') break;
    }
    expect(stops.slice(0, 6)).toEqual(['Name ▲', 'Driver', 'Scope', 'Subnet', 'Containers', 'Created']);
    expect(stops.at(-1)).toBe('Inspect bridge');
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Inspect bridge' }).getByText('IPAM').waitFor();
    expect(await page.getByRole('button', { name: 'Inspect bridge', exact: true }).getAttribute('aria-expanded')).toBe('true');
  });
});

describe.runIf(wanted.includes('dockerd'))('networks against dockerd', () => {
  const net = `e2e-net-${process.pid}`;
  const spare = `${net}-spare`;
  const ctr = `e2e-net-ctr-${process.pid}`;
  // A /24 of its own per test process, in a range nothing else here uses.
  const third = 20 + (process.pid % 200);
  const subnet = `10.231.${third}.0/24`;
  const gateway = `10.231.${third}.1`;
  const h = harness('dockerd', (client) => removeAll(client, [ctr]));

  it('creates a bridge with a subnet, gateway and label, lists it with its subnet, and refuses a duplicate in the engine\'s words', async () => {
    const { page, app, engine } = h;
    await page.goto(`${app.url}#/networks`);
    await row(page, 'host').waitFor();
    // This dockerd runs with --bridge none: host and none only, as it reports.
    await expect.poll(() => page.locator('[data-testid=network-row]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-name')))).toEqual(['host', 'none']);

    await page.getByRole('button', { name: 'Create network…' }).click();
    const form = page.getByRole('region', { name: 'Create a network' });
    await form.getByLabel('Name').fill(net);
    await form.getByLabel('Subnet (optional)').fill(subnet);
    await form.getByLabel('Gateway (optional)').fill(gateway);
    await form.getByRole('button', { name: '+ Label' }).click();
    await form.getByLabel('Label 1 key').fill('purpose');
    await form.getByLabel('Label 1 value').fill('e2e');
    await form.getByRole('button', { name: 'Create network', exact: true }).click();
    await page.getByText(`Created network ${net}.`).waitFor();
    await row(page, net).waitFor();
    expect(await row(page, net).getByTestId('network-subnet').innerText()).toBe(subnet);
    const doc = (await engine.client.getNetwork(net).inspect()) as { Driver: string; Internal: boolean; Labels: Record<string, string>; IPAM: { Config: { Subnet: string; Gateway: string }[] } };
    expect(doc).toMatchObject({ Driver: 'bridge', Internal: false, Labels: { purpose: 'e2e' }, IPAM: { Config: [{ Subnet: subnet, Gateway: gateway }] } });
    const cells = (await row(page, net).locator('td').allInnerTexts()).map((t) => t.trim());
    expect(cells.slice(1, 5)).toEqual(['bridge', 'local', subnet, '0']);

    // The same name again, and an overlapping subnet: the engine refuses, and says why.
    await page.getByRole('button', { name: 'Create network…' }).click();
    await form.getByLabel('Name').fill(net);
    await form.getByRole('button', { name: 'Create network', exact: true }).click();
    await form.getByRole('alert').filter({ hasText: `network with name ${net} already exists` }).waitFor();
    await form.getByLabel('Name').fill(`${net}-overlap`);
    await form.getByLabel('Subnet (optional)').fill(subnet);
    await form.getByRole('button', { name: 'Create network', exact: true }).click();
    await form.getByRole('alert').filter({ hasText: 'Pool overlaps with other one on this address space' }).waitFor();
    expect((await userNetworks(engine.client)).map((n) => n.Name)).toEqual([net]);
    // An internal one without a subnet: the engine picks the subnet, and the list shows it.
    await form.getByLabel('Name').fill(spare);
    await form.getByLabel('Subnet (optional)').fill('');
    await form.getByLabel('Internal').check();
    await form.getByRole('button', { name: 'Create network', exact: true }).click();
    await page.getByText(`Created network ${spare}.`).waitFor();
    const spareDoc = (await engine.client.getNetwork(spare).inspect()) as { Internal: boolean; IPAM: { Config: { Subnet: string }[] } };
    expect(spareDoc.Internal).toBe(true);
    await expect.poll(() => row(page, spare).getByTestId('network-subnet').innerText()).toBe(spareDoc.IPAM.Config[0]!.Subnet);
    expect(await row(page, spare).innerText()).toContain('internal');
    await page.getByText(/Create network…/).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'does not create networks' }).count()).toBe(0);

    // The run dialog offers both beside the built-in modes.
    await page.goto(`${app.url}#/images`);
    await page.getByRole('button', { name: 'Run busybox:test' }).click();
    const select = page.getByRole('dialog').getByLabel('Network');
    await expect.poll(() => select.locator('option').allInnerTexts()).toEqual(['engine default', 'none', 'host', 'bridge', ...[net, spare].sort()]);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.goto(`${app.url}#/networks`); // where the next test goes on
    await row(page, net).waitFor();
  });

  it('shows a container attached through the engine API, with its address, and refuses removal while it runs', async () => {
    const { page, engine } = h;
    const c = await engine.client.createContainer({ Image: 'busybox:test', name: ctr, Cmd: ['sleep', '600'], HostConfig: { NetworkMode: net } });
    await c.start();
    const ip = ((await c.inspect()).NetworkSettings.Networks[net] as { IPAddress: string }).IPAddress;
    expect(ip.startsWith(`10.231.${third}.`)).toBe(true);
    await expect.poll(() => row(page, net).getByTestId('network-containers').innerText(), { timeout: 15_000 }).toBe('1');

    await page.getByRole('button', { name: `Inspect ${net}`, exact: true }).click();
    const inspect = page.getByRole('region', { name: `Inspect ${net}` });
    await inspect.getByText('IPAM').waitFor();
    expect(await inspect.innerText()).not.toContain('purpose'); // nested objects start folded
    await inspect.getByText('Labels').click();
    await inspect.getByText('"e2e"').waitFor();
    const attached = inspect.getByTestId('network-attached');
    await attached.getByRole('link', { name: ctr }).waitFor();
    expect(await attached.innerText()).toContain(`${ctr} (running at ${ip})`);
    expect(await attached.getByRole('link', { name: ctr }).getAttribute('href')).toBe(`#/containers/${c.id}/logs`);
    expect(page.url()).toContain(`#/networks/${net}`);
    const report = await shotsAndAxe(page, 'dockerd', 'inspect');

    await page.getByRole('button', { name: `Remove ${net}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `${net} is in use` });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain(`${ctr} (running at ${ip})`);
    expect(await dialog.getByRole('button', { name: /remove/i }).count()).toBe(0);
    report.push(...(await shotsAndAxe(page, 'dockerd', 'remove-refused')));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // The engine's refusal itself, as the page would show it from a stale list: the container named.
    const refusal = await removeNetwork(engine.client, net).then(() => 'removed', (e: Error) => e.message);
    expect(refusal).toContain(`Network ${net} is in use by 1 container: ${ctr} (running). Stop or remove it first`);
    expect(refusal).toContain('has active endpoints');
    expect((await userNetworks(engine.client)).map((n) => n.Name).sort()).toEqual([net, spare].sort());

    // The link goes to the container's page.
    await attached.getByRole('link', { name: ctr }).click();
    await page.waitForURL(`**#/containers/${c.id}/logs`);
    await page.goBack();
    await row(page, net).waitFor();
    expect(report).toEqual([]);
  });

  it('removes it once the container is gone, and prunes with a confirmation that counts', async () => {
    const { page, engine } = h;
    await engine.client.getContainer(ctr).remove({ force: true });
    await expect.poll(() => row(page, net).getByTestId('network-containers').innerText(), { timeout: 15_000 }).toBe('0');
    await page.getByRole('button', { name: `Remove ${net}`, exact: true }).click();
    const confirm = page.getByRole('dialog', { name: `Remove network ${net}?` });
    expect(await confirm.innerText()).toContain(subnet);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect((await userNetworks(engine.client)).map((n) => n.Name)).toContain(net); // Cancel kept it
    await page.getByRole('button', { name: `Remove ${net}`, exact: true }).click();
    await confirm.getByRole('button', { name: 'Remove network' }).click();
    await page.getByText(`Removed network ${net}.`).waitFor();
    await row(page, net).waitFor({ state: 'detached' });
    expect((await userNetworks(engine.client)).map((n) => n.Name)).toEqual([spare]);

    // Prune: a second unused one, and one with a running container that stays.
    const other = `${net}-other`;
    const busy = `${net}-busy`;
    await engine.client.createNetwork({ Name: other, CheckDuplicate: true } as never);
    await engine.client.createNetwork({ Name: busy, CheckDuplicate: true } as never);
    const c = await engine.client.createContainer({ Image: 'busybox:test', name: ctr, Cmd: ['sleep', '600'], HostConfig: { NetworkMode: busy } });
    await c.start();
    await expect.poll(() => row(page, busy).getByTestId('network-containers').innerText(), { timeout: 15_000 }).toBe('1');
    await row(page, other).waitFor();

    await page.getByRole('button', { name: 'Prune unused…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Prune 2 unused networks?' });
    await dialog.waitFor();
    const text = await dialog.innerText();
    expect(text).toContain(`This removes 2 networks no container uses: ${other}, ${spare}.`);
    expect(text).toContain('3 networks stay');
    const report = await shotsAndAxe(page, 'dockerd', 'prune-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await userNetworks(engine.client)).length).toBe(3);
    await page.getByRole('button', { name: 'Prune unused…' }).click();
    await dialog.getByRole('button', { name: 'Remove 2 networks' }).click();
    await page.getByText(/^Pruned 2 unused networks: /).waitFor();
    await row(page, spare).waitFor({ state: 'detached' });
    await row(page, other).waitFor({ state: 'detached' });
    expect((await userNetworks(engine.client)).map((n) => n.Name)).toEqual([busy]);
    report.push(...(await shotsAndAxe(page, 'dockerd', 'pruned')));
    expect(report).toEqual([]);
  });

  it('says what to do when the engine is down', async () => {
    const { page, engine } = h;
    await removeAll(engine.client, [ctr]);
    await engine.stop();
    h.engineStopped = true;
    await page.reload();
    await page.getByText('Could not list networks').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('alert').filter({ hasText: 'Could not list networks' }).innerText()).toContain('Is the engine running?');
    expect(await shotsAndAxe(page, 'dockerd', 'engine-down')).toEqual([]);
  });
});

// Podman only with both engines wanted (the default run), as podman.test.ts runs.
describe.runIf(!process.env.BERTH_E2E_ENGINE)('networks against podman', () => {
  const net = `e2e-net-p-${process.pid}`;
  const spare = `${net}-spare`;
  const ctr = `e2e-net-pc-${process.pid}`;
  const third = 20 + ((process.pid + 100) % 200);
  const subnet = `10.232.${third}.0/24`;
  let podman: PodmanService;
  let app: RunningApp;
  let page: Page;

  beforeAll(async () => {
    podman = await startPodmanService();
    await podman.importImage(busyboxImage().tar, 'busybox:test');
    app = await startApp(podman.host);
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
    if (podman) await removeAll(podman.client, [ctr]).catch((e: Error) => console.error(`networks cleanup: ${e.message}`));
    await podman?.stop();
  });

  it('creates with a subnet; a removal the engine refuses for a stopped container is explained; prune does what the engine does', async () => {
    await page.goto(`${app.url}#/networks`);
    // podman's default network, under the name the Docker API gives it, with its subnet.
    const reported = (await podman.client.listNetworks()) as { Name: string; IPAM: { Config: { Subnet: string }[] } }[];
    const dflt = reported.find((n) => n.Name === 'bridge')!;
    await row(page, 'bridge').waitFor();
    expect(await row(page, 'bridge').getByTestId('network-subnet').innerText()).toBe(dflt.IPAM.Config[0]!.Subnet);
    await page.getByRole('button', { name: 'Remove bridge', exact: true }).click();
    await page.getByRole('dialog', { name: 'bridge cannot be removed' }).waitFor();
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Create network…' }).click();
    const form = page.getByRole('region', { name: 'Create a network' });
    await form.getByLabel('Name').fill(net);
    await form.getByLabel('Subnet (optional)').fill(subnet);
    await form.getByRole('button', { name: 'Create network', exact: true }).click();
    await page.getByText(`Created network ${net}.`).waitFor();
    await expect.poll(() => row(page, net).getByTestId('network-subnet').innerText()).toBe(subnet);
    expect(((await podman.client.getNetwork(net).inspect()) as { IPAM: { Config: { Subnet: string }[] } }).IPAM.Config[0]!.Subnet).toBe(subnet);

    // A container made on it and never started: podman holds the network for it.
    await podman.client.createContainer({ Image: 'localhost/busybox:test', name: ctr, Cmd: ['true'], HostConfig: { NetworkMode: net } });
    await expect.poll(() => row(page, net).getByTestId('network-containers').innerText(), { timeout: 15_000 }).toBe('1');
    await page.getByRole('button', { name: `Remove ${net}`, exact: true }).click();
    const confirm = page.getByRole('dialog', { name: `Remove network ${net}?` });
    expect(await confirm.innerText()).toContain(`1 stopped container still names it: ${ctr}`);
    await confirm.getByRole('button', { name: 'Remove network' }).click();
    const refused = page.getByRole('alert').filter({ hasText: `Could not remove ${net}` });
    await refused.waitFor();
    const text = await refused.innerText();
    expect(text).toContain(`Network ${net} is in use by 1 container: ${ctr} (created). Remove it first (this engine counts stopped containers too)`);
    expect(text).toContain('network is being used');
    expect((await userNetworks(podman.client)).map((n) => n.Name)).toEqual([net]);
    // podman 4.3 itself would remove it by ID regardless of the container: the app removes by name.
    const id = ((await podman.client.getNetwork(net).inspect()) as { Id: string }).Id;
    const byId = await removeNetwork(podman.client, id).then(() => 'removed', (e: Error) => e.message);
    expect(byId).toContain(`Network ${net} is in use by 1 container: ${ctr} (created).`);
    expect((await userNetworks(podman.client)).map((n) => n.Name)).toEqual([net]);
    const report = await shotsAndAxe(page, 'podman', 'remove-refused');
    await refused.getByRole('button', { name: `Dismiss: Could not remove ${net}` }).click();

    // Prune: the confirmation counts both kinds; podman takes only the one no container names.
    await podman.client.createNetwork({ Name: spare, CheckDuplicate: true } as never);
    await row(page, spare).waitFor();
    await page.getByRole('button', { name: 'Prune unused…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Prune 2 unused networks?' });
    await dialog.waitFor();
    const said = await dialog.innerText();
    expect(said).toContain(`This removes 1 network no container uses: ${spare}.`);
    expect(said).toContain(`Also 1 network with only stopped containers on it: ${net}.`);
    await dialog.getByRole('button', { name: 'Remove 2 networks' }).click();
    await page.getByText(`Pruned 1 unused network: ${spare}.`).waitFor();
    await row(page, spare).waitFor({ state: 'detached' });
    expect((await userNetworks(podman.client)).map((n) => n.Name)).toEqual([net]);

    // Once the container is gone, the removal goes through.
    await podman.client.getContainer(ctr).remove({ force: true });
    await expect.poll(() => row(page, net).getByTestId('network-containers').innerText(), { timeout: 15_000 }).toBe('0');
    await page.getByRole('button', { name: `Remove ${net}`, exact: true }).click();
    await confirm.getByRole('button', { name: 'Remove network' }).click();
    await page.getByText(`Removed network ${net}.`).waitFor();
    expect(await userNetworks(podman.client)).toEqual([]);
    expect(report).toEqual([]);
  });
});
