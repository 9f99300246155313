// An exec session whose shim started but whose session file was never written (berthd killed in
// that moment) is cleaned up by the next berthd: its process and shim are killed and its shim
// state dir (with the process file in it) removed. The moment is made by hand: berth-shim run
// exactly as berthd runs it for an exec, with the process file in place and no session file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBerthd, type Berthd } from './support/berthd.js';
import { busyboxImage, shimBinary } from '../../test-support/paths.js';
import { shimStateRoot } from '../src/containers/shim-state-dirs.js';

const runtimeArgs = process.env.BERTH_CONTAINERS_RUNTIME ? ['--default-runtime', process.env.BERTH_CONTAINERS_RUNTIME] : [];
const execRoot = mkdtempSync(join(tmpdir(), 'berth-xr-'));
let b: Berthd;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  b = await startBerthd([...runtimeArgs, '--exec-root', execRoot]);
  await b.docker(['import', busyboxImage().tar, 'busybox']);
});

afterAll(async () => {
  if (b) {
    const ids = (await b.dockerResult(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await b.dockerResult(['rm', '-f', ...ids]);
    await b.stop();
  }
  for (const c of cleanups) await c();
  rmSync(execRoot, { recursive: true, force: true });
});

/** Alive and not a zombie. */
function running(pid: number): boolean {
  try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

async function until(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(50);
  }
}

function runShim(args: string[]): Promise<{ pid: number; shimPid: number }> {
  return new Promise((resolve, reject) => execFile(shimBinary, args, (err, stdout, stderr) => err ? reject(new Error(`berth-shim: ${stderr}`)) : resolve(JSON.parse(stdout.trim()) as { pid: number; shimPid: number })));
}

describe('orphan exec shims after a berthd restart', () => {
  it('kills and removes an exec shim without a session file; a recorded session survives', async () => {
    const id = (await b.docker(['run', '-d', '--network', 'none', '--name', 'host', 'busybox', 'sleep', '1000'])).trim();
    // A real session, recorded: it must survive the cleanup.
    await b.docker(['exec', '-d', 'host', 'sleep', '1002']);
    const info = JSON.parse(await b.docker(['info', '--format', '{{json .}}'])) as { DefaultRuntime: string; Runtimes: Record<string, { path: string }> };
    const runtime = info.Runtimes[info.DefaultRuntime]!.path;
    // What ExecSessions.start writes before the shim starts: the process file, in the shim's state dir.
    const containerDir = join(b.dataRoot, 'containers', id);
    const spec = JSON.parse(readFileSync(join(containerDir, 'config.json'), 'utf8')) as { process: Record<string, unknown> };
    const execId = 'ab'.repeat(32);
    const stateDir = join(shimStateRoot(execRoot, b.dataRoot), execId.slice(0, 32));
    mkdirSync(stateDir, { mode: 0o700 });
    const processFile = join(stateDir, 'process.json');
    writeFileSync(processFile, JSON.stringify({ ...spec.process, terminal: false, args: ['sleep', '1001'] }));
    const report = await runShim(['--exec', '--process', processFile, '--id', id, '--runtime', runtime, '--runtime-root', join(b.dataRoot, 'runtime', basename(runtime)), '--state-dir', stateDir, '--hold-output']);
    cleanups.push(() => { for (const p of [report.pid, report.shimPid]) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } });
    expect(running(report.pid)).toBe(true);
    expect(running(report.shimPid)).toBe(true);
    expect(readFileSync(`/proc/${report.pid}/cmdline`, 'utf8')).toBe('sleep\x001001\x00');

    b.child.kill('SIGKILL');
    await until(() => b.child.exitCode !== null || b.child.signalCode !== null);
    const restarted = await startBerthd([...runtimeArgs, '--data-root', b.dataRoot, '--exec-root', execRoot]);
    const old = b;
    b = { ...restarted, stop: async () => { await restarted.stop(); rmSync(old.dir, { recursive: true, force: true }); return null; } };

    await until(() => !running(report.pid) && !running(report.shimPid));
    expect(existsSync(stateDir)).toBe(false);
    expect(existsSync(processFile)).toBe(false);
    // The container and its recorded session are untouched.
    expect(JSON.parse(await b.docker(['inspect', 'host']))[0].State.Running).toBe(true);
    const ps = await b.docker(['top', 'host']);
    expect(ps).toContain('sleep 1002');
    expect(ps).not.toContain('sleep 1001');
    expect(await b.docker(['exec', 'host', 'echo', 'ok'])).toBe('ok\n');
  });
});
