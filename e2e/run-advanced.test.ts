// The run dialog's Advanced section used as a person would, against a real dockerd and berthd:
// a health check, a DNS server and search domain, an extra host, a ulimit and a label set in the
// dialog reach the container (its /etc/hosts, /etc/resolv.conf and `ulimit -n`, and inspect), the
// health chip turns healthy, the copied `docker run` line is one the real docker CLI runs to the
// same settings, and bad values are refused at their fields or in the engine's own words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import type { Locator, Page } from 'playwright-core';
import { enginesUnderTest, loadBusybox, startEngine, type EngineKind, type EngineUnderTest } from './support/engine.js';
import { startApp, type RunningApp } from './support/app.js';
import { screenshot as shoot } from './support/screens.js';
import { typeInTerminal, waitForTerminal } from './support/ui.js';
import { axeViolations, focusIndicator, formatViolations } from './support/a11y.js';

const DOCKER = '/usr/local/bin/docker';
/** The container's main process's nofile limits as --ulimit nofile=1024:2048 sets them. */
const OPEN_FILES = /^Max open files\s+1024\s+2048\s+files\s*$/m;

function advancedSuite(kind: EngineKind): void {
  let engine: EngineUnderTest;
  let app: RunningApp;
  let page: Page;
  const name = `e2e-adv-${kind}-${process.pid}`;
  const screenshot = (n: string) => shoot(page, n, kind);
  const docker = (args: string[]) => execFileSync(DOCKER, args, { env: { ...process.env, DOCKER_HOST: engine.host }, encoding: 'utf8' });

  async function openAdvanced(): Promise<Locator> {
    // A fresh page: a dialog a failed test left open does not stand in the next one's way.
    await page.goto('about:blank');
    await page.goto(`${app.url}#/images`);
    await page.getByRole('button', { name: 'Run busybox:test' }).click();
    const dialog = page.getByRole('dialog');
    const toggle = dialog.getByRole('button', { name: /^Advanced/ });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    // By keyboard: Tab reaches the disclosure (with a visible focus ring), and Enter opens it.
    await dialog.getByLabel('Name', { exact: true }).focus();
    for (let i = 0; i < 80 && !(await toggle.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    const focused = await focusIndicator(page);
    expect(focused.name).toMatch(/^▸?\s*Advanced/);
    expect(focused.visible).toBe(true);
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await dialog.getByLabel('DNS servers').waitFor();
    return dialog;
  }

  /** The error shown under an input, found through the input's aria-describedby. */
  async function fieldError(input: Locator): Promise<string> {
    await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
    const id = await input.getAttribute('aria-describedby');
    return page.locator(`[id="${id}"]`).innerText();
  }

  describe(`run dialog Advanced against ${kind}`, () => {
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

    it('refuses bad values at their fields and keeps Run disabled', async () => {
      const dialog = await openAdvanced();
      const run = dialog.getByRole('button', { name: 'Run', exact: true });
      // The test image has no default command: one is needed for Run either way.
      await dialog.getByLabel('Command', { exact: true }).fill('sleep 60');
      await dialog.getByRole('button', { name: '+ Host' }).click();
      await dialog.getByLabel('Extra host 1 name').fill('db.internal');
      const ip = dialog.getByLabel('Extra host 1 IP address');
      await ip.fill('10.0.0.300');
      expect(await fieldError(ip)).toBe("extra host 'db.internal': '10.0.0.300' is not an IP address (like 10.1.2.3, or host-gateway for the host)");
      const dns = dialog.getByLabel('DNS servers');
      await dns.fill('1.1.1');
      expect(await fieldError(dns)).toBe("DNS server '1.1.1' is not an IP address (like 1.1.1.1 or 2606:4700::1111)");
      await dialog.getByLabel('Check', { exact: true }).selectOption('command');
      expect(await fieldError(dialog.getByLabel('Health command'))).toMatch(/^health command: type the command/);
      const interval = dialog.getByLabel('Interval', { exact: true });
      await interval.fill('5x');
      expect(await fieldError(interval)).toBe("health interval '5x': a duration is a number with a unit (ms, s, m, h), like 30s, 1m30s or 500ms");
      await dialog.getByRole('button', { name: '+ Ulimit' }).click();
      const soft = dialog.getByLabel('Ulimit 1 soft limit');
      await soft.fill('4096');
      await dialog.getByLabel('Ulimit 1 hard limit').fill('1024');
      expect(await fieldError(soft)).toBe('ulimit nofile: the soft limit (4096) is above the hard limit (1024); the soft one can only go up to the hard one');
      const capAdd = dialog.getByLabel('Add capabilities');
      await capAdd.fill('NET_ADMIN, FLY');
      expect(await fieldError(capAdd)).toBe("capability 'FLY' is not a Linux capability (like NET_ADMIN or SYS_PTRACE, or ALL)");
      expect(await run.isDisabled()).toBe(true);
      expect(await dialog.getByRole('button', { name: /^Advanced/ }).innerText()).toMatch(/6 to fix/);
      expect(await dialog.getByTestId('run-command').innerText()).toBe('—');
      await screenshot('run-advanced-errors');
      // The open section with its errors passes axe's WCAG A and AA rules, in both themes.
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        expect(formatViolations(`Advanced with errors (${scheme})`, await axeViolations(page))).toEqual([]);
      }
      await page.emulateMedia({ colorScheme: 'light' });

      // Fixed, every field loses its error and Run comes back.
      await ip.fill('10.11.12.13');
      await dns.fill('192.0.2.53');
      await interval.fill('');
      // "none" turns the timings off: they would conflict with --no-healthcheck.
      await dialog.getByLabel('Check', { exact: true }).selectOption('none');
      expect(await interval.isDisabled()).toBe(true);
      await soft.fill('1024');
      await capAdd.fill('');
      await expect.poll(() => dialog.locator('[aria-invalid=true]').count()).toBe(0);
      expect(await run.isDisabled()).toBe(false);
      expect(await dialog.getByTestId('run-command').innerText()).toContain('--no-healthcheck --dns 192.0.2.53 --add-host db.internal:10.11.12.13 --ulimit nofile=1024:1024');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    });

    it('shows the engine\'s refusal readably when a value passes the dialog but not the engine', async () => {
      const dialog = await openAdvanced();
      await dialog.getByLabel('Name', { exact: true }).fill(`${name}-refused`);
      await dialog.getByLabel('Command', { exact: true }).fill('sleep 60');
      await dialog.getByLabel('Network', { exact: true }).selectOption('none');
      // A hard limit above the kernel's fs.nr_open: setrlimit fails with EPERM in every runtime.
      await dialog.getByRole('button', { name: '+ Ulimit' }).click();
      await dialog.getByLabel('Ulimit 1 soft limit').fill('1024');
      await dialog.getByLabel('Ulimit 1 hard limit').fill('4194304');
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      const alert = dialog.getByRole('alert').filter({ hasText: 'The container did not start' });
      await alert.waitFor({ timeout: 30_000 });
      const text = await alert.innerText();
      expect(text).toMatch(/rlimit|RLIMIT_NOFILE|operation not permitted/i);
      // Words for a person: no request method name or JSON braces around the engine's message.
      expect(text).not.toMatch(/containers\.run|^\{/m);
      await screenshot('run-advanced-engine-error');
      // The half-made container is removed, so the same name can be used again.
      const left = await engine.client.listContainers({ all: true, filters: { name: [`${name}-refused`] } });
      expect(left).toEqual([]);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    });

    it('passes host-gateway through to the engine: dockerd resolves it, berthd without a bridge says why it cannot', async () => {
      const dialog = await openAdvanced();
      const gwName = `${name}-gw`;
      await dialog.getByLabel('Name', { exact: true }).fill(gwName);
      await dialog.getByLabel('Command', { exact: true }).fill('sleep 600');
      await dialog.getByLabel('Network', { exact: true }).selectOption('none');
      await dialog.getByRole('button', { name: '+ Host' }).click();
      await dialog.getByLabel('Extra host 1 name').fill('host.internal');
      await dialog.getByLabel('Extra host 1 IP address').fill('host-gateway');
      expect(await dialog.getByTestId('run-command').innerText()).toContain('--add-host host.internal:host-gateway');
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      if (kind === 'berthd') {
        const alert = dialog.getByRole('alert').filter({ hasText: 'The container did not start' });
        await alert.waitFor({ timeout: 30_000 });
        expect(await alert.innerText()).toContain('unable to derive the IP value for host-gateway: berthd runs without a bridge (start it with --bridge)');
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        return;
      }
      await page.getByRole('tab', { name: 'Logs' }).waitFor();
      try {
        // The entry reaches the engine as the CLI sends it, and dockerd resolves it into /etc/hosts.
        // (The test's dockerd runs with --bridge none and so has no gateway address: it writes
        // "<nil>"; with its bridge it writes docker0's address.)
        expect(docker(['exec', gwName, 'cat', '/etc/hosts'])).toMatch(/^\S+\s+host\.internal$/m);
        expect((await engine.client.getContainer(gwName).inspect()).HostConfig.ExtraHosts).toEqual(['host.internal:host-gateway']);
      } finally {
        await engine.client.getContainer(gwName).remove({ force: true });
      }
    });

    it('runs with a health check, DNS, an extra host, a ulimit and a label that take effect', async () => {
      const dialog = await openAdvanced();
      await dialog.getByLabel('Name', { exact: true }).fill(name);
      await dialog.getByLabel('Command', { exact: true }).fill('sh -c "while true; do sleep 1; done"');
      await dialog.getByLabel('Network', { exact: true }).selectOption('none');
      await dialog.getByLabel('Check', { exact: true }).selectOption('command');
      await dialog.getByLabel('Health command').fill('grep -q db.internal /etc/hosts');
      await dialog.getByLabel('Interval', { exact: true }).fill('1s');
      await dialog.getByLabel('Timeout', { exact: true }).fill('5s');
      await dialog.getByLabel('Retries', { exact: true }).fill('3');
      await dialog.getByLabel('DNS servers').fill('192.0.2.53');
      await dialog.getByLabel('DNS search domains').fill('corp.example');
      await dialog.getByRole('button', { name: '+ Host' }).click();
      await dialog.getByLabel('Extra host 1 name').fill('db.internal');
      await dialog.getByLabel('Extra host 1 IP address').fill('10.11.12.13');
      await dialog.getByRole('button', { name: '+ Ulimit' }).click();
      await dialog.getByLabel('Ulimit 1 soft limit').fill('1024');
      await dialog.getByLabel('Ulimit 1 hard limit').fill('2048');
      await dialog.getByRole('button', { name: '+ Label' }).click();
      await dialog.getByLabel('Label 1 key').fill('com.example.e2e');
      await dialog.getByLabel('Label 1 value').fill('advanced run');
      const cmd = await dialog.getByTestId('run-command').innerText();
      expect(cmd).toContain("--health-cmd 'grep -q db.internal /etc/hosts' --health-interval 1s --health-timeout 5s --health-retries 3");
      expect(cmd).toContain('--dns 192.0.2.53 --dns-search corp.example --add-host db.internal:10.11.12.13 --ulimit nofile=1024:2048');
      expect(cmd).toContain("--label 'com.example.e2e=advanced run'");
      await page.evaluate(() => navigator.clipboard.writeText(''));
      await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(cmd);
      await screenshot('run-advanced');
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await page.getByRole('tab', { name: 'Logs' }).waitFor();

      // Inspect: where the CLI puts them, durations in nanoseconds.
      const info = await engine.client.getContainer(name).inspect();
      expect(info.Config.Healthcheck).toMatchObject({ Test: ['CMD-SHELL', 'grep -q db.internal /etc/hosts'], Interval: 1e9, Timeout: 5e9, Retries: 3 });
      expect(info.HostConfig.Dns).toEqual(['192.0.2.53']);
      expect(info.HostConfig.DnsSearch).toEqual(['corp.example']);
      expect(info.HostConfig.ExtraHosts).toEqual(['db.internal:10.11.12.13']);
      expect(info.HostConfig.Ulimits).toEqual([{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
      expect(info.Config.Labels).toMatchObject({ 'com.example.e2e': 'advanced run' });

      // Inside the container, through the engine.
      expect(docker(['exec', name, 'cat', '/etc/hosts'])).toMatch(/^10\.11\.12\.13\s+db\.internal$/m);
      const resolv = docker(['exec', name, 'cat', '/etc/resolv.conf']);
      expect(resolv).toMatch(/^nameserver 192\.0\.2\.53$/m);
      expect(resolv).toMatch(/^search corp\.example$/m);
      expect(docker(['exec', name, 'grep', 'open files', '/proc/1/limits'])).toMatch(OPEN_FILES);
      // An exec'd process gets the container's limits too. Not asserted on dockerd: its runc 1.1
      // sometimes hands exec'd processes soft = hard for nofile (the Go runtime's raise leaks).
      if (kind === 'berthd') expect(docker(['exec', name, 'sh', '-c', 'ulimit -n; ulimit -Hn']).trim().split(/\s+/)).toEqual(['1024', '2048']);

      // And as a person would, in the app's terminal.
      await page.getByRole('tab', { name: 'Terminals' }).click();
      await page.getByRole('button', { name: 'New shell' }).click();
      await waitForTerminal(page, /[#$]\s*$/m);
      await typeInTerminal(page, 'grep "open files" /proc/1/limits\n');
      await waitForTerminal(page, OPEN_FILES);
      if (kind === 'berthd') {
        await typeInTerminal(page, 'echo "soft=$(ulimit -n) hard=$(ulimit -Hn)"\n');
        await waitForTerminal(page, /^soft=1024 hard=2048\s*$/m);
      }
      await screenshot('run-advanced-terminal');

      // The health chip turns healthy in the list.
      await page.goto(`${app.url}#/containers`);
      const chip = page.locator(`[data-testid=container-row][data-name="${name}"] [data-testid=health-chip]`);
      await expect.poll(() => chip.innerText().catch(() => ''), { timeout: 45_000, interval: 500 }).toBe('healthy');
      expect((await engine.client.getContainer(name).inspect()).State.Health?.Status).toBe('healthy');
      await screenshot('run-advanced-healthy');

      // The copied line, run by the real docker CLI through a shell (its quoting as written), makes
      // a container with the same settings.
      const cliName = `${name}-cli`;
      const line = copied.replace(/^docker run /, `${DOCKER} run --pull never `).replace(`--name ${name} `, `--name ${cliName} `);
      expect(line).toContain(`--name ${cliName} `);
      execFileSync('sh', ['-c', line], { env: { ...process.env, DOCKER_HOST: engine.host }, encoding: 'utf8' });
      try {
        const cli = await engine.client.getContainer(cliName).inspect();
        for (const key of ['Dns', 'DnsSearch', 'ExtraHosts', 'Ulimits', 'NetworkMode'] as const) expect(cli.HostConfig[key], key).toEqual(info.HostConfig[key]);
        expect(cli.Config.Healthcheck).toEqual(info.Config.Healthcheck);
        expect(cli.Config.Labels).toEqual(info.Config.Labels);
        expect(cli.Config.Cmd).toEqual(info.Config.Cmd);
        expect(docker(['exec', cliName, 'grep', 'open files', '/proc/1/limits'])).toMatch(OPEN_FILES);
      } finally {
        await engine.client.getContainer(cliName).remove({ force: true });
      }
      await engine.client.getContainer(name).remove({ force: true });
    });
  });
}

for (const kind of enginesUnderTest()) advancedSuite(kind);
