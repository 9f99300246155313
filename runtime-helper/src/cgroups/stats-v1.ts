// Stats from cgroup v1 files (also the hybrid layout). cpu and cpuacct may be one hierarchy or
// two; the paths say where each is.
import { join } from 'node:path';
import { parseBlkioV1 } from './blkio.js';
import { CgroupError } from './errors.js';
import { parseFlatKeyed, readNumber, readText } from './files.js';
import type { HostSnapshot } from './host.js';
import type { BlkioEntry, CgroupPaths, CgroupStats } from './types.js';

const at = (dir: string | undefined, file: string): string | null => (dir ? join(dir, file) : null);
const num = async (path: string | null): Promise<number | null> => (path ? readNumber(path) : null);
const text = async (path: string | null): Promise<string | null> => (path ? readText(path) : null);
const finite = (n: number | null): number => (n !== null && Number.isFinite(n) ? n : 0);

/** BFQ's recursive counters when the devices use BFQ, else the throttle layer's (always kept). */
async function blkio(
  dir: string | undefined,
  kind: 'io_service_bytes' | 'io_serviced',
): Promise<BlkioEntry[] | null> {
  const bfq = parseBlkioV1(await text(at(dir, `blkio.bfq.${kind}_recursive`)));
  if (bfq.some((e) => e.value > 0)) return bfq;
  const throttle = parseBlkioV1(await text(at(dir, `blkio.throttle.${kind}_recursive`)));
  return throttle.length ? throttle : bfq.length ? bfq : null;
}

export async function readStatsV1(paths: CgroupPaths, host: HostSnapshot): Promise<CgroupStats> {
  const mem = paths.v1.memory;
  const cpuacct = paths.v1.cpuacct ?? paths.v1.cpu;
  const [
    usage,
    maxUsage,
    failcnt,
    limit,
    memStat,
    total,
    percpu,
    cpuacctStat,
    cpuStat,
    pidsCurrent,
    pidsMax,
    bytes,
    ios,
  ] = await Promise.all([
    num(at(mem, 'memory.usage_in_bytes')),
    num(at(mem, 'memory.max_usage_in_bytes')),
    num(at(mem, 'memory.failcnt')),
    num(at(mem, 'memory.limit_in_bytes')),
    text(at(mem, 'memory.stat')),
    num(at(cpuacct, 'cpuacct.usage')),
    text(at(cpuacct, 'cpuacct.usage_percpu')),
    text(at(cpuacct, 'cpuacct.stat')),
    text(at(paths.v1.cpu, 'cpu.stat')),
    num(at(paths.v1.pids, 'pids.current')),
    num(at(paths.v1.pids, 'pids.max')),
    blkio(paths.v1.blkio, 'io_service_bytes'),
    blkio(paths.v1.blkio, 'io_serviced'),
  ]);
  if (usage === null && total === null && pidsCurrent === null) {
    throw new CgroupError(404, `cgroup '${mem ?? cpuacct ?? paths.v1.pids ?? '?'}' does not exist`);
  }
  const ticks = parseFlatKeyed(cpuacctStat);
  const throttle = parseFlatKeyed(cpuStat);
  const percpuUsage = (percpu ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  // Docker reports host memory as the limit of a container without one.
  const memLimit =
    limit === null || !Number.isFinite(limit) || (host.memTotal > 0 && limit > host.memTotal)
      ? host.memTotal
      : limit;
  return {
    cpu_stats: {
      cpu_usage: {
        total_usage: finite(total),
        ...(percpuUsage.length ? { percpu_usage: percpuUsage } : {}),
        usage_in_kernelmode: (ticks.system ?? 0) * 1e7,
        usage_in_usermode: (ticks.user ?? 0) * 1e7,
      },
      system_cpu_usage: host.systemCpuUsage,
      online_cpus: host.onlineCpus,
      throttling_data: {
        periods: throttle.nr_periods ?? 0,
        throttled_periods: throttle.nr_throttled ?? 0,
        throttled_time: throttle.throttled_time ?? 0,
      },
    },
    memory_stats: {
      usage: finite(usage),
      max_usage: finite(maxUsage),
      stats: parseFlatKeyed(memStat),
      failcnt: finite(failcnt),
      limit: memLimit,
    },
    pids_stats: {
      current: finite(pidsCurrent),
      ...(pidsMax !== null && Number.isFinite(pidsMax) ? { limit: pidsMax } : {}),
    },
    blkio_stats: emptyBlkio(bytes, ios),
  };
}

export function emptyBlkio(bytes: BlkioEntry[] | null, ios: BlkioEntry[] | null): CgroupStats['blkio_stats'] {
  return {
    io_service_bytes_recursive: bytes,
    io_serviced_recursive: ios,
    io_queue_recursive: null,
    io_service_time_recursive: null,
    io_wait_time_recursive: null,
    io_merged_recursive: null,
    io_time_recursive: null,
    sectors_recursive: null,
  };
}
