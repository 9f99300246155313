import { describe, expect, it } from 'vitest';
import { v2Blkio } from './stats-v1.js';
import { dockerStatsBody } from './stats-body.js';
import type { CgroupStats } from './types.js';

const sample = (total: number, system: number): CgroupStats => ({
  cpu_stats: {
    cpu_usage: { total_usage: total, usage_in_kernelmode: 0, usage_in_usermode: total },
    system_cpu_usage: system,
    online_cpus: 2,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  },
  memory_stats: { usage: 1, stats: {}, limit: 2 },
  pids_stats: { current: 1 },
  blkio_stats: v2Blkio(null),
});

describe('dockerStatsBody', () => {
  it('has dockerd key order and zero precpu/preread without a previous sample', () => {
    const body = dockerStatsBody(
      { id: 'abc', name: 'web' },
      { at: new Date('2026-01-01T00:00:01Z'), stats: sample(5, 10) },
      null,
    );
    expect(Object.keys(body)).toEqual([
      'read',
      'preread',
      'pids_stats',
      'blkio_stats',
      'num_procs',
      'storage_stats',
      'cpu_stats',
      'precpu_stats',
      'memory_stats',
      'name',
      'id',
    ]);
    expect(body.preread).toBe('0001-01-01T00:00:00Z');
    expect(body.precpu_stats.system_cpu_usage).toBe(0);
    expect(body.name).toBe('/web');
  });

  it('puts the previous sample in precpu_stats, so the CLI can compute a CPU %', () => {
    const body = dockerStatsBody(
      { id: 'abc', name: '/web' },
      { at: new Date('2026-01-01T00:00:02Z'), stats: sample(3e9, 20e9) },
      { at: new Date('2026-01-01T00:00:01Z'), stats: sample(2e9, 18e9) },
    );
    const cpuDelta = body.cpu_stats.cpu_usage.total_usage - body.precpu_stats.cpu_usage.total_usage;
    const systemDelta = body.cpu_stats.system_cpu_usage - body.precpu_stats.system_cpu_usage;
    expect((cpuDelta / systemDelta) * body.cpu_stats.online_cpus * 100).toBe(100);
    expect(body.preread).toBe('2026-01-01T00:00:01.000Z');
    expect(body.name).toBe('/web');
  });
});
