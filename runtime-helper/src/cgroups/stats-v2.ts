// Stats from a cgroup v2 directory: cpu.stat in microseconds, memory.current/max/stat, pids,
// io.stat. Docker reports neither max_usage nor failcnt nor per-CPU usage on v2.
import { join } from 'node:path';
import { parseIoStatV2 } from './blkio.js';
import { CgroupError } from './errors.js';
import { parseFlatKeyed, readNumber, readText } from './files.js';
import type { HostSnapshot } from './host.js';
import { dockerMemoryStats, V2_MEMORY_STAT_KEYS } from './memory-stat-keys.js';
import { v2Blkio } from './stats-v1.js';
import type { CgroupPaths, CgroupStats } from './types.js';

const finite = (n: number | null): number => (n !== null && Number.isFinite(n) ? n : 0);

export async function readStatsV2(paths: CgroupPaths, host: HostSnapshot): Promise<CgroupStats> {
  const dir = paths.unified;
  if (!dir) throw new CgroupError(500, 'cgroup v2 stats need the cgroup2 directory');
  const [cpuStat, current, max, memStat, pidsCurrent, pidsMax, ioStat, procs] = await Promise.all([
    readText(join(dir, 'cpu.stat')),
    readNumber(join(dir, 'memory.current')),
    readNumber(join(dir, 'memory.max')),
    readText(join(dir, 'memory.stat')),
    readNumber(join(dir, 'pids.current')),
    readNumber(join(dir, 'pids.max')),
    readText(join(dir, 'io.stat')),
    readText(join(dir, 'cgroup.procs')),
  ]);
  if (cpuStat === null && procs === null) throw new CgroupError(404, `cgroup '${dir}' does not exist`);
  const cpu = parseFlatKeyed(cpuStat);
  const io = parseIoStatV2(ioStat);
  const limit =
    max === null || !Number.isFinite(max) || (host.memTotal > 0 && max > host.memTotal) ? host.memTotal : max;
  return {
    cpu_stats: {
      cpu_usage: {
        total_usage: (cpu.usage_usec ?? 0) * 1000,
        usage_in_kernelmode: (cpu.system_usec ?? 0) * 1000,
        usage_in_usermode: (cpu.user_usec ?? 0) * 1000,
      },
      system_cpu_usage: host.systemCpuUsage,
      online_cpus: host.onlineCpus,
      throttling_data: {
        periods: cpu.nr_periods ?? 0,
        throttled_periods: cpu.nr_throttled ?? 0,
        throttled_time: (cpu.throttled_usec ?? 0) * 1000,
      },
    },
    memory_stats: {
      usage: finite(current),
      stats: dockerMemoryStats(parseFlatKeyed(memStat), V2_MEMORY_STAT_KEYS),
      limit,
    },
    pids_stats: {
      current: finite(pidsCurrent),
      ...(pidsMax !== null && Number.isFinite(pidsMax) ? { limit: pidsMax } : {}),
    },
    blkio_stats: v2Blkio(io.bytes.length ? io.bytes : null),
  };
}
