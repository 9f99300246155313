// Host-wide numbers the stats need, read from /proc (a root you can point at a fake one):
// system_cpu_usage the way Docker computes it, online CPUs, and total memory (the "limit" of an
// unlimited container).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Nanoseconds of host CPU time: the first seven fields of the "cpu" line, in USER_HZ ticks. */
export function systemCpuUsage(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu ')) ?? '';
  const ticks = line
    .trim()
    .split(/\s+/)
    .slice(1, 8)
    .reduce((sum, v) => sum + Number(v), 0);
  return ticks * 1e7; // 1e9 ns / 100 ticks a second
}

export function onlineCpus(procStat: string): number {
  return procStat.split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
}

export function memTotal(meminfo: string): number {
  const kib = /^MemTotal:\s+(\d+) kB/m.exec(meminfo)?.[1];
  return kib ? Number(kib) * 1024 : 0;
}

export interface HostSnapshot {
  systemCpuUsage: number;
  onlineCpus: number;
  memTotal: number;
}

export async function readHost(procRoot = '/proc'): Promise<HostSnapshot> {
  const [stat, meminfo] = await Promise.all([
    readFile(join(procRoot, 'stat'), 'utf8'),
    readFile(join(procRoot, 'meminfo'), 'utf8'),
  ]);
  return { systemCpuUsage: systemCpuUsage(stat), onlineCpus: onlineCpus(stat), memTotal: memTotal(meminfo) };
}
