// The supervisor against real child processes: one that crashes at once, one that serves /_ping
// on a unix socket and is killed, and a daemon that was already running.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SupervisorState } from '../shared/contract.js';
import { backoffDelay } from './backoff.js';
import { launchCommand } from './launch-command.js';
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

  it('starts berthd directly as root and through pkexec otherwise', () => {
    expect(launchCommand('/usr/bin/node', ['main.js'], 0)).toEqual({ command: '/usr/bin/node', args: ['main.js'], elevated: false });
    expect(launchCommand('/usr/bin/node', ['main.js'], 1000)).toEqual({ command: 'pkexec', args: ['/usr/bin/node', 'main.js'], elevated: true });
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
    const socket = tempSocket();
    const server: Server = createServer((_req, res) => res.end('OK'));
    await new Promise<void>((r) => server.listen(socket, r));
    try {
      const sup = new BerthdSupervisor({ socketPath: socket, command: '/nonexistent/berthd', args: [] });
      sups.push(sup);
      await sup.start();
      expect(sup.state.phase).toBe('external');
      expect(sup.state.pid).toBeUndefined();
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
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
    const socket = tempSocket();
    const server: Server = createServer((_req, res) => res.end('OK'));
    await new Promise<void>((r) => server.listen(socket, r));
    try {
      const sup = new BerthdSupervisor({ socketPath: socket, command: '/nonexistent/berthd', args: [] });
      sups.push(sup);
      await sup.start();
      await expect(sup.restart()).rejects.toThrow(/already running when the app started, so the app cannot restart it/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
