// docker cp both ways, export and the path stat header: every path is resolved in the
// container's view (container-view.ts: its root plus its binds and volumes; symlinks followed
// with the container's '/' as root); a path or link climbing above '/' is refused. Reading uses the host's tar on a resolved directory; writing unpacks into an
// empty temp directory first and then copies entry by entry through in-root resolution.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, lchownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, unlinkSync, utimesSync, lutimesSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { extractLayer } from '../images/extract/extract-layer.js';
import { mountsBelow, resolveInView, type ContainerView, type ViewMount, type ViewPath } from './container-view.js';
import { pack as tarPack, extract as tarExtract } from 'tar-stream';
import { ContainerError, PathEscapeError } from './errors.js';

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

function inView(view: ContainerView, path: string, followLast: boolean, containerId: string): ViewPath {
  try {
    return resolveInView(view, path, followLast, true);
  } catch (e) {
    if (e instanceof PathEscapeError) throw new ContainerError(400, `Could not copy ${path} in container ${containerId}: ${e.message}`);
    throw e;
  }
}

export function statPath(view: ContainerView, path: string, containerId: string): { target: ViewPath; stat: PathStat } {
  if (!path) throw new ContainerError(400, 'path is required');
  const abs = path.startsWith('/') ? path : `/${path}`;
  // A trailing '/' means "the directory": follow a final symlink, as Docker does.
  const target = inView(view, abs, path.endsWith('/'), containerId);
  // A symlink whose target climbs above the root is refused, not quietly clamped.
  inView(view, abs, true, containerId);
  let st;
  try { st = lstatSync(target.host); } catch { throw new ContainerError(404, `Could not find the file ${path} in container ${containerId}`); }
  const linkTarget = st.isSymbolicLink() ? readlinkSync(target.host) : '';
  return { target, stat: { name: basename(path) || '/', size: st.size, mode: goMode(st), mtime: st.mtime.toISOString(), linkTarget } };
}

/** A tar stream of one host path (its base name as the top entry), or of a whole tree. */
export function tarOf(dir: string, names: string[]): Readable {
  const child = spawn('tar', ['--numeric-owner', '-C', dir, '-cf', '-', '--', ...names], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.resume();
  return child.stdout;
}

/**
 * The tar of one resolved path, its base name as the top entry. Mounts below a directory are
 * part of it, as the container sees them: the root's tar leaves their mount points out and each
 * mount's own tar is renamed in under its destination.
 */
export function tarOfPath(view: ContainerView, target: ViewPath, requested: string): Readable {
  const hostTop = basename(target.host);
  // Docker names the top entry after the path asked for (a volume's host directory is `_data`).
  const top = target.path === '/' ? hostTop : (basename(requested.replace(/\/+$/, '')) || hostTop);
  const nested = lstatSync(target.host).isDirectory() ? mountsBelow(view, target.path) : [];
  if (!nested.length && top === hostTop) return tarOf(dirname(target.host), [hostTop]);
  const rel = (dest: string): string => dest.slice(target.path === '/' ? 1 : target.path.length + 1);
  const below = (under: string): ViewMount[] => nested.filter((m) => m.destination.startsWith(`${target.path === '/' ? '' : target.path}/${under}/`));
  const exclude = (base: string, mounts: ViewMount[], strip: string): string[] => mounts.flatMap((m) => ['--exclude', `${base}/${rel(m.destination).slice(strip.length)}`]);
  const out = tarPack();
  void (async () => {
    try {
      const base = spawnTar(dirname(target.host), ['--anchored', '--no-wildcards', ...exclude(hostTop, nested, ''), hostTop]);
      await repack(out, base, (n) => (n === hostTop || n.startsWith(`${hostTop}/`) ? top + n.slice(hostTop.length) : n));
      // Shortest destination first: a mount's directory entry comes before mounts inside it.
      for (const m of [...nested].sort((a, b) => a.destination.length - b.destination.length)) {
        const r = rel(m.destination);
        const inner = spawnTar(m.source, ['--anchored', '--no-wildcards', ...exclude('.', below(r), `${r}/`), '.']);
        await repack(out, inner, (n) => (n === './' || n === '.' ? `${top}/${r}/` : `${top}/${r}/${n.replace(/^\.\//, '')}`));
      }
      out.finalize();
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return out as unknown as Readable; // a streamx readable: pipe() and destroy() are what callers use
}

function spawnTar(dir: string, args: string[]): Readable {
  const child = spawn('tar', ['--numeric-owner', '-C', dir, '-cf', '-', ...args.slice(0, -1), '--', args[args.length - 1]!], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.resume();
  return child.stdout;
}

/** Copies every entry of `input` into `out` under a new name. */
function repack(out: ReturnType<typeof tarPack>, input: Readable, rename: (name: string) => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ex = tarExtract();
    ex.on('entry', (header, stream, next) => {
      const linkname = header.type === 'link' && header.linkname ? rename(header.linkname) : header.linkname;
      const entry = out.entry({ ...header, name: rename(header.name), linkname }, (err) => (err ? reject(err) : next()));
      stream.pipe(entry);
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
    input.pipe(ex);
  });
}

export function exportRootfs(rootfs: string): Readable {
  return tarOf(rootfs, readdirSync(rootfs));
}

/** Copies src (a fresh, trusted temp tree) into dest inside the container root, entry by entry. */
function copyInto(view: ContainerView, src: string, destInRoot: string, containerId: string): void {
  for (const name of readdirSync(src)) {
    const from = join(src, name);
    const st = lstatSync(from);
    const relTarget = posix.join(destInRoot, name);
    const target = resolveInView(view, relTarget, false, true);
    assertWritable(view, target);
    const to = target.host;
    let existing;
    try { existing = lstatSync(to); } catch { existing = undefined; }
    if (st.isDirectory()) {
      if (existing && !existing.isDirectory()) throw new ContainerError(400, `cannot overwrite non-directory ${relTarget} with directory`);
      if (!existing) mkdirSync(to, { mode: st.mode & 0o7777 });
      copyInto(view, from, posix.join(destInRoot, name), containerId);
      // The directory itself: resolve again (it may be a symlink to a directory inside the root).
      const real = resolveInView(view, relTarget, true, true).host;
      lchownSync(real, st.uid, st.gid);
      chmodSync(real, st.mode & 0o7777);
      utimesSync(real, st.atime, st.mtime); // after its entries, which changed it
      continue;
    }
    if (existing?.isDirectory()) throw new ContainerError(400, `cannot overwrite directory ${relTarget} with non-directory`);
    if (existing) unlinkSync(to);
    if (st.isSymbolicLink()) { symlinkSync(readlinkSync(from), to); lutimesSync(to, st.atime, st.mtime); }
    else if (st.isFile()) { copyFileSync(from, to); chmodSync(to, st.mode & 0o7777); utimesSync(to, st.atime, st.mtime); }
    else continue; // device nodes and fifos are not copied in
    lchownSync(to, st.uid, st.gid);
  }
}

/** Docker's refusals: a read-only mount, or the root filesystem of a --read-only container. */
function assertWritable(view: ContainerView, target: ViewPath): void {
  if (target.mount?.readOnly) throw new ContainerError(400, 'mounted volume is marked read-only');
  if (!target.mount && view.readonlyRootfs) throw new ContainerError(403, 'container rootfs is marked read-only');
}

export async function extractInto(view: ContainerView, path: string, body: Readable, containerId: string, scratchDir: string): Promise<void> {
  if (!path) throw new ContainerError(400, 'path is required');
  const abs = path.startsWith('/') ? path : `/${path}`;
  const dest = inView(view, abs, true, containerId);
  let st;
  try { st = lstatSync(dest.host); } catch { throw new ContainerError(404, `Could not find the file ${path} in container ${containerId}`); }
  if (!st.isDirectory()) throw new ContainerError(400, `extraction point is not a directory: ${path}`);
  assertWritable(view, dest);
  mkdirSync(scratchDir, { recursive: true });
  const tmp = mkdtempSync(join(scratchDir, 'cp-'));
  try {
    await extractLayer(body, tmp, { allowDevices: false, allowSetuid: true });
    copyInto(view, tmp, abs, containerId);
  } catch (e) {
    if (e instanceof ContainerError) throw e;
    throw new ContainerError(400, `copy into ${path} in container ${containerId}: ${(e as Error).message}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
