// One stats sample in the Docker API's shape, read from the container's cgroup files (v1 on this
// host's hybrid layout, v2 where the unified tree is the only one).
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const read = (p: string): string | null => { try { return readFileSync(p, 'utf8'); } catch { return null; } };
const num = (p: string): number => Number((read(p) ?? '0').trim().split(/\s+/)[0]) || 0;

/** Host CPU time in nanoseconds, as Docker computes system_cpu_usage from /proc/stat. */
function systemUsage(): number {
  const line = (read('/proc/stat') ?? '').split('\n').find((l) => l.startsWith('cpu ')) ?? '';
  const ticks = line.split(/\s+/).slice(1, 8).reduce((a, b) => a + Number(b), 0);
  return ticks * (1e9 / 100);
}

function keyValues(text: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of (text ?? '').split('\n')) { const [k, v] = l.split(' '); if (k && v) out[k] = Number(v); }
  return out;
}

export interface StatsSample {
  read: string;
  cpu_stats: Record<string, unknown>;
  memory_stats: Record<string, unknown>;
  pids_stats: Record<string, unknown>;
  blkio_stats: Record<string, unknown>;
}

export function sampleStats(cgroupsPath: string): StatsSample {
  const v1 = existsSync(`/sys/fs/cgroup/memory${cgroupsPath}`) || existsSync(`/sys/fs/cgroup/cpuacct${cgroupsPath}`);
  const online = cpus().length;
  if (v1) {
    const cpu = `/sys/fs/cgroup/cpuacct${cgroupsPath}`;
    const mem = `/sys/fs/cgroup/memory${cgroupsPath}`;
    const stat = keyValues(read(`${mem}/memory.stat`));
    const perCpu = (read(`${cpu}/cpuacct.usage_percpu`) ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
    const cpuStat = keyValues(read(`${cpu}/cpuacct.stat`));
    const limit = num(`${mem}/memory.limit_in_bytes`);
    const blk = (read(`/sys/fs/cgroup/blkio${cgroupsPath}/blkio.throttle.io_service_bytes`) ?? '').split('\n')
      .map((l) => l.split(' ')).filter((f) => f.length === 3 && f[0]!.includes(':'))
      .map(([dev, op, value]) => ({ major: Number(dev!.split(':')[0]), minor: Number(dev!.split(':')[1]), op: op!.toLowerCase(), value: Number(value) }));
    return {
      read: new Date().toISOString(),
      cpu_stats: {
        cpu_usage: { total_usage: num(`${cpu}/cpuacct.usage`), percpu_usage: perCpu, usage_in_kernelmode: (cpuStat.system ?? 0) * 1e7, usage_in_usermode: (cpuStat.user ?? 0) * 1e7 },
        system_cpu_usage: systemUsage(), online_cpus: online, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
      },
      memory_stats: {
        usage: num(`${mem}/memory.usage_in_bytes`), max_usage: num(`${mem}/memory.max_usage_in_bytes`),
        limit: Math.min(limit, Number(readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s+(\d+)/)?.[1] ?? 0) * 1024 || limit),
        failcnt: num(`${mem}/memory.failcnt`), stats: stat,
      },
      pids_stats: { current: num(`/sys/fs/cgroup/pids${cgroupsPath}/pids.current`), limit: (() => { const v = (read(`/sys/fs/cgroup/pids${cgroupsPath}/pids.max`) ?? 'max').trim(); return v === 'max' ? 0 : Number(v); })() },
      blkio_stats: { io_service_bytes_recursive: blk.length ? blk : null },
    };
  }
  const base = `/sys/fs/cgroup${cgroupsPath}`;
  const cpuStat = keyValues(read(`${base}/cpu.stat`));
  const memStat = keyValues(read(`${base}/memory.stat`));
  const max = (read(`${base}/memory.max`) ?? 'max').trim();
  return {
    read: new Date().toISOString(),
    cpu_stats: { cpu_usage: { total_usage: (cpuStat.usage_usec ?? 0) * 1000, usage_in_kernelmode: (cpuStat.system_usec ?? 0) * 1000, usage_in_usermode: (cpuStat.user_usec ?? 0) * 1000 }, system_cpu_usage: systemUsage(), online_cpus: online },
    memory_stats: { usage: num(`${base}/memory.current`), limit: max === 'max' ? Number(readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s+(\d+)/)?.[1] ?? 0) * 1024 : Number(max), stats: memStat },
    pids_stats: { current: num(`${base}/pids.current`) },
    blkio_stats: { io_service_bytes_recursive: null },
  };
}
