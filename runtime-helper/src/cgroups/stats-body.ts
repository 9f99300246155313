// The whole body of GET /containers/{id}/stats from two cgroup samples, with dockerd's key order
// and its zero values: the CLI's CPU % is (cpu delta / system delta) x online CPUs x 100, so the
// previous sample goes in precpu_stats (zeroes and the zero time when there is none yet).
import type { CgroupStats, CpuStats } from './types.js';

export interface StatsSample {
  at: Date;
  stats: CgroupStats;
}

export interface DockerStatsBody extends CgroupStats {
  read: string;
  preread: string;
  num_procs: number;
  storage_stats: Record<string, never>;
  precpu_stats: CpuStats;
  name: string;
  id: string;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

const zeroCpu = (): CpuStats => ({
  cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
  system_cpu_usage: 0,
  online_cpus: 0,
  throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
});

export function dockerStatsBody(
  container: { id: string; name: string },
  current: StatsSample,
  previous: StatsSample | null,
): DockerStatsBody {
  const s = current.stats;
  return {
    read: current.at.toISOString(),
    preread: previous ? previous.at.toISOString() : ZERO_TIME,
    pids_stats: s.pids_stats,
    blkio_stats: s.blkio_stats,
    num_procs: 0,
    storage_stats: {},
    cpu_stats: s.cpu_stats,
    precpu_stats: previous ? previous.stats.cpu_stats : zeroCpu(),
    memory_stats: s.memory_stats,
    name: container.name.startsWith('/') ? container.name : `/${container.name}`,
    id: container.id,
  };
}
