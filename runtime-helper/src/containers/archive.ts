// docker cp both ways, export and the path stat header: every path is resolved in the
// container's view (container-view.ts: its root plus its binds and volumes; symlinks followed
// with the container's '/' as root); a path or link climbing above '/' is refused. Reading runs
// the host's tar on a resolved directory and writes its entries again as dockerd's tar has them
// (images/archive/go-tar.ts: Go's USTAR headers, names from the container's own passwd and group
// files, Go's walk order); writing unpacks into an empty temp directory first and then copies
// entry by entry through in-root resolution.
import { spawn } from 'node:child_process';
import { chmodSync, statSync, closeSync, constants as fsConstants, copyFileSync, fstatSync, lchownSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, unlinkSync, utimesSync, lutimesSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { extractLayer } from '../images/extract/extract-layer.js';
import { mountsBelow, resolveInView, type ContainerView, type ViewMount, type ViewPath } from './container-view.js';
import { extract as tarExtract } from 'tar-stream';
import { goTarEnd, goTarHeader, goTarPadding, type GoTarType } from '../images/archive/go-tar.js';
import { ownerNames, type OwnerNames } from '../images/archive/owner-names.js';
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

/** GNU tar of names under dir, in Go's walk order (bytewise by name), owners numeric. */
function spawnTar(dir: string, args: string[]): Readable {
  const child = spawn('tar', ['--numeric-owner', '--sort=name', '-C', dir, '-cf', '-', ...args.slice(0, -1), '--', args[args.length - 1]!], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  child.stderr.resume();
  return child.stdout;
}

/** A file of the container read for its names: in its view, never through a link out of it, never a fifo. */
function readContainerFile(view: ContainerView, path: string): string {
  try {
    const target = resolveInView(view, path, true, true);
    const fd = openSync(target.host, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
    try {
      // What was opened, whatever a running container swapped meanwhile, must lie in its root or mount.
      const opened = readlinkSync(`/proc/self/fd/${fd}`);
      const inside = realpathSync(target.mount ? target.mount.source : view.rootfs);
      const st = fstatSync(fd);
      if (!opened.startsWith(`${inside}/`) || !st.isFile() || st.size > 4 * 1024 * 1024) return '';
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** The names dockerd's tar gives owners: from the container's own /etc/passwd and /etc/group. */
export function containerOwnerNames(view: ContainerView): OwnerNames {
  return ownerNames(readContainerFile(view, '/etc/passwd'), readContainerFile(view, '/etc/group'));
}

const goTypes: Record<string, GoTarType | undefined> = {
  file: 'file', 'contiguous-file': 'file', link: 'link', symlink: 'symlink', directory: 'directory',
  'character-device': 'character-device', 'block-device': 'block-device', fifo: 'fifo',
};

function writeTo(out: PassThrough, chunk: Buffer): Promise<void> | undefined {
  if (out.write(chunk)) return undefined;
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => { out.off('drain', done); out.off('close', closed); if (err) reject(err); else resolve(); };
    const closed = (): void => done(new Error('archive stream closed by the reader'));
    out.once('drain', () => done());
    out.once('close', closed);
  });
}

/** GNU tar's output entry by entry as dockerd's tar (go-tar.ts): renamed, with owner names. */
async function rewriteInto(out: PassThrough, input: Readable, names: OwnerNames, rename: (name: string) => string): Promise<void> {
  const ex = tarExtract();
  input.pipe(ex);
  for await (const entry of ex) {
    const h = entry.header;
    const type = goTypes[h.type ?? 'file'];
    if (!type) { entry.resume(); continue; }
    let name = rename(h.name);
    if (name === '') { entry.resume(); continue; }
    if (type === 'directory' && !name.endsWith('/')) name += '/';
    const size = type === 'file' ? (h.size ?? 0) : 0;
    await writeTo(out, goTarHeader({
      name, type, mode: h.mode ?? 0, uid: h.uid ?? 0, gid: h.gid ?? 0, uname: names.user(h.uid ?? 0), gname: names.group(h.gid ?? 0),
      size, mtime: Math.floor((h.mtime?.getTime() ?? 0) / 1000),
      linkname: type === 'link' && h.linkname ? rename(h.linkname) : (h.linkname ?? ''), devmajor: h.devmajor ?? 0, devminor: h.devminor ?? 0,
    }));
    for await (const chunk of entry) await writeTo(out, chunk as Buffer);
    if (size % 512) await writeTo(out, goTarPadding(size));
  }
}

/** The parts of one archive, each a GNU tar renamed into place, written as dockerd writes them. */
function goArchive(names: OwnerNames, parts: Array<() => { tar: Readable; rename: (name: string) => string }>): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      for (const part of parts) {
        const { tar, rename } = part();
        await rewriteInto(out, tar, names, rename);
      }
      out.end(goTarEnd());
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return out;
}

/** `top` joined with a path below it ('/' as the top gives '/etc', as dockerd names them). */
const underTop = (top: string, rest: string): string => (top === '/' ? `/${rest}` : `${top}/${rest}`);

/**
 * The tar of one resolved path, its base name as the top entry (the root's is '/'). Mounts below
 * a directory are part of it, as the container sees them: the root's tar leaves their mount
 * points out and each mount's own tar is renamed in under its destination.
 */
export function tarOfPath(view: ContainerView, target: ViewPath, requested: string): Readable {
  const hostTop = basename(target.host);
  // Docker names the top entry after the path asked for (a volume's host directory is `_data`).
  const top = target.path === '/' ? '/' : (basename(requested.replace(/\/+$/, '')) || hostTop);
  const nested = lstatSync(target.host).isDirectory() ? mountsBelow(view, target.path) : [];
  const rel = (dest: string): string => dest.slice(target.path === '/' ? 1 : target.path.length + 1);
  const below = (under: string): ViewMount[] => nested.filter((m) => m.destination.startsWith(`${target.path === '/' ? '' : target.path}/${under}/`));
  const exclude = (base: string, mounts: ViewMount[], strip: string): string[] => mounts.flatMap((m) => ['--exclude', `${base}/${rel(m.destination).slice(strip.length)}`]);
  const renameTop = (n: string): string => {
    if (n === hostTop || n === `${hostTop}/`) return top === '/' ? '/' : top + n.slice(hostTop.length);
    return n.startsWith(`${hostTop}/`) ? underTop(top, n.slice(hostTop.length + 1)) : n;
  };
  return goArchive(containerOwnerNames(view), [
    () => ({ tar: spawnTar(dirname(target.host), ['--anchored', '--no-wildcards', ...exclude(hostTop, nested, ''), hostTop]), rename: renameTop }),
    // By destination, bytewise: a mount's directory entry comes before mounts inside it.
    ...[...nested].sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0)).map((m) => () => {
      const r = rel(m.destination);
      // A file mounted on its own (a bind of a file, the /etc files): its one entry.
      if (!statSync(m.source).isDirectory()) {
        const name = basename(m.source);
        return { tar: spawnTar(dirname(m.source), ['--anchored', '--no-wildcards', name]), rename: (n: string) => (n === name ? underTop(top, r) : n) };
      }
      const tar = spawnTar(m.source, ['--anchored', '--no-wildcards', ...exclude('.', below(r), `${r}/`), '.']);
      return { tar, rename: (n: string) => (n === './' || n === '.' ? `${underTop(top, r)}/` : underTop(top, `${r}/${n.replace(/^\.\//, '')}`)) };
    }),
  ]);
}

/** `docker export`: the whole root, names relative to it, owners named from its own files. */
export function exportRootfs(rootfs: string): Readable {
  const view: ContainerView = { rootfs, readonlyRootfs: false, mounts: [] };
  // dockerd's export has no entry for the root itself: its first is '.dockerenv'.
  return goArchive(containerOwnerNames(view), [() => ({ tar: spawnTar(rootfs, ['.']), rename: (n: string) => n.replace(/^\.\/?/, '') })]);
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
    // A file mounted there (a bind of a file, /etc/hosts) cannot be replaced: dockerd's unlink fails.
    if (existing && target.mount && target.path === target.mount.destination) throw new ContainerError(500, `Error processing tar file(exit status 1): unlinkat ${relTarget}: device or resource busy`);
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
