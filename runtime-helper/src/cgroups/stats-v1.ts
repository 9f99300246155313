// Stats from cgroup v1 files (also the hybrid layout). cpu and cpuacct may be one hierarchy or
// two; the paths say where each is.
import { join } from 'node:path';
import { parseBlkioV1 } from './blkio.js';
import { CgroupError } from './errors.js';
import { parseFlatKeyed, readNumber, readText } from './files.js';
import type { HostSnapshot } from './host.js';
import { dockerMemoryStats, V1_MEMORY_STAT_KEYS } from './memory-stat-keys.js';
import type { BlkioEntry, BlkioStats, CgroupPaths, CgroupStats } from './types.js';

const at = (dir: string | undefined, file: string): string | null => (dir ? join(dir, file) : null);
const num = async (path: string | null): Promise<number | null> => (path ? readNumber(path) : null);
const text = async (path: string | null): Promise<string | null> => (path ? readText(path) : null);
const finite = (n: number | null): number => (n !== null && Number.isFinite(n) ? n : 0);

/** Docker's lists and the files they come from: CFQ's set when the kernel has it, else the
 * throttle layer's two (which count every device's I/O). */
const CFQ_FILES = {
  io_service_bytes_recursive: 'blkio.io_service_bytes_recursive',
  io_serviced_recursive: 'blkio.io_serviced_recursive',
  io_queue_recursive: 'blkio.io_queued_recursive',
  io_service_time_recursive: 'blkio.io_service_time_recursive',
  io_wait_time_recursive: 'blkio.io_wait_time_recursive',
  io_merged_recursive: 'blkio.io_merged_recursive',
  io_time_recursive: 'blkio.time_recursive',
  sectors_recursive: 'blkio.sectors_recursive',
} as const;

async function blkioStats(dir: string | undefined): Promise<BlkioStats> {
  const out = Object.fromEntries(
    Object.keys(CFQ_FILES).map((k) => [k, [] as BlkioEntry[]]),
  ) as unknown as BlkioStats;
  if (!dir) return out;
  const cfq = (await readText(join(dir, CFQ_FILES.io_serviced_recursive))) !== null;
  if (cfq) {
    for (const [key, file] of Object.entries(CFQ_FILES) as [keyof typeof CFQ_FILES, string][]) {
      out[key] = parseBlkioV1(await readText(join(dir, file)));
    }
  } else {
    out.io_service_bytes_recursive = parseBlkioV1(
      await readText(join(dir, 'blkio.throttle.io_service_bytes_recursive')),
    );
    out.io_serviced_recursive = parseBlkioV1(
      await readText(join(dir, 'blkio.throttle.io_serviced_recursive')),
    );
  }
  return out;
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
    blkio,
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
    blkioStats(paths.v1.blkio),
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
      ...(finite(maxUsage) ? { max_usage: finite(maxUsage) } : {}),
      stats: dockerMemoryStats(parseFlatKeyed(memStat), V1_MEMORY_STAT_KEYS),
      ...(finite(failcnt) ? { failcnt: finite(failcnt) } : {}),
      limit: memLimit,
    },
    pids_stats: {
      current: finite(pidsCurrent),
      ...(pidsMax !== null && Number.isFinite(pidsMax) ? { limit: pidsMax } : {}),
    },
    blkio_stats: blkio,
  };
}

/** v2's shape: Docker fills only io_service_bytes_recursive there. */
export function v2Blkio(bytes: BlkioEntry[] | null): BlkioStats {
  return {
    io_service_bytes_recursive: bytes,
    io_serviced_recursive: null,
    io_queue_recursive: null,
    io_service_time_recursive: null,
    io_wait_time_recursive: null,
    io_merged_recursive: null,
    io_time_recursive: null,
    sectors_recursive: null,
  };
}
