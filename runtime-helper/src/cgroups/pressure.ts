// PSI (pressure stall information) for the stats body: cpu.pressure, memory.pressure and
// io.pressure of the container's cgroup2 directory (v2, or the unified side of a hybrid host,
// where the kernel tracks PSI by each task's cgroup2 membership). Docker's API has no PSI field;
// Berth puts it at cpu_stats.psi, memory_stats.psi and blkio_stats.psi (see README.md).
import { join } from 'node:path';
import { readText } from './files.js';
import { parsePressure } from './oom.js';
import type { CgroupStats, Pressure } from './types.js';

export interface PressureSet {
  cpu?: Pressure;
  memory?: Pressure;
  io?: Pressure;
}

/** Parses one pressure file; undefined when PSI is off or the text is not PSI. */
export function pressureOf(text: string | null): Pressure | undefined {
  const parsed = text === null ? null : parsePressure(text);
  if (!parsed) return undefined;
  return parsed.full ? { some: parsed.some, full: parsed.full } : { some: parsed.some };
}

/** Reads the three pressure files of a cgroup2 directory; empty when there is none (pure v1). */
export async function readPressure(unifiedDir: string | null): Promise<PressureSet> {
  if (!unifiedDir) return {};
  const read = (file: string): Promise<string | null> => readText(join(unifiedDir, file)).catch(() => null);
  const [cpu, memory, io] = await Promise.all([read('cpu.pressure'), read('memory.pressure'), read('io.pressure')]);
  const out: PressureSet = {};
  const c = pressureOf(cpu);
  const m = pressureOf(memory);
  const i = pressureOf(io);
  if (c) out.cpu = c;
  if (m) out.memory = m;
  if (i) out.io = i;
  return out;
}

/** The stats with each resource's `psi` added where there is one (last key, after Docker's own). */
export function withPressure(stats: CgroupStats, p: PressureSet): CgroupStats {
  return {
    ...stats,
    cpu_stats: p.cpu ? { ...stats.cpu_stats, psi: p.cpu } : stats.cpu_stats,
    memory_stats: p.memory ? { ...stats.memory_stats, psi: p.memory } : stats.memory_stats,
    blkio_stats: p.io ? { ...stats.blkio_stats, psi: p.io } : stats.blkio_stats,
  };
}
