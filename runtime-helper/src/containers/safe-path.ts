// Resolves a path inside a container's root as if that root were `/`: every component is
// looked up under the root, symlinks are followed with the root as their `/`, and `..` never
// climbs above it. Used for docker cp, the working directory and the image's passwd files, so a
// hostile image or request can never name a host file.
import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

const MAX_LINKS = 40;

export class PathEscapeError extends Error {}

/**
 * Returns the host path for `path` inside `root`, following symlinks inside the root. When
 * `followLast` is false the last component is not followed (lstat semantics). Components that do
 * not exist are kept as they are (so a path to be created can be resolved too).
 */
export function resolveInRoot(root: string, path: string, followLast = true, strict = false): string {
  const parts = (strict ? path : posix.normalize('/' + path)).split('/').filter(Boolean);
  const resolved: string[] = [];
  let links = 0;
  while (parts.length) {
    const part = parts.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      // strict: a path or link that climbs above the root is refused rather than clamped.
      if (strict && resolved.length === 0) throw new PathEscapeError(`${path} points outside the container's root`);
      resolved.pop();
      continue;
    }
    const candidate = posix.join(root, ...resolved, part);
    const isLast = parts.length === 0;
    let st;
    try { st = lstatSync(candidate); } catch { resolved.push(part); continue; }
    if (st.isSymbolicLink() && (!isLast || followLast)) {
      if (++links > MAX_LINKS) throw new PathEscapeError(`resolve ${path} in container root: too many symbolic links`);
      const target = readlinkSync(candidate);
      const targetParts = target.split('/').filter(Boolean);
      if (target.startsWith('/')) resolved.length = 0;
      parts.unshift(...targetParts);
      continue;
    }
    resolved.push(part);
  }
  return posix.join(root, ...resolved);
}

/** Refuses a path whose text climbs out with `..` (docker cp does not take such paths). */
export function assertNoDotDotEscape(path: string): void {
  let depth = 0;
  for (const part of path.split('/')) {
    if (part === '..') { depth--; if (depth < 0) throw new PathEscapeError(`path ${path} escapes the container root`); }
    else if (part && part !== '.') depth++;
  }
}
