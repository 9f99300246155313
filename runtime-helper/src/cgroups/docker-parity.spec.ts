// The stats this driver reads for a container match what a real dockerd reports for the same
// container (same keys, same shapes, same limits): dockerd runs it, we read its cgroup by pid.
import { execFileSync } from 'node:child_process';
import { existsSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxImage } from '../../../test-support/paths.js';
import { startDockerd, type Dockerd } from '../../../test-support/dockerd.js';
import { createCgroupDriver, dockerStatsBody } from './index.js';
import type { CgroupStats } from './types.js';

const canRun = process.getuid?.() === 0 && existsSync('/usr/sbin/dockerd');

/** The shape of a JSON value: keys and types, numbers and strings blanked. */
const shape = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(shape)
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]))
      : typeof v;

/** Docker's part of a stats object: Berth's `psi` extension (README.md) left out. */
const docker20 = (v: object): object => Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'psi'));

describe.runIf(canRun)('parity with dockerd stats', () => {
  let dockerd: Dockerd;
  let docker: Record<string, unknown>;
  let ours: CgroupStats;

  beforeAll(async () => {
    dockerd = await startDockerd();
    execFileSync('docker', ['-H', dockerd.host, 'import', busyboxImage().tar, 'berth-cg-parity:busybox'], {
      stdio: 'ignore',
    });
    const container = await dockerd.client.createContainer({
      Image: 'berth-cg-parity:busybox',
      Cmd: ['sh', '-c', 'dd if=/dev/zero of=/tmp/x bs=1M count=4 2>/dev/null; exec sleep 600'],
      HostConfig: { Memory: 64 * 1024 * 1024, PidsLimit: 50, CpuShares: 512, NetworkMode: 'none' },
    });
    await container.start();
    await new Promise((r) => setTimeout(r, 1000));
    const pid = (await container.inspect()).State.Pid;
    docker = (await container.stats({ stream: false })) as unknown as Record<string, unknown>;
    const cg = createCgroupDriver();
    ours = await cg.stats(await cg.pathsForPid(pid));
  }, 120_000);

  afterAll(async () => {
    await dockerd?.stop();
    // dockerd leaves its --cgroup-parent behind; remove it (empty now) from every hierarchy.
    const layout = createCgroupDriver().layout;
    for (const dir of [...Object.values(layout.hierarchies), layout.unifiedRoot]) {
      const parent = dir && join(dir, `berth-test-dockerd-${process.pid}`);
      if (parent && existsSync(parent)) rmdirSync(parent);
    }
  }, 60_000);

  it('has the same shape for cpu, memory, pids and blkio', () => {
    for (const key of ['cpu_stats', 'memory_stats', 'pids_stats', 'blkio_stats'] as const) {
      expect(shape(docker20(ours[key])), key).toEqual(shape(docker[key]));
    }
  });

  it('builds a body with the same keys, in the same order (stream=false has a previous sample)', () => {
    const previous = { at: new Date(Date.now() - 1000), stats: ours };
    const body = dockerStatsBody(
      { id: String(docker.id), name: String(docker.name) },
      { at: new Date(), stats: ours },
      previous,
    );
    expect(Object.keys(body)).toEqual(Object.keys(docker));
    expect(shape(docker20(body.precpu_stats))).toEqual(shape(docker.precpu_stats));
    expect(body.name).toBe(docker.name);
  });

  it('reports the same limits and memory.stat keys', () => {
    const dm = docker.memory_stats as CgroupStats['memory_stats'];
    expect(ours.memory_stats.limit).toBe(dm.limit);
    expect(ours.memory_stats.limit).toBe(64 * 1024 * 1024);
    expect(Object.keys(ours.memory_stats.stats)).toEqual(Object.keys(dm.stats));
    expect(ours.memory_stats.stats.hierarchical_memory_limit).toBe(dm.stats.hierarchical_memory_limit);
    expect(ours.pids_stats).toEqual(docker.pids_stats);
    const dc = docker.cpu_stats as CgroupStats['cpu_stats'];
    expect(ours.cpu_stats.online_cpus).toBe(dc.online_cpus);
    expect(ours.cpu_stats.cpu_usage.percpu_usage?.length).toBe(dc.cpu_usage.percpu_usage?.length);
  });

  it('reads the same usage counters (the container is idle)', () => {
    const dm = docker.memory_stats as CgroupStats['memory_stats'];
    const dc = docker.cpu_stats as CgroupStats['cpu_stats'];
    expect(Math.abs(ours.memory_stats.usage - dm.usage)).toBeLessThan(1024 * 1024);
    expect(ours.memory_stats.max_usage).toBe(dm.max_usage);
    expect(Math.abs(ours.cpu_stats.cpu_usage.total_usage - dc.cpu_usage.total_usage)).toBeLessThan(50e6);
    expect(ours.cpu_stats.system_cpu_usage).toBeGreaterThanOrEqual(dc.system_cpu_usage);
  });
});
