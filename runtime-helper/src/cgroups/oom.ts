// OOM counters and memory pressure. v1: memory.oom_control ("oom_kill N", "under_oom 0|1");
// v2: memory.events ("oom N", "oom_kill N"). PSI (memory.pressure) exists only in the cgroup2
// tree, which on a hybrid host is the unified side.
import { join } from 'node:path';
import { parseFlatKeyed, readText } from './files.js';
import type { CgroupPaths, MemoryPressure, OomInfo, PressureLine } from './types.js';

export async function readOom(paths: CgroupPaths): Promise<OomInfo> {
  if (paths.mode === 'v2') {
    const events = parseFlatKeyed(
      paths.unified ? await readText(join(paths.unified, 'memory.events')) : null,
    );
    return { oomKillCount: events.oom_kill ?? 0, oomCount: events.oom ?? 0, underOom: null };
  }
  const control = paths.v1.memory ? await readText(join(paths.v1.memory, 'memory.oom_control')) : null;
  const values = parseFlatKeyed(control);
  return {
    oomKillCount: values.oom_kill ?? 0,
    oomCount: null,
    underOom: control === null ? null : values.under_oom === 1,
  };
}

function parsePressureLine(line: string | undefined): PressureLine | null {
  if (!line) return null;
  const kv = Object.fromEntries(
    line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map((f) => f.split('=') as [string, string]),
  );
  if (kv.avg10 === undefined || kv.total === undefined) return null;
  return {
    avg10: Number(kv.avg10),
    avg60: Number(kv.avg60 ?? 0),
    avg300: Number(kv.avg300 ?? 0),
    total: Number(kv.total),
  };
}

export function parsePressure(text: string): MemoryPressure | null {
  const lines = text.split('\n');
  const some = parsePressureLine(lines.find((l) => l.startsWith('some ')));
  if (!some) return null;
  return { some, full: parsePressureLine(lines.find((l) => l.startsWith('full '))) };
}

/** null on pure v1 (no PSI per cgroup) or when the kernel has PSI off. */
export async function readMemoryPressure(paths: CgroupPaths): Promise<MemoryPressure | null> {
  if (!paths.unified) return null;
  const text = await readText(join(paths.unified, 'memory.pressure'));
  return text === null ? null : parsePressure(text);
}
