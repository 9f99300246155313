// The filesystem as the container sees it, resolved on the host: its root plus the binds and
// volumes mounted into it. A container path maps to the mount whose destination is its longest
// prefix (else the root); every component is looked up through that mapping, symlinks are
// followed with the container's '/' as their root, and '..' never climbs above it. So docker cp
// reaches volumes and binds as dockerd's does, and a link inside a volume can point anywhere in
// the container but never out of it. (tmpfs mounts have no host side: the root's directory is
// used, as dockerd 20.10 does.)
import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import type { ResolvedMount } from '../oci/from-docker-config.js';
import { PathEscapeError } from './errors.js';

const MAX_LINKS = 40;

export interface ViewMount { destination: string; source: string; readOnly: boolean }

export interface ContainerView {
  rootfs: string;
  readonlyRootfs: boolean;
  /** Longest destination first, so the first match is the longest prefix. */
  mounts: ViewMount[];
}

export interface ViewPath {
  /** The host path. */
  host: string;
  /** The normalized container path it stands for (no symlinks in its parent components). */
  path: string;
  /** The mount holding it; null for the container's root filesystem. */
  mount: ViewMount | null;
}

export function containerView(rootfs: string, mounts: readonly ResolvedMount[], readonlyRootfs: boolean): ContainerView {
  const withSource = mounts
    .filter((m) => (m.type === 'bind' || m.type === 'volume') && m.source.startsWith('/'))
    .map((m) => ({ destination: posix.normalize(m.destination), source: m.source, readOnly: m.readOnly }))
    .sort((a, b) => b.destination.length - a.destination.length);
  return { rootfs, readonlyRootfs, mounts: withSource };
}

/** The mount holding `path` (normalized, absolute) and its host path. */
export function mapPath(view: ContainerView, path: string): ViewPath {
  for (const m of view.mounts) {
    if (path === m.destination) return { host: m.source, path, mount: m };
    if (path.startsWith(`${m.destination}/`)) return { host: posix.join(m.source, path.slice(m.destination.length)), path, mount: m };
  }
  return { host: posix.join(view.rootfs, path), path, mount: null };
}

export function isMountPoint(view: ContainerView, path: string): boolean {
  return view.mounts.some((m) => m.destination === path);
}

/** Mount destinations strictly below `dir` (a normalized container path). */
export function mountsBelow(view: ContainerView, dir: string): ViewMount[] {
  const prefix = dir === '/' ? '/' : `${dir}/`;
  return view.mounts.filter((m) => m.destination.startsWith(prefix) && m.destination !== dir);
}

/**
 * Resolves `path` in the container's view. `followLast` false: a final symlink is not followed
 * (lstat semantics). `strict`: a path or link that climbs above '/' is refused (PathEscapeError)
 * rather than clamped. Missing components are kept, so a path to be created resolves too.
 */
export function resolveInView(view: ContainerView, path: string, followLast = true, strict = false): ViewPath {
  const parts = (strict ? path : posix.normalize('/' + path)).split('/').filter(Boolean);
  const resolved: string[] = [];
  let links = 0;
  while (parts.length) {
    const part = parts.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      if (strict && resolved.length === 0) throw new PathEscapeError(`${path} points outside the container's root`);
      resolved.pop();
      continue;
    }
    const candidate = `/${[...resolved, part].join('/')}`;
    // A mount point is what the kernel mounted there, never a link to follow.
    if (isMountPoint(view, candidate)) { resolved.push(part); continue; }
    const isLast = parts.length === 0;
    let st;
    try { st = lstatSync(mapPath(view, candidate).host); } catch { resolved.push(part); continue; }
    if (st.isSymbolicLink() && (!isLast || followLast)) {
      if (++links > MAX_LINKS) throw new PathEscapeError(`resolve ${path} in container: too many symbolic links`);
      const target = readlinkSync(mapPath(view, candidate).host);
      if (target.startsWith('/')) resolved.length = 0;
      parts.unshift(...target.split('/').filter(Boolean));
      continue;
    }
    resolved.push(part);
  }
  return mapPath(view, `/${resolved.join('/')}`);
}
