// The supervisor against real child processes: one that crashes at once, one that serves /_ping
// on a unix socket and is killed, and a daemon that was already running.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SupervisorState } from '../shared/contract.js';
import { backoffDelay } from './backoff.js';
import { elevatedLaunchProblem, launchCommand } from './launch-command.js';
import { BerthdSupervisor } from './supervisor.js';
import { berthdArgs } from './berthd-args.js';
import { localBerthd } from './local-berthd.js';
import { SettingsStore } from '../config/settings-store.js';

function getText(socketPath: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ socketPath, path }, (res) => { let b = ''; res.on('data', (c: Buffer) => (b += c)); res.on('end', () => resolve(b)); }).on('error', reject);
  });
}

const PING_DAEMON = `
const http = require('node:http');
const fs = require('node:fs');
const h = process.argv.indexOf('-H');
const sock = h > 0 ? new URL(process.argv[h + 1]).pathname : process.argv[1];
try { fs.unlinkSync(sock); } catch {}
http.createServer((req, res) => { res.end(req.url === '/_ping' ? 'OK' : req.url === '/args' ? JSON.stringify(process.argv.slice(h + 2)) : ''); }).listen(sock);
process.on('SIGTERM', () => process.exit(0));
`;

const dirs: string[] = [];
const sups: BerthdSupervisor[] = [];
afterEach(async () => {
  for (const s of sups.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempSocket(): string {
  const d = mkdtempSync(join(tmpdir(), 'berth-sup-'));
  dirs.push(d);
  return join(d, 'd.sock');
}

/** A daemon that was already answering on the socket when the supervisor started: it is used, not started. */
async function withExternalDaemon(check: (sup: BerthdSupervisor) => Promise<void>): Promise<void> {
  const socket = tempSocket();
  const server: Server = createServer((_req, res) => res.end('OK'));
  await new Promise<void>((r) => server.listen(socket, r));
  try {
    const sup = new BerthdSupervisor({ socketPath: socket, command: '/nonexistent/berthd', args: [] });
    sups.push(sup);
    await sup.start();
    await check(sup);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

function until(sup: BerthdSupervisor, pred: (s: SupervisorState) => boolean, timeoutMs = 10_000): Promise<SupervisorState> {
  return new Promise((resolve, reject) => {
    if (pred(sup.state)) { resolve(sup.state); return; }
    const t = setTimeout(() => { sup.off('state', on); reject(new Error(`supervisor stayed in ${JSON.stringify(sup.state)}`)); }, timeoutMs);
    const on = (s: SupervisorState) => { if (pred(s)) { clearTimeout(t); sup.off('state', on); resolve(s); } };
    sup.on('state', on);
  });
}

describe('backoff policy', () => {
  it('doubles from the initial delay and caps at the maximum', () => {
    const p = { initialMs: 500, factor: 2, maxMs: 3000, stableMs: 10_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, p))).toEqual([500, 1000, 2000, 3000, 3000]);
    expect(backoffDelay(0, p)).toBe(0);
  });

  it('starts berthd directly as root and through pkexec and the launcher otherwise', () => {
    const plan = { command: '/usr/bin/node', args: ['main.js', '-H', 'unix:///s'], launcher: '/usr/libexec/berth/berthd-launch', launcherArgs: ['-H', 'unix:///s'] };
    expect(launchCommand(plan, 0)).toEqual({ command: '/usr/bin/node', args: ['main.js', '-H', 'unix:///s'], elevated: false });
    expect(launchCommand(plan, 1000)).toEqual({ command: 'pkexec', args: ['/usr/libexec/berth/berthd-launch', '-H', 'unix:///s'], elevated: true });
    expect(launchCommand({ command: '/usr/bin/node', args: ['main.js'] }, 1000)).toEqual({ command: 'pkexec', args: ['/usr/bin/node', 'main.js'], elevated: true });
  });
});

describe('BerthdSupervisor', () => {
  it('restarts a daemon that keeps crashing, with growing delays', async () => {
    const sup = new BerthdSupervisor({
      socketPath: tempSocket(), command: process.execPath, args: ['-e', 'setTimeout(() => process.exit(3), 20)'],
      backoff: { initialMs: 100, factor: 2, maxMs: 1000, stableMs: 60_000 },
    });
    sups.push(sup);
    const backoffs: { delay: number; at: number; code: number | null }[] = [];
    const starts: number[] = [];
    sup.on('state', (s) => {
      if (s.phase === 'backoff') backoffs.push({ delay: s.nextRetryMs ?? -1, at: Date.now(), code: s.lastExit?.code ?? null });
      if (s.phase === 'starting') starts.push(Date.now());
    });
    await sup.start();
    await until(sup, (s) => s.restarts >= 4, 15_000);
    expect(backoffs.slice(0, 4).map((b) => b.delay)).toEqual([100, 200, 400, 800]);
    expect(backoffs.every((b) => b.code === 3)).toBe(true);
    // Each relaunch waited at least its delay after the crash.
    for (let i = 0; i < 3; i++) expect((starts[i + 1] as number) - (backoffs[i] as { at: number }).at).toBeGreaterThanOrEqual((backoffs[i] as { delay: number }).delay - 5);
  });

  it('reports running once /_ping answers and brings a killed daemon back', async () => {
    const socket = tempSocket();
    const sup = new BerthdSupervisor({ socketPath: socket, command: process.execPath, args: ['-e', PING_DAEMON, socket], backoff: { initialMs: 50, factor: 2, maxMs: 500, stableMs: 60_000 } });
    sups.push(sup);
    await sup.start();
    const first = await until(sup, (s) => s.phase === 'running');
    expect(first.pid).toBeGreaterThan(0);
    process.kill(first.pid as number, 'SIGKILL');
    const back = await until(sup, (s) => s.phase === 'running' && s.pid !== first.pid);
    expect(back.restarts).toBe(1);
    expect(back.lastExit?.signal).toBe('SIGKILL');
    await sup.stop();
    expect(sup.state.phase).toBe('stopped');
    expect(() => process.kill(back.pid as number, 0)).toThrow();
  });

  it('uses a daemon that already answers instead of starting one', async () => {
    await withExternalDaemon(async (sup) => {
      expect(sup.state.phase).toBe('external');
      expect(sup.state.pid).toBeUndefined();
    });
  });

  it('says why when the daemon binary cannot be started, and keeps retrying', async () => {
    const sup = new BerthdSupervisor({ socketPath: tempSocket(), command: '/nonexistent/berthd', args: [], backoff: { initialMs: 50, factor: 2, maxMs: 200, stableMs: 60_000 }, uid: 0 });
    sups.push(sup);
    await sup.start();
    const s = await until(sup, (x) => x.restarts >= 2);
    expect(s.message ?? '').toMatch(/nonexistent\/berthd|exited/);
  });
});

describe('berthd launch arguments from the settings', () => {
  it('passes each registry mirror as --registry-mirror, and none when the list is empty', () => {
    const none = join(tempSocket(), '..', 'no-daemon.json');
    expect(berthdArgs({ main: 'm.js', host: 'unix:///s.sock', registryMirrors: [], configFile: none }).args).toEqual(['m.js', '-H', 'unix:///s.sock']);
    const two = berthdArgs({ main: 'm.js', host: 'unix:///s.sock', extra: ['--data-root', '/d'], registryMirrors: ['http://127.0.0.1:5000', 'https://m.test'], configFile: none });
    expect(two.args).toEqual(['m.js', '-H', 'unix:///s.sock', '--data-root', '/d', '--registry-mirror', 'http://127.0.0.1:5000', '--registry-mirror', 'https://m.test']);
    expect(two.notes).toEqual([]);
  });

  it('leaves mirrors to a config file that sets them, and says so', () => {
    const file = join(tempSocket(), '..', 'daemon.json');
    writeFileSync(file, JSON.stringify({ 'registry-mirrors': ['https://from-file.test'] }));
    const a = berthdArgs({ main: 'm.js', host: 'unix:///s.sock', registryMirrors: ['http://127.0.0.1:5000'], configFile: file });
    expect(a.args).not.toContain('--registry-mirror');
    expect(a.notes[0]).toMatch(/registry mirrors come from .*daemon\.json/);
    writeFileSync(file, JSON.stringify({ debug: true }));
    expect(berthdArgs({ main: 'm.js', host: 'unix:///s.sock', registryMirrors: ['http://127.0.0.1:5000'], configFile: file }).args).toContain('--registry-mirror');
  });

  it('restart relaunches with the arguments the settings give now', async () => {
    const socket = tempSocket();
    const store = new SettingsStore(null);
    // The daemon is a stand-in (node daemon.cjs -H unix://...) that reports its arguments.
    const main = join(socket, '..', 'daemon.cjs');
    writeFileSync(main, PING_DAEMON);
    const { supervisor } = localBerthd({ store, main, host: `unix://${socket}`, configFile: join(socket, '..', 'none.json') });
    sups.push(supervisor);
    await supervisor.start();
    const first = await until(supervisor, (s) => s.phase === 'running');
    expect(JSON.parse(await getText(socket, '/args'))).toEqual([]);
    store.state.settings.registryMirrors = ['http://127.0.0.1:5999'];
    const after = await supervisor.restart();
    expect(after.phase).toBe('running');
    expect(after.pid).not.toBe(first.pid);
    expect(after.restarts).toBe(first.restarts); // a restart asked for is not a crash
    expect(JSON.parse(await getText(socket, '/args'))).toEqual(['--registry-mirror', 'http://127.0.0.1:5999']);
    expect(() => process.kill(first.pid as number, 0)).toThrow();
  });

  it('refuses to restart a daemon it did not start', async () => {
    await withExternalDaemon(async (sup) => {
      await expect(sup.restart()).rejects.toThrow(/already running when the app started, so the app cannot restart it/);
    });
  });
});

// The elevated path's decisions, with stand-ins for pkexec (a script that refuses, or that runs
// its program) since these tests run as root; e2e/pkexec-supervisor.test.ts runs the real pkexec
// and polkitd as a non-root user.
describe('BerthdSupervisor through pkexec (stand-ins)', () => {
  function script(name: string, body: string): string {
    const file = join(tempSocket(), '..', name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  function launches(sup: BerthdSupervisor): number[] {
    const at: number[] = [];
    sup.on('state', (s) => { if (s.phase === 'starting' && s.pid) at.push(Date.now()); });
    return at;
  }

  it('stops at a refusal (pkexec exit 127) with its words, and asks pkexec no more', async () => {
    const pkexec = script('pkexec', 'echo "Error executing command as another user: Not authorized" >&2; echo "This incident has been reported." >&2; exit 127');
    const sup = new BerthdSupervisor({ socketPath: tempSocket(), command: process.execPath, args: [], launcher: script('launch', 'exit 0'), pkexec, uid: 1000, backoff: { initialMs: 20, factor: 1, maxMs: 20, stableMs: 60_000 } });
    sups.push(sup);
    const at = launches(sup);
    await sup.start();
    const s = await until(sup, (x) => x.phase === 'failed');
    expect(s.message).toBe('pkexec did not start berthd: polkit does not allow this user org.berth.berthd.start (exit 127): Error executing command as another user: Not authorized. Restart engine tries again');
    expect(s.lastExit?.code).toBe(127);
    await new Promise((r) => setTimeout(r, 300));
    expect(at).toHaveLength(1);
    expect(sup.state.phase).toBe('failed');
  });

  it('says a dismissed password request is one (exit 126), and a refused argument (launcher exit 64)', async () => {
    const dismissed = new BerthdSupervisor({ socketPath: tempSocket(), command: process.execPath, args: [], launcher: script('launch', 'exit 0'), pkexec: script('pkexec', 'exit 126'), uid: 1000 });
    sups.push(dismissed);
    await dismissed.start();
    expect((await until(dismissed, (x) => x.phase === 'failed')).message).toMatch(/password request was dismissed \(exit 126\)/);
    const refused = new BerthdSupervisor({ socketPath: tempSocket(), command: process.execPath, args: [], launcher: script('launch', "echo \"berthd-launch: flag '--pidfile' is not one the app may pass\" >&2; exit 64"), pkexec: script('pkexec', 'exec "$@"'), uid: 1000 });
    sups.push(refused);
    await refused.start();
    expect((await until(refused, (x) => x.phase === 'failed')).message).toBe("the berthd launcher refused its arguments: berthd-launch: flag '--pidfile' is not one the app may pass");
  });

  it('gives up after five elevated launches in a row that never answered, with backoff between them', async () => {
    const sup = new BerthdSupervisor({ socketPath: tempSocket(), command: process.execPath, args: [], launcher: script('launch', 'exit 3'), pkexec: script('pkexec', 'exec "$@"'), uid: 1000, backoff: { initialMs: 50, factor: 2, maxMs: 1000, stableMs: 60_000 } });
    sups.push(sup);
    const at = launches(sup);
    const delays: number[] = [];
    sup.on('state', (s) => { if (s.phase === 'backoff') delays.push(s.nextRetryMs ?? -1); });
    await sup.start();
    const s = await until(sup, (x) => x.phase === 'failed');
    expect(s.message).toMatch(/^berthd exited 5 times in a row before answering \/_ping \(last: code 3\); not asking pkexec again until Restart engine/);
    expect(at).toHaveLength(5);
    expect(delays).toEqual([50, 100, 200, 400]);
  });

  it('fails before asking pkexec when pkexec or the launcher is missing', async () => {
    expect(elevatedLaunchProblem({ command: 'pkexec', args: ['/x'], elevated: true }, '/nonexistent')).toMatch(/pkexec is not installed \(Debian package pkexec\)/);
    expect(elevatedLaunchProblem({ command: '/bin/sh', args: ['relative/launch'], elevated: true })).toMatch(/absolute program path/);
    const sup = new BerthdSupervisor({ socketPath: tempSocket(), command: process.execPath, args: [], launcher: '/nonexistent/berthd-launch', pkexec: '/bin/true', uid: 1000 });
    sups.push(sup);
    await sup.start();
    expect(sup.state).toMatchObject({ phase: 'failed', message: expect.stringMatching(/\/nonexistent\/berthd-launch is not installed; run assets\/install-pkexec\.sh as root/) });
  });

  it('stops an elevated daemon by closing its stdin, and restart brings it back from failed', async () => {
    const socket = tempSocket();
    const main = join(socket, '..', 'daemon.cjs');
    // The stand-in daemon ignores SIGTERM: only the closed stdin (the launcher's stop line) ends it.
    writeFileSync(main, `${PING_DAEMON}\nprocess.removeAllListeners('SIGTERM'); process.on('SIGTERM', () => {}); process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`);
    const launcher = script('launch', `[ -e ${socket}.refuse ] && exit 127; exec ${process.execPath} ${main} "$@"`);
    writeFileSync(`${socket}.refuse`, '');
    const sup = new BerthdSupervisor({ socketPath: socket, command: process.execPath, args: ['-H', `unix://${socket}`], launcher, pkexec: script('pkexec', 'exec "$@"'), uid: 1000 });
    sups.push(sup);
    await sup.start();
    await until(sup, (x) => x.phase === 'failed');
    rmSync(`${socket}.refuse`);
    const s = await sup.restart();
    expect(s).toMatchObject({ phase: 'running', message: expect.stringMatching(/through pkexec/) });
    await sup.stop();
    expect(sup.state.phase).toBe('stopped');
    expect(() => process.kill(s.pid as number, 0)).toThrow();
  });
});
