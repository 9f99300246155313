// A container's cgroup directories, from its configured cgroupsPath or from a pid's
// /proc/PID/cgroup (which is what the kernel says, even for a container another engine made).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CgroupError } from './errors.js';
import { V1_CONTROLLERS, type CgroupLayout, type CgroupPaths, type V1Controller } from './types.js';

function checkPath(cgroupsPath: string): void {
  if (!cgroupsPath || cgroupsPath.split('/').includes('..') || cgroupsPath.includes('\0')) {
    throw new CgroupError(400, `cgroup path '${cgroupsPath}' must be non-empty and must not contain '..'`);
  }
}

export function pathsForCgroup(layout: CgroupLayout, cgroupsPath: string): CgroupPaths {
  checkPath(cgroupsPath);
  const v1: Partial<Record<V1Controller, string>> = {};
  for (const [controller, dir] of Object.entries(layout.hierarchies) as [V1Controller, string][]) {
    v1[controller] = join(dir, cgroupsPath);
  }
  return {
    mode: layout.mode,
    v1,
    unified: layout.unifiedRoot ? join(layout.unifiedRoot, cgroupsPath) : null,
  };
}

/** Parses /proc/PID/cgroup: "4:memory:/berth/x", "2:cpu,cpuacct:/berth/x", "0::/berth/x". */
export function parseProcCgroup(text: string): { v1: Map<string, string>; unified: string | null } {
  const v1 = new Map<string, string>();
  let unified: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, controllers, path] = m as unknown as [string, string, string, string];
    if (id === '0' && controllers === '') unified = path;
    else for (const c of controllers.split(',')) if (c) v1.set(c, path);
  }
  return { v1, unified };
}

export async function pathsForPid(
  layout: CgroupLayout,
  pid: number,
  procRoot = '/proc',
): Promise<CgroupPaths> {
  if (!Number.isInteger(pid) || pid <= 0) throw new CgroupError(400, `invalid pid ${pid}`);
  let text: string;
  try {
    text = await readFile(join(procRoot, String(pid), 'cgroup'), 'utf8');
  } catch {
    throw new CgroupError(404, `process ${pid} is gone (no ${join(procRoot, String(pid), 'cgroup')})`);
  }
  const parsed = parseProcCgroup(text);
  const v1: Partial<Record<V1Controller, string>> = {};
  for (const controller of V1_CONTROLLERS) {
    const dir = layout.hierarchies[controller];
    const path = parsed.v1.get(controller);
    if (dir && path !== undefined) v1[controller] = join(dir, path);
  }
  const unified =
    layout.unifiedRoot && parsed.unified !== null ? join(layout.unifiedRoot, parsed.unified) : null;
  return { mode: layout.mode, v1, unified };
}
