// docker cp both ways, export and the path stat header: every path is resolved inside the
// container's root (symlinks followed with that root as '/'); a path or link climbing above the
// root is refused. Reading uses the host's tar on a resolved directory; writing unpacks into an
// empty temp directory first and then copies entry by entry through in-root resolution.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, lchownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, unlinkSync, utimesSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { extractLayer } from '../images/extract/extract-layer.js';
import { resolveInRoot, PathEscapeError } from './safe-path.js';
import { ContainerError } from './errors.js';

export interface PathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

/** Go's os.FileMode bits, which the docker CLI decodes from the stat header. */
function goMode(st: import('node:fs').Stats): number {
  let mode = st.mode & 0o777;
  if (st.isDirectory()) mode |= 0x80000000;
  if (st.isSymbolicLink()) mode |= 0x8000000;
  if (st.isFIFO()) mode |= 0x2000000;
  if (st.isSocket()) mode |= 0x1000000;
  if (st.isCharacterDevice()) mode |= 0x4000000 | 0x200000;
  if (st.isBlockDevice()) mode |= 0x4000000;
  if (st.mode & 0o4000) mode |= 0x800000;
  if (st.mode & 0o2000) mode |= 0x400000;
  if (st.mode & 0o1000) mode |= 0x100000;
  return mode >>> 0;
}

export function resolveForCopy(rootfs: string, path: string, containerId: string): string {
  if (!path) throw new ContainerError(400, 'path is required');
  const abs = path.startsWith('/') ? path : `/${path}`;
  try {
    return resolveInRoot(rootfs, abs, false, true);
  } catch (e) {
    if (e instanceof PathEscapeError) throw new ContainerError(400, `Could not copy ${path} in container ${containerId}: ${e.message}`);
    throw e;
  }
}

function followForCopy(rootfs: string, abs: string, containerId: string): string {
  try {
    return resolveInRoot(rootfs, abs, true, true);
  } catch (e) {
    if (e instanceof PathEscapeError) throw new ContainerError(400, `Could not copy ${abs} in container ${containerId}: ${e.message}`);
    throw e;
  }
}

export function statPath(rootfs: string, path: string, containerId: string): { host: string; stat: PathStat } {
  const abs = path.startsWith('/') ? path : `/${path}`;
  // A trailing '/' means "the directory": follow a final symlink, as Docker does.
  const host = path.endsWith('/') ? followForCopy(rootfs, abs, containerId) : resolveForCopy(rootfs, path, containerId);
  // A symlink whose target climbs above the root is refused, not quietly clamped.
  followForCopy(rootfs, abs, containerId);
  let st;
  try { st = lstatSync(host); } catch { throw new ContainerError(404, `Could not find the file ${path} in container ${containerId}`); }
  const linkTarget = st.isSymbolicLink() ? readlinkSync(host) : '';
  return { host, stat: { name: basename(path) || '/', size: st.size, mode: goMode(st), mtime: st.mtime.toISOString(), linkTarget } };
}

/** A tar stream of one host path (its base name as the top entry), or of a whole tree. */
export function tarOf(dir: string, names: string[]): Readable {
  const child = spawn('tar', ['--numeric-owner', '-C', dir, '-cf', '-', '--', ...names], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.resume();
  return child.stdout;
}

export function tarOfPath(host: string): Readable {
  return tarOf(dirname(host), [basename(host)]);
}

export function exportRootfs(rootfs: string): Readable {
  return tarOf(rootfs, readdirSync(rootfs));
}

/** Copies src (a fresh, trusted temp tree) into dest inside the container root, entry by entry. */
function copyInto(rootfs: string, src: string, destInRoot: string): void {
  for (const name of readdirSync(src)) {
    const from = join(src, name);
    const st = lstatSync(from);
    const relTarget = posix.join(destInRoot, name);
    const to = resolveInRoot(rootfs, relTarget, false, true);
    let existing;
    try { existing = lstatSync(to); } catch { existing = undefined; }
    if (st.isDirectory()) {
      if (existing && !existing.isDirectory()) throw new ContainerError(400, `cannot overwrite non-directory ${relTarget} with directory`);
      if (!existing) mkdirSync(to, { mode: st.mode & 0o7777 });
      copyInto(rootfs, from, posix.join(destInRoot, name));
      // The directory itself: resolve again (it may be a symlink to a directory inside the root).
      const real = resolveInRoot(rootfs, relTarget, true, true);
      lchownSync(real, st.uid, st.gid);
      chmodSync(real, st.mode & 0o7777);
      continue;
    }
    if (existing?.isDirectory()) throw new ContainerError(400, `cannot overwrite directory ${relTarget} with non-directory`);
    if (existing) unlinkSync(to);
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (st.isFile()) { copyFileSync(from, to); chmodSync(to, st.mode & 0o7777); utimesSync(to, st.atime, st.mtime); }
    else continue; // device nodes and fifos are not copied in
    lchownSync(to, st.uid, st.gid);
  }
}

export async function extractInto(rootfs: string, path: string, body: Readable, containerId: string, scratchDir: string): Promise<void> {
  const host = resolveForCopy(rootfs, path, containerId);
  let st;
  try { st = lstatSync(resolveInRoot(rootfs, path.startsWith('/') ? path : `/${path}`, true, true)); } catch { throw new ContainerError(404, `Could not find the file ${path} in container ${containerId}`); }
  if (!st.isDirectory()) throw new ContainerError(400, `extraction point is not a directory: ${path}`);
  void host;
  mkdirSync(scratchDir, { recursive: true });
  const tmp = mkdtempSync(join(scratchDir, 'cp-'));
  try {
    await extractLayer(body, tmp, { allowDevices: false, allowSetuid: true });
    copyInto(rootfs, tmp, path.startsWith('/') ? path : `/${path}`);
  } catch (e) {
    if (e instanceof ContainerError) throw e;
    throw new ContainerError(400, `copy into ${path} in container ${containerId}: ${(e as Error).message}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
