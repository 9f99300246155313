// The v2 readers on this host's real cgroup2 mount (/sys/fs/cgroup/unified on this hybrid host;
// it has no controllers enabled, but cpu.stat, cgroup.procs and PSI are there for every cgroup).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCgroupDriver, type CgroupDriver } from './index.js';

const CGROUP2 = 0x63677270;
const cgroup2Root = (): string | null => {
  if (process.getuid?.() !== 0) return null;
  for (const root of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    try {
      if (statfsSync(root).type === CGROUP2) return root;
    } catch {
      /* not mounted */
    }
  }
  return null;
};
const root = cgroup2Root();

describe.runIf(root !== null)('a real cgroup2 directory', () => {
  const name = `/berth-ts-v2-${process.pid}`;
  let cg: CgroupDriver;
  let child: ChildProcess;
  let dir: string;

  beforeAll(async () => {
    cg = createCgroupDriver({ root: root! });
    dir = join(root!, name);
    mkdirSync(dir);
    child = spawn(
      process.execPath,
      [
        '-e',
        "process.stdin.once('data',()=>{const t=Date.now();while(Date.now()-t<200);process.stdout.write('ok\\n')})",
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(join(dir, 'cgroup.procs'), String(child.pid));
    child.stdin!.write('go\n');
    await new Promise((r) => child.stdout!.once('data', r));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    for (let i = 0; dir && existsSync(dir) && i < 50; i++) {
      try {
        rmdirSync(dir);
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });

  it('is detected as v2 and found from the pid', async () => {
    expect(cg.layout.mode).toBe('v2');
    expect((await cg.pathsForPid(child.pid!)).unified).toBe(dir);
  });

  it('reads cpu usage from cpu.stat in nanoseconds', async () => {
    const stats = await cg.stats(cg.pathsFor(name));
    expect(stats.cpu_stats.cpu_usage.total_usage).toBeGreaterThan(20e6); // the 200 ms spin, on a busy host
    expect(stats.cpu_stats.cpu_usage.percpu_usage).toBeUndefined();
    expect(stats.cpu_stats.online_cpus).toBeGreaterThan(0);
  });

  it('reads memory pressure (PSI)', async () => {
    const psi = await cg.memoryPressure(cg.pathsFor(name));
    expect(psi).not.toBeNull();
    expect(psi!.some.total).toBeGreaterThanOrEqual(0);
    expect(psi!.full).not.toBeNull();
  });

  it('puts cpu, memory and io PSI in the stats, between two reads of the files', async () => {
    const totals = (file: string): number[] =>
      readFileSync(join(dir, file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => Number(/total=(\d+)/.exec(l)![1]));
    const before = ['cpu.pressure', 'memory.pressure', 'io.pressure'].map(totals);
    const stats = await cg.stats(cg.pathsFor(name));
    const after = ['cpu.pressure', 'memory.pressure', 'io.pressure'].map(totals);
    const got = [stats.cpu_stats.psi, stats.memory_stats.psi, stats.blkio_stats.psi];
    got.forEach((psi, i) => {
      expect(psi, `resource ${i}`).toBeDefined();
      for (const [j, line] of [psi!.some, psi!.full].entries()) {
        expect(line).toBeDefined();
        expect(line!.total).toBeGreaterThanOrEqual(before[i]![j]!);
        expect(line!.total).toBeLessThanOrEqual(after[i]![j]!);
        expect(line!.avg10).toBeGreaterThanOrEqual(0);
        expect(line!.avg10).toBeLessThanOrEqual(100);
      }
    });
  });

  it('writes pids.max where the controller is enabled, else names it', async () => {
    const controllers = readFileSync(join(dir, 'cgroup.controllers'), 'utf8').split(/\s+/);
    const update = cg.update(cg.pathsFor(name), { pidsLimit: 10 });
    if (controllers.includes('pids')) {
      await update;
      expect(readFileSync(join(dir, 'pids.max'), 'utf8')).toBe('10\n');
    } else {
      await expect(update).rejects.toThrow(/cgroup controller 'pids'/);
    }
  });
});
