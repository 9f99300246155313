// A container's init layer, as dockerd's (daemon/initlayer): a read-only layer between the image
// and the container's writable one, holding what every container has whatever its image does:
// /.dockerenv (which scripts test to know they run in a container), the mount points of /proc,
// /sys, /dev/pts, /dev/shm, /dev/console and of the /etc files berthd binds in, and /etc/mtab
// pointing at /proc/mounts. Being below the writable layer, none of it shows in `docker diff` or
// goes into a commit; `docker export` (the merged tree) has it, as with dockerd.
import { chmodSync, closeSync, existsSync, lchownSync, lstatSync, lutimesSync, mkdirSync, openSync, renameSync, rmSync, symlinkSync, type Stats } from 'node:fs';
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

/** Every path the init layer holds, parents before children. */
export const initLayerPaths: readonly string[] = ['.dockerenv', 'dev', 'dev/console', 'dev/pts', 'dev/shm', 'etc', 'etc/hostname', 'etc/hosts', 'etc/mtab', 'etc/resolv.conf', 'proc', 'sys'];
const initPathSet = new Set(initLayerPaths);

/** The init layer's own entry for `rel`, or null; never looks past the layer (its paths are known). */
export function initLayerLookup(initDir: string, rel: string): Stats | null {
  if (!initPathSet.has(rel)) return null;
  try { return lstatSync(join(initDir, rel)); } catch { return null; }
}

/**
 * Lays the init layer over a copied root (vfs, which has no layers to stack): each of its paths
 * replaces what the image had there, as overlay's upper entry hides a lower one; a directory
 * keeps the image's contents. Parents are made real directories first, so nothing the image
 * holds (a symlinked /etc) is ever followed. Every entry ends with the init layer's own mode,
 * owner and times, so `docker diff` and a commit (which compare with the layers) leave it out.
 */
export function overlayInitLayer(initDir: string, root: string): void {
  for (const rel of initLayerPaths) {
    const src = lstatSync(join(initDir, rel));
    const dest = join(root, rel);
    let existing: Stats | undefined;
    try { existing = lstatSync(dest); } catch { existing = undefined; }
    if (src.isDirectory()) {
      if (existing && !existing.isDirectory()) rmSync(dest, { recursive: true, force: true });
      if (!existing || !existing.isDirectory()) mkdirSync(dest, { mode: src.mode & 0o7777 });
    } else {
      if (existing) rmSync(dest, { recursive: true, force: true });
      if (src.isSymbolicLink()) symlinkSync('/proc/mounts', dest);
      else closeSync(openSync(dest, 'wx', src.mode & 0o7777));
    }
  }
  // Owners, modes and times last, children before parents (writing in a directory changes its
  // times). Times to the whole millisecond in both, so the copy's compare equal to the layer's.
  for (const rel of [...initLayerPaths].reverse()) {
    const src = lstatSync(join(initDir, rel));
    const dest = join(root, rel);
    const time = new Date(Math.floor(src.mtimeMs));
    lutimesSync(join(initDir, rel), time, time);
    lchownSync(dest, src.uid, src.gid);
    if (!src.isSymbolicLink()) chmodNoFollow(dest, src.mode & 0o7777);
    lutimesSync(dest, time, time);
  }
}

/** chmod of an entry just made a real file or directory by overlayInitLayer (never a link). */
function chmodNoFollow(path: string, mode: number): void {
  if (lstatSync(path).isSymbolicLink()) return;
  chmodSync(path, mode);
}
