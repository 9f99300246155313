// Reads and updates a real cgroup on this machine (v1 or hybrid): a real process is placed in
// /berth-ts-<pid> in each v1 hierarchy, and the driver must see what the kernel accounts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCgroupDriver, type CgroupDriver } from './index.js';

const GiB = 1024 ** 3;
const CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'pids', 'cpuset', 'blkio'] as const;
const isV1Host = (): boolean => {
  try {
    return process.getuid?.() === 0 && statfsSync('/sys/fs/cgroup/memory').type === 0x27e0eb;
  } catch {
    return false;
  }
};

describe.runIf(isV1Host())('a real v1 cgroup on this host', () => {
  const name = `/berth-ts-${process.pid}`;
  let child: ChildProcess;
  let cg: CgroupDriver;

  beforeAll(async () => {
    cg = createCgroupDriver();
    for (const c of CONTROLLERS) {
      const dir = join(cg.layout.hierarchies[c]!, name);
      mkdirSync(dir);
      if (c === 'cpuset') {
        // A new v1 cpuset is empty; nothing can join it until it has cpus and mems.
        for (const f of ['cpuset.cpus', 'cpuset.mems'])
          writeFileSync(join(dir, f), readFileSync(join(cg.layout.hierarchies.cpuset!, f)));
      }
    }
    // Once in the cgroup (v1 charges memory where it is touched), takes 40 MiB and burns CPU
    // for a moment, so usage is well above zero.
    const script =
      "let b;process.stdin.once('data',()=>{b=Buffer.alloc(40<<20,1);const t=Date.now();while(Date.now()-t<300);" +
      "process.stdout.write('done\\n')});setInterval(()=>b&&b[0]++,1000)";
    child = spawn(process.execPath, ['-e', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    await new Promise((r) => setTimeout(r, 300));
    for (const c of CONTROLLERS)
      writeFileSync(join(cg.layout.hierarchies[c]!, name, 'cgroup.procs'), String(child.pid));
    child.stdin!.write('go\n');
    await new Promise((r) => child.stdout!.once('data', r));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    for (const c of CONTROLLERS) {
      const dir = cg && join(cg.layout.hierarchies[c]!, name);
      for (let i = 0; dir && existsSync(dir) && i < 50; i++) {
        try {
          rmdirSync(dir);
        } catch {
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
  });

  it('finds the same cgroup from the pid as from the path', async () => {
    const fromPid = await cg.pathsForPid(child.pid!);
    const fromPath = cg.pathsFor(name);
    for (const c of CONTROLLERS) expect(fromPid.v1[c]).toBe(fromPath.v1[c]);
  });

  it('reads the kernel accounting in Docker shape', async () => {
    const stats = await cg.stats(cg.pathsFor(name));
    const kernelUsage = Number(
      readFileSync(join(cg.layout.hierarchies.memory!, name, 'memory.usage_in_bytes'), 'utf8'),
    );
    expect(stats.memory_stats.usage).toBeGreaterThan(0);
    expect(Math.abs(stats.memory_stats.usage - kernelUsage)).toBeLessThan(8 << 20);
    expect(stats.memory_stats.stats).toHaveProperty('total_inactive_file');
    expect(stats.cpu_stats.cpu_usage.total_usage).toBeGreaterThan(20e6); // the 300 ms spin, on a busy host
    expect(stats.cpu_stats.cpu_usage.percpu_usage?.length).toBe(stats.cpu_stats.online_cpus);
    expect(stats.cpu_stats.system_cpu_usage).toBeGreaterThan(stats.cpu_stats.cpu_usage.total_usage);
    expect(stats.pids_stats.current).toBeGreaterThanOrEqual(1);
    expect(stats.memory_stats.limit).toBeGreaterThan(GiB); // no limit yet: host memory
  });

  it('writes a live update the kernel reads back, in an order that works', async () => {
    const paths = cg.pathsFor(name);
    const mem = join(cg.layout.hierarchies.memory!, name);
    await cg.update(paths, {
      memory: 256 << 20,
      memorySwap: 512 << 20,
      cpuShares: 256,
      cpuQuota: 50000,
      cpuPeriod: 100000,
      pidsLimit: 40,
      cpusetCpus: '0',
    });
    expect(readFileSync(join(mem, 'memory.limit_in_bytes'), 'utf8')).toBe(`${256 << 20}\n`);
    expect(readFileSync(join(mem, 'memory.memsw.limit_in_bytes'), 'utf8')).toBe(`${512 << 20}\n`);
    expect(readFileSync(join(cg.layout.hierarchies.cpu!, name, 'cpu.shares'), 'utf8')).toBe('256\n');
    expect(readFileSync(join(cg.layout.hierarchies.cpu!, name, 'cpu.cfs_quota_us'), 'utf8')).toBe('50000\n');
    expect(readFileSync(join(cg.layout.hierarchies.pids!, name, 'pids.max'), 'utf8')).toBe('40\n');
    expect(readFileSync(join(cg.layout.hierarchies.cpuset!, name, 'cpuset.cpus'), 'utf8')).toBe('0\n');
    // Lower both below the old limit (memory first), then raise both above the old memsw (swap first).
    await cg.update(paths, { memory: 128 << 20, memorySwap: 128 << 20 });
    await cg.update(paths, { memory: GiB, memorySwap: 2 * GiB });
    expect(readFileSync(join(mem, 'memory.limit_in_bytes'), 'utf8')).toBe(`${GiB}\n`);
    expect(readFileSync(join(mem, 'memory.memsw.limit_in_bytes'), 'utf8')).toBe(`${2 * GiB}\n`);
    const stats = await cg.stats(paths);
    expect(stats.memory_stats.limit).toBe(GiB);
    expect(stats.pids_stats.limit).toBe(40);
  });

  it('refuses a memory limit below what the process uses, leaving the limit alone', async () => {
    const paths = cg.pathsFor(name);
    await expect(cg.update(paths, { memory: 8 << 20 })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/below the container's current memory usage/),
    });
    expect(readFileSync(join(cg.layout.hierarchies.memory!, name, 'memory.limit_in_bytes'), 'utf8')).toBe(
      `${GiB}\n`,
    );
  });

  it('passes the kernel refusal on with file and value', async () => {
    await expect(cg.update(cg.pathsFor(name), { cpusetCpus: '63' })).rejects.toMatchObject({
      message: expect.stringMatching(/^write '.*cpuset\.cpus' \(63\): /),
    });
  });

  it('reads OOM counters (none yet) and no PSI from v1 hierarchies', async () => {
    const paths = cg.pathsFor(name);
    expect(await cg.oom(paths)).toEqual({ oomKillCount: 0, oomCount: null, underOom: false });
    const pressure = await cg.memoryPressure({ ...paths, unified: null });
    expect(pressure).toBeNull();
  });
});

describe.runIf(isV1Host())('a real OOM kill in a v1 memory cgroup', () => {
  const name = `/berth-ts-oom-${process.pid}`;
  let cg: CgroupDriver;
  let dir: string;

  beforeAll(() => {
    cg = createCgroupDriver();
    dir = join(cg.layout.hierarchies.memory!, name);
    mkdirSync(dir);
  });

  afterAll(async () => {
    for (let i = 0; existsSync(dir) && i < 50; i++) {
      try {
        rmdirSync(dir);
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });

  it('counts the kill and tells the watcher', async () => {
    const paths = cg.pathsFor(name);
    await cg.update(paths, { memory: 16 * 1024 * 1024, memorySwap: 16 * 1024 * 1024 });
    const seen: number[] = [];
    const stop = cg.watchOom(paths, (info) => seen.push(info.oomKillCount), 20);
    await new Promise((r) => setTimeout(r, 50)); // the watcher's baseline
    // tail keeps a line that never ends in memory: it grows until the OOM killer ends it.
    const hog = spawn('/bin/sh', ['-c', 'read go; exec tail /dev/zero'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    writeFileSync(join(dir, 'cgroup.procs'), String(hog.pid));
    const exited = new Promise<NodeJS.Signals | null>((r) => hog.once('exit', (_code, signal) => r(signal)));
    hog.stdin!.write('go\n');
    expect(await exited).toBe('SIGKILL');
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(seen).toEqual([1]);
    expect(await cg.oom(paths)).toMatchObject({ oomKillCount: 1, underOom: false });
  });
});
