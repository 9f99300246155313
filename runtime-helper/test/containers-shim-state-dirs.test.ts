// Shim state dirs are per data root (<exec-root>/shims/<hash of the data root>/<id[0:32]>), and
// berthd removes its own stale ones at start: after kill -9 and a restart, a dir whose shim is
// dead and that no container or exec session names is gone, while a running container's dir is
// kept (and the container still answers), an exited container's dir stays until its removal, and
// another data root's folder in the same exec root is not touched while that data root exists
// (once it is gone, its dead shims' dirs and the folder go). A clean stop with no shim left
// removes the folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBerthd, type Berthd } from './support/berthd.js';
import { busyboxImage } from '../../test-support/paths.js';
import { claimShimStateRoot, shimStateRoot } from '../src/containers/shim-state-dirs.js';

const runtimeArgs = process.env.BERTH_CONTAINERS_RUNTIME ? ['--default-runtime', process.env.BERTH_CONTAINERS_RUNTIME] : [];
const execRoot = mkdtempSync(join(tmpdir(), 'berth-sx-'));
let b: Berthd;
let stopped = false;

beforeAll(async () => {
  b = await startBerthd([...runtimeArgs, '--exec-root', execRoot]);
  await b.docker(['import', busyboxImage().tar, 'busybox']);
}, 120_000);

afterAll(async () => {
  if (b && !stopped) {
    const ids = (await b.dockerResult(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await b.dockerResult(['rm', '-f', ...ids]);
    await b.stop();
  }
  rmSync(execRoot, { recursive: true, force: true });
}, 60_000);

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; !(await cond());) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A pid that ran and is gone (what a dead shim's shim.pid holds). */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(r.stdout.toString().trim());
}

/** A state dir as a shim that died before its clean-up leaves it. */
function staleDir(dir: string, withExit: boolean): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'shim.pid'), `${deadPid()}\n`);
  if (withExit) writeFileSync(join(dir, 'exit.json'), JSON.stringify({ exitCode: 0, oomKilled: false }));
  return dir;
}

describe('shim state dirs per data root', () => {
  it('removes its own stale dirs at start, keeps live and named ones, leaves another data root alone', async () => {
    const ours = shimStateRoot(execRoot, b.dataRoot);
    const live = (await b.docker(['run', '-d', '--network', 'none', '--name', 'live', 'busybox', 'sleep', '1000'])).trim();
    await b.docker(['run', '--network', 'none', '--name', 'done', 'busybox', 'true']);
    const done = (await b.docker(['inspect', '-f', '{{.Id}}', 'done'])).trim();
    const liveDir = join(ours, live.slice(0, 32));
    const doneDir = join(ours, done.slice(0, 32));
    expect(existsSync(join(liveDir, 'shim.pid'))).toBe(true);
    expect(existsSync(doneDir)).toBe(true);
    const shimPid = Number(readFileSync(join(liveDir, 'shim.pid'), 'utf8'));
    // The folder is this data root's: only its containers' dirs are in it.
    expect(dirname(ours)).toBe(join(execRoot, 'shims'));
    expect(readdirSync(ours).sort()).toEqual([live.slice(0, 32), done.slice(0, 32), 'data-root'].sort());
    expect(readFileSync(join(ours, 'data-root'), 'utf8')).toBe(`${b.dataRoot}\n`);

    const staleWithExit = staleDir(join(ours, 'de'.repeat(16)), true);
    const staleEmpty = join(ours, 'ad'.repeat(16));
    mkdirSync(staleEmpty);
    const otherDataRoot = join(b.dir, 'another-data-root');
    mkdirSync(otherDataRoot);
    const otherRoot = claimShimStateRoot(execRoot, otherDataRoot);
    expect(otherRoot).not.toBe(ours);
    const others = staleDir(join(otherRoot, 'be'.repeat(16)), true);
    const goneRoot = claimShimStateRoot(execRoot, join(b.dir, 'a-data-root-since-removed'));
    staleDir(join(goneRoot, 'bf'.repeat(16)), true);

    b.child.kill('SIGKILL');
    await until('berthd to die', () => b.child.exitCode !== null || b.child.signalCode !== null);
    const restarted = await startBerthd([...runtimeArgs, '--data-root', b.dataRoot, '--exec-root', execRoot]);
    const old = b;
    b = { ...restarted, dataRoot: old.dataRoot, stop: async () => { const c = await restarted.stop(); await old.stop(); return c; } };

    // restore has run before berthd answers; the clean-up right after it.
    expect(existsSync(staleWithExit)).toBe(false);
    expect(existsSync(staleEmpty)).toBe(false);
    expect(existsSync(liveDir)).toBe(true);
    expect(existsSync(doneDir)).toBe(true);
    expect(existsSync(others)).toBe(true);
    expect(readFileSync(join(others, 'exit.json'), 'utf8')).toContain('exitCode');
    expect(existsSync(goneRoot)).toBe(false);

    // The live container was reconnected through its dir: it runs, execs and stops.
    const state = JSON.parse(await b.docker(['inspect', 'live']))[0].State;
    expect(state.Running).toBe(true);
    expect(await b.docker(['exec', 'live', 'echo', 'ok'])).toBe('ok\n');
    await b.docker(['stop', '-t', '1', 'live']);
    await until('the shim to exit', () => !existsSync(`/proc/${shimPid}`) || /^\S+ \S+ Z/.test(readFileSync(`/proc/${shimPid}/stat`, 'utf8')));
    expect(JSON.parse(await b.docker(['inspect', 'live']))[0].State.ExitCode).toBe(137);
    expect(JSON.parse(await b.docker(['inspect', 'done']))[0].State.ExitCode).toBe(0);

    // Removing a container takes its dir; the other data root's folder is still untouched.
    await b.docker(['rm', 'done']);
    expect(existsSync(doneDir)).toBe(false);
    expect(existsSync(others)).toBe(true);

    // Nothing left in the folder at a clean stop: it goes with berthd.
    await b.docker(['rm', 'live']);
    expect(readdirSync(ours)).toEqual(['data-root']);
    stopped = true;
    await b.stop();
    expect(existsSync(ours)).toBe(false);
    expect(existsSync(others)).toBe(true);
  }, 120_000);
});
