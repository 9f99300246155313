// berthd killed with -9 and started again: a container created but never started comes back as
// it was (inspect's GraphDriver included); a container whose shim was killed while berthd was
// down is ended and recorded as exited (its restart policy still applies), and no OOM watch is
// left on a dead cgroup, while the containers that still have their shim keep theirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBerthd, runDocker, type Berthd } from './support/berthd.js';
import { removeContainersAndStop } from './support/berthd-suite.js';
import { busyboxImage } from '../../test-support/paths.js';

let berth: Berthd;

async function ok(args: string[]): Promise<string> {
  const r = await runDocker(berth.host, args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
const inspect = async (name: string): Promise<Record<string, any>> => JSON.parse(await ok(['inspect', name]))[0]; // eslint-disable-line @typescript-eslint/no-explicit-any

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** berthd's open descriptors on a container's OOM counter file (the v1 watch keeps one open). */
const counterFds = (pid: number, id: string): number => readdirSync(`/proc/${pid}/fd`).filter((fd) => {
  try { return /\/([0-9a-f]{64})\/memory\.(oom_control|events)$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] === id; } catch { return false; }
}).length;

/** A live process (a zombie is not: the kernel has ended it, only its parent's wait is missing). */
function alive(pid: number): boolean {
  try { return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

const parentOf = (pid: number): number => Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

const memoryCgroup = (id: string): string => `/sys/fs/cgroup/memory/berth/${id}`;

async function killBerthdAndRestart(whileDown: () => Promise<void> | void): Promise<void> {
  berth.child.kill('SIGKILL');
  await until('berthd to die', () => berth.child.exitCode !== null || berth.child.signalCode !== null);
  await whileDown();
  const restarted = await startBerthd(['--data-root', berth.dataRoot]);
  const old = berth;
  // The data root is the first berthd's (startBerthd's own temp one is overridden by ours).
  berth = { ...restarted, dataRoot: old.dataRoot, stop: async () => { const c = await restarted.stop(); await old.stop(); return c; } };
}

beforeAll(async () => {
  berth = await startBerthd();
  await ok(['import', busyboxImage().tar, 'busybox']);
}, 120_000);

afterAll(async () => { if (berth) await removeContainersAndStop(berth); }, 60_000);

describe('berthd restart', () => {
  it('a created, never started container inspects the same after kill -9 and restart (GraphDriver too), and starts', async () => {
    await ok(['create', '--name', 'fresh', '--network', 'none', '-v', '/data', 'busybox', 'sh', '-c', 'echo started; ls /data']);
    const before = await inspect('fresh');
    expect(before.GraphDriver.Data.MergedDir).toMatch(/\/merged$/);
    expect(before.GraphDriver.Data.UpperDir).toMatch(/\/upper$/);
    await killBerthdAndRestart(() => undefined);
    const after = await inspect('fresh');
    expect(after).toEqual(before);
    const ps = (await ok(['ps', '-a', '--size', '--filter', 'name=fresh', '--format', '{{.Status}} {{.Size}}'])).trim();
    expect(ps).toMatch(/^Created 0B/);
    expect(await ok(['start', '-a', 'fresh'])).toBe('started\n');
  });

  it('a shim killed while berthd is down: the container is ended and shows exited, its restart policy applies, no OOM watch is left', async () => {
    const LIMIT = ['-m', '32m', '--memory-swap', '32m', '--network', 'none'];
    const lone = (await ok(['run', '-d', '--name', 'lone', ...LIMIT, 'busybox', 'sleep', '300'])).trim();
    const both = (await ok(['run', '-d', '--name', 'both', ...LIMIT, 'busybox', 'sleep', '300'])).trim();
    const back = (await ok(['run', '-d', '--name', 'back', '--restart', 'always', ...LIMIT, 'busybox', 'sleep', '300'])).trim();
    const kept = (await ok(['run', '-d', '--name', 'kept', ...LIMIT, 'busybox', 'sleep', '300'])).trim();
    const pids: Record<string, { pid: number; shim: number }> = {};
    for (const [name, id] of Object.entries({ lone, both, back, kept })) {
      const pid = (await inspect(name)).State.Pid as number;
      const shim = parentOf(pid);
      expect(readFileSync(`/proc/${shim}/cmdline`, 'utf8')).toContain('berth-shim');
      expect(counterFds(berth.child.pid!, id), `${name} watched while it runs`).toBe(1);
      pids[name] = { pid, shim };
    }
    await killBerthdAndRestart(async () => {
      // lone and back lose their shim only (their process goes on, orphaned); both loses both.
      for (const name of ['lone', 'both', 'back']) process.kill(pids[name]!.shim, 'SIGKILL');
      process.kill(pids.both!.pid, 'SIGKILL');
      await until('the shims to be gone', () => ['lone', 'both', 'back'].every((n) => !alive(pids[n]!.shim)));
      expect(alive(pids.lone!.pid)).toBe(true);
    });

    for (const name of ['lone', 'both']) {
      const s = (await inspect(name)).State;
      expect(s, name).toMatchObject({ Status: 'exited', Running: false, Pid: 0, ExitCode: 255 });
      expect(s.Error, name).toMatch(/shim died/);
      expect(alive(pids[name]!.pid), `${name}'s process ended`).toBe(false);
    }
    await until('the cgroups of the ended containers to be removed', () => !existsSync(memoryCgroup(lone)) && !existsSync(memoryCgroup(both)));
    expect(counterFds(berth.child.pid!, lone)).toBe(0);
    expect(counterFds(berth.child.pid!, both)).toBe(0);
    expect((await ok(['ps', '-a', '--filter', 'name=lone', '--format', '{{.Status}}'])).trim()).toMatch(/^Exited \(255\)/);

    // --restart always: ended, then started again under a new shim, with a new watch.
    await until('back to restart', async () => { const c = await inspect('back'); return c.State.Running && c.RestartCount === 1; });
    const backNow = (await inspect('back')).State.Pid as number;
    expect(backNow).not.toBe(pids.back!.pid);
    expect(alive(pids.back!.pid)).toBe(false);
    expect(readFileSync(`/proc/${parentOf(backNow)}/cmdline`, 'utf8')).toContain('berth-shim');
    await until('back\'s OOM watch', () => counterFds(berth.child.pid!, back) === 1);

    // kept still has its shim: reconnected, still running, still watched.
    expect((await inspect('kept')).State).toMatchObject({ Running: true, Pid: pids.kept!.pid });
    expect(counterFds(berth.child.pid!, kept)).toBe(1);
    expect(await ok(['exec', 'kept', 'echo', 'here'])).toBe('here\n');

    // The ended ones can be started again (a new shim) and removed.
    await ok(['start', 'lone']);
    expect((await inspect('lone')).State.Running).toBe(true);
    await until('lone\'s OOM watch', () => counterFds(berth.child.pid!, lone) === 1);
    await ok(['rm', '-f', 'lone', 'both', 'back', 'kept']);
    expect(counterFds(berth.child.pid!, lone) + counterFds(berth.child.pid!, back) + counterFds(berth.child.pid!, kept)).toBe(0);
  });

  it('without berth-shim (BERTH_SHIM=none) a container that outlived berthd is kept running, and recorded exited when it ends', async () => {
    const saved = process.env.BERTH_SHIM;
    process.env.BERTH_SHIM = 'none';
    const plain = await startBerthd().finally(() => { if (saved === undefined) delete process.env.BERTH_SHIM; else process.env.BERTH_SHIM = saved; });
    try {
      const run = (args: string[]) => runDocker(plain.host, args);
      expect((await run(['import', busyboxImage().tar, 'busybox'])).code).toBe(0);
      expect((await run(['run', '-d', '--name', 'orphan', '--network', 'none', 'busybox', 'sleep', '300'])).code).toBe(0);
      const pid = JSON.parse((await run(['inspect', 'orphan'])).stdout)[0].State.Pid as number;
      plain.child.kill('SIGKILL');
      await until('berthd to die', () => plain.child.exitCode !== null || plain.child.signalCode !== null);
      process.env.BERTH_SHIM = 'none';
      const again = await startBerthd(['--data-root', plain.dataRoot]).finally(() => { if (saved === undefined) delete process.env.BERTH_SHIM; else process.env.BERTH_SHIM = saved; });
      try {
        const state = async () => JSON.parse((await runDocker(again.host, ['inspect', 'orphan'])).stdout)[0].State;
        expect(await state()).toMatchObject({ Running: true, Pid: pid });
        expect(alive(pid)).toBe(true);
        process.kill(pid, 'SIGKILL');
        await until('the orphan to be recorded exited', async () => (await state()).Running === false);
        expect(await state()).toMatchObject({ Status: 'exited', ExitCode: 255 });
        expect((await runDocker(again.host, ['rm', 'orphan'])).code).toBe(0);
      } finally {
        await again.stop();
      }
    } finally {
      await plain.stop();
    }
  });

  it('a container that exited while berthd was down keeps its exit code and gets no OOM watch', async () => {
    const id = (await ok(['run', '-d', '--name', 'quits', '-m', '32m', '--network', 'none', 'busybox', 'sh', '-c', 'while [ ! -e /tmp/quit ]; do sleep 0.05; done; exit 7'])).trim();
    const pid = (await inspect('quits')).State.Pid as number;
    await killBerthdAndRestart(async () => {
      writeFileSync(`/proc/${pid}/root/tmp/quit`, ''); // through its /proc root
      await until('quits to exit', () => !alive(pid));
    });
    expect((await inspect('quits')).State).toMatchObject({ Status: 'exited', ExitCode: 7, Error: '' });
    await until('its cgroup to be removed', () => !existsSync(memoryCgroup(id)));
    expect(counterFds(berth.child.pid!, id)).toBe(0);
    await ok(['rm', 'quits']);
  });
});
