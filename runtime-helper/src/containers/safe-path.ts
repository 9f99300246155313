// Resolves a path inside a container's root as if that root were `/`: every component is
// looked up under the root, symlinks are followed with the root as their `/`, and `..` never
// climbs above it. Used for docker cp, the working directory and the image's passwd files, so a
// hostile image or request can never name a host file.
import { resolveInView } from './container-view.js';
import { PathEscapeError } from './errors.js';

/**
 * Returns the host path for `path` inside `root`, following symlinks inside the root. When
 * `followLast` is false the last component is not followed (lstat semantics). Components that do
 * not exist are kept as they are (so a path to be created can be resolved too). `strict`: a path
 * or link that climbs above the root is refused rather than clamped. The root alone, without the
 * container's mounts, is the container view with no mounts.
 */
export function resolveInRoot(root: string, path: string, followLast = true, strict = false): string {
  return resolveInView({ rootfs: root, readonlyRootfs: false, mounts: [] }, path, followLast, strict).host;
}

/** Refuses a path whose text climbs out with `..` (docker cp does not take such paths). */
export function assertNoDotDotEscape(path: string): void {
  let depth = 0;
  for (const part of path.split('/')) {
    if (part === '..') { depth--; if (depth < 0) throw new PathEscapeError(`path ${path} escapes the container root`); }
    else if (part && part !== '.') depth++;
  }
}
