// Finds and reads a container's cgroup files on the host, on cgroup v1, v2 or the hybrid layout
// (v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified), so tests can check that a
// limit landed in the file the kernel really reads.
import { existsSync, readFileSync, readdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

const CGROUP2_SUPER_MAGIC = 0x63677270;
export const CGROUP_ROOT = '/sys/fs/cgroup';

export type CgroupMode = 'v1' | 'hybrid' | 'v2';

export function cgroupMode(root = CGROUP_ROOT): CgroupMode {
  if (statfsSync(root).type === CGROUP2_SUPER_MAGIC) return 'v2';
  const unified = join(root, 'unified');
  return existsSync(unified) && statfsSync(unified).type === CGROUP2_SUPER_MAGIC ? 'hybrid' : 'v1';
}

/** The directory of `cgroupsPath` for a v1 controller, or the v2 directory when mode is v2. */
export function cgroupDir(cgroupsPath: string, controller: string): string {
  return cgroupMode() === 'v2' ? join(CGROUP_ROOT, cgroupsPath) : join(CGROUP_ROOT, controller, cgroupsPath);
}

/** Reads a limit file: the v1 name under its controller, or the v2 name. Trimmed. */
export function readCgroupFile(
  cgroupsPath: string,
  v1: { controller: string; file: string },
  v2File: string,
): string {
  const file =
    cgroupMode() === 'v2'
      ? join(CGROUP_ROOT, cgroupsPath, v2File)
      : join(CGROUP_ROOT, v1.controller, cgroupsPath, v1.file);
  return readFileSync(file, 'utf8').trim();
}

/** Every hierarchy mount point under /sys/fs/cgroup (v1 controllers, named ones, unified). */
export function hierarchies(): string[] {
  if (cgroupMode() === 'v2') return [CGROUP_ROOT];
  return readdirSync(CGROUP_ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(CGROUP_ROOT, d.name))
    .filter((dir) => existsSync(join(dir, 'cgroup.procs')));
}

/** The directories that exist for `cgroupsPath` in any hierarchy (empty when none is left). */
export function existingCgroupDirs(cgroupsPath: string): string[] {
  return hierarchies()
    .map((h) => join(h, cgroupsPath))
    .filter((d) => existsSync(d));
}

/** Host pids in the container's cgroup (the pids controller on v1). */
export function cgroupPids(cgroupsPath: string): number[] {
  const file = join(cgroupDir(cgroupsPath, 'pids'), 'cgroup.procs');
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
}

/** A process's cgroup path for one v1 controller (or the v2 entry "0::"), from /proc/PID/cgroup. */
export function processCgroup(pid: number | 'self', controller: string): string | undefined {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  for (const line of lines) {
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const ctrls = line.slice(a + 1, b);
    if (cgroupMode() === 'v2' ? ctrls === '' : ctrls.split(',').includes(controller))
      return line.slice(b + 1);
  }
  return undefined;
}

/** crun's (and runc's) cpu shares -> cgroup v2 cpu.weight conversion (1024 -> 100). */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  const l = Math.log2(shares);
  const exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return Math.ceil(Math.pow(10, exponent));
}
