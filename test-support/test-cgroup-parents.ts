// Global teardown of the integration project: the parent cgroups that only tests name
// (`/berth-test/...`, and `/berth.slice/berth-cli.slice` from the --systemd-cgroup test) are
// removed once every file ran, in every hierarchy, deepest first. Runtimes keep parents they made
// (as runc and crun do), so nothing else would. rmdir removes only an empty cgroup: one that still
// holds a process or a child (something a test left running) stays, and so does the product's own
// `/berth`, which a berthd on this host may be using.
import { readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';
const TEST_PARENTS = ['berth-test', 'berth.slice/berth-cli.slice', 'berth.slice'];

/** The directories of each cgroup mount under /sys/fs/cgroup (v1 hierarchies and the v2 one). */
function hierarchies(): string[] {
  const found: string[] = [];
  const visit = (dir: string, depth: number): void => {
    let names: string[];
    try { names = readdirSync(dir); } catch { return; }
    if (names.includes('cgroup.procs')) { found.push(dir); return; }
    if (depth > 0) for (const n of names) { const p = join(dir, n); try { if (statSync(p).isDirectory()) visit(p, depth - 1); } catch { /* gone */ } }
  };
  visit(CGROUP_ROOT, 1);
  return found;
}

/** Removes `dir` and its empty descendants, deepest first; returns the paths removed. */
function removeEmptyTree(dir: string): string[] {
  let names: string[];
  try { names = readdirSync(dir); } catch { return []; }
  const removed: string[] = [];
  for (const n of names) {
    const p = join(dir, n);
    try { if (statSync(p).isDirectory()) removed.push(...removeEmptyTree(p)); } catch { /* gone */ }
  }
  try { rmdirSync(dir); removed.push(dir); } catch { /* still in use, or not a cgroup dir */ }
  return removed;
}

export function removeTestCgroupParents(): string[] {
  const removed: string[] = [];
  for (const h of hierarchies()) for (const parent of TEST_PARENTS) removed.push(...removeEmptyTree(join(h, parent)));
  return removed;
}

export default function setup(): () => void {
  return () => { removeTestCgroupParents(); };
}
