// Stats stream: the engine's raw samples reduced to what the charts draw.
import type Docker from 'dockerode';
import type { PsiFigures, StatsSample } from '../shared/contract.js';
import { peaks } from './containers.js';
import { engineError } from './errors.js';
import { onJsonLines } from './json-lines.js';
import type { StreamControl, StreamSink } from './stream-types.js';

/** PSI as recent engines put it in stats on cgroup v2 (`psi` beside each resource's figures). */
interface RawPsi { some?: { avg10?: number; total?: number }; full?: { avg10?: number } }

/**
 * A stats document as the engines send it. dockerode's types mark every field present, but the
 * first sample has no precpu figures, cgroup v2 has no failcnt or max_usage, and berthd and podman
 * leave out what they do not measure; dockerode also predates PSI.
 */
export interface RawStats {
  read?: string;
  cpu_stats?: RawCpuStats & { psi?: RawPsi };
  precpu_stats?: RawCpuStats;
  memory_stats?: Partial<Omit<Docker.MemoryStats, 'stats'>> & { stats?: Partial<Docker.MemoryStats['stats']>; psi?: RawPsi };
  blkio_stats?: Partial<Docker.BlkioStats> & { psi?: RawPsi };
  pids_stats?: Docker.PidsStats;
}
type RawCpuStats = Partial<Omit<Docker.CPUStats, 'cpu_usage'>> & { cpu_usage?: Partial<Docker.CPUUsage> };

function psiFigures(p: RawPsi | undefined): PsiFigures | undefined {
  if (!p || typeof p.some?.avg10 !== 'number') return undefined;
  return { someAvg10: p.some.avg10, fullAvg10: p.full?.avg10, someTotalUs: p.some.total };
}

function psiOf(s: RawStats): StatsSample['psi'] {
  const cpu = psiFigures(s.cpu_stats?.psi);
  const memory = psiFigures(s.memory_stats?.psi);
  const io = psiFigures(s.blkio_stats?.psi);
  return cpu || memory || io ? { cpu, memory, io } : undefined;
}

export function sampleFromRaw(s: RawStats): StatsSample {
  const cpu: RawCpuStats = s.cpu_stats ?? {};
  const pre: RawCpuStats = s.precpu_stats ?? {};
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const sysDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const online = cpu.online_cpus ?? cpu.cpu_usage?.percpu_usage?.length ?? 1;
  const mem: NonNullable<RawStats['memory_stats']> = s.memory_stats ?? {};
  // Like `docker stats`: usage without page cache (v1 "total_inactive_file" or v2 "inactive_file").
  const cache = mem.stats?.total_inactive_file ?? mem.stats?.inactive_file ?? 0;
  const blk = s.blkio_stats?.io_service_bytes_recursive ?? [];
  const sum = (op: string) => blk.filter((b) => b.op.toLowerCase() === op).reduce((a, b) => a + b.value, 0);
  return {
    at: Date.parse(s.read ?? '') || Date.now(),
    cpuPercent: sysDelta > 0 && cpuDelta >= 0 ? (cpuDelta / sysDelta) * online * 100 : 0,
    memUsage: Math.max(0, (mem.usage ?? 0) - cache),
    memLimit: mem.limit ?? 0,
    memPeak: mem.max_usage,
    pids: s.pids_stats?.current ?? 0,
    pidsLimit: s.pids_stats?.limit,
    blkRead: sum('read'),
    blkWrite: sum('write'),
    cpuPeriods: cpu.throttling_data?.periods ?? 0,
    throttledPeriods: cpu.throttling_data?.throttled_periods ?? 0,
    throttledTimeNs: cpu.throttling_data?.throttled_time ?? 0,
    memFailcnt: mem.failcnt,
    psi: psiOf(s),
  };
}

export async function openStats(docker: Docker, p: { id: string }, sink: StreamSink<StatsSample>): Promise<StreamControl> {
  const stream = (await docker.getContainer(p.id).stats({ stream: true })) as unknown as NodeJS.ReadableStream & { destroy(): void };
  onJsonLines(stream, (raw) => {
    let sample: StatsSample;
    try {
      sample = sampleFromRaw(raw as RawStats);
    } catch {
      return; // a foreign document; the next sample follows within a second
    }
    peaks.set(p.id, Math.max(peaks.get(p.id) ?? 0, sample.memPeak ?? sample.memUsage));
    sink.data(sample);
  });
  stream.on('end', () => sink.end());
  stream.on('error', (err) => sink.end(engineError(`stats of ${p.id.slice(0, 12)}`, err)));
  return { close: () => stream.destroy() };
}
