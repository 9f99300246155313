// A container's init layer, as dockerd's (daemon/initlayer): a read-only layer between the image
// and the container's writable one, holding what every container has whatever its image does:
// /.dockerenv (which scripts test to know they run in a container), the mount points of /proc,
// /sys, /dev/pts, /dev/shm, /dev/console and of the /etc files berthd binds in, and /etc/mtab
// pointing at /proc/mounts. Being below the writable layer, none of it shows in `docker diff` or
// goes into a commit; `docker export` (the merged tree) has it, as with dockerd.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const DIRS = ['dev/pts', 'dev/shm', 'proc', 'sys', 'etc'];
const FILES = ['.dockerenv', 'etc/resolv.conf', 'etc/hosts', 'etc/hostname', 'dev/console'];

/**
 * Makes the init layer at `dir` unless it is there: built beside it and renamed into place, so a
 * crash never leaves half of one. Snapshots made before berthd had init layers get one at their
 * next mount.
 */
export function ensureInitLayer(dir: string): void {
  if (existsSync(dir)) return;
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const d of DIRS) mkdirSync(join(tmp, d), { recursive: true, mode: 0o755 });
  // Empty, mode 0755, as dockerd makes them.
  for (const f of FILES) closeSync(openSync(join(tmp, f), 'wx', 0o755));
  symlinkSync('/proc/mounts', join(tmp, 'etc/mtab'));
  renameSync(tmp, dir);
}
