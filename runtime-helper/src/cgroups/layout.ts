// Which cgroup layout a root has (the same rules as the C runtime's cgroup_detect): a cgroup2
// mount is v2; a cgroup2 mount at <root>/unified beside v1 mounts is hybrid; v1 mounts alone are
// v1. A plain directory tree (tests) is read from its shape.
import { existsSync, readdirSync, statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupError } from './errors.js';
import { V1_CONTROLLERS, type CgroupLayout, type V1Controller } from './types.js';

const CGROUP2_SUPER_MAGIC = 0x63677270;
const CGROUP_SUPER_MAGIC = 0x27e0eb;

const fsType = (path: string): number | null => {
  try {
    return statfsSync(path).type;
  } catch {
    return null;
  }
};
const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The mount of a v1 controller: <root>/<name> (a symlink such as cpu -> cpu,cpuacct is fine),
 * or a combined directory like "cpu,cpuacct". */
function findHierarchy(
  root: string,
  controller: V1Controller,
  entries: string[],
  fake: boolean,
): string | null {
  const direct = join(root, controller);
  let found: string | null = isDir(direct) ? direct : null;
  if (!found) {
    const combined = entries.find((e) => e.includes(',') && e.split(',').includes(controller));
    if (combined && isDir(join(root, combined))) found = join(root, combined);
  }
  // An empty directory on the tmpfs is not a mount (hugetlb may live on the cgroup2 side).
  if (found && !fake && fsType(found) !== CGROUP_SUPER_MAGIC) return null;
  return found;
}

export function detectLayout(root = '/sys/fs/cgroup'): CgroupLayout {
  const type = fsType(root);
  if (type === null) throw new CgroupError(500, `statfs '${root}': no such directory`);
  if (type === CGROUP2_SUPER_MAGIC)
    return { mode: 'v2', root, fake: false, hierarchies: {}, unifiedRoot: root };
  const entries = readdirSync(root);
  const unified = join(root, 'unified');
  const realV1 = entries.some((e) => fsType(join(root, e)) === CGROUP_SUPER_MAGIC);
  const realUnified = fsType(unified) === CGROUP2_SUPER_MAGIC;
  const fake = !realV1 && !realUnified;
  const hierarchies: Partial<Record<V1Controller, string>> = {};
  for (const c of V1_CONTROLLERS) {
    const dir = findHierarchy(root, c, entries, fake);
    if (dir) hierarchies[c] = dir;
  }
  const hasV1 = Object.keys(hierarchies).length > 0;
  if (!fake) {
    return realUnified
      ? { mode: 'hybrid', root, fake, hierarchies, unifiedRoot: unified }
      : { mode: 'v1', root, fake, hierarchies, unifiedRoot: null };
  }
  if (!hasV1 && existsSync(join(root, 'cgroup.controllers')))
    return { mode: 'v2', root, fake, hierarchies: {}, unifiedRoot: root };
  if (hasV1 && isDir(unified)) return { mode: 'hybrid', root, fake, hierarchies, unifiedRoot: unified };
  if (hasV1) return { mode: 'v1', root, fake, hierarchies, unifiedRoot: null };
  throw new CgroupError(500, `no cgroup hierarchy found under '${root}'`);
}
