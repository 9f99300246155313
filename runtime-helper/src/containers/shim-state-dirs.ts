// Where berth-shim state dirs live, and which of them are stale. Every berthd on a host shares
// the exec root (tests start many, each with its own data root), so each data root gets its own
// folder, <exec-root>/shims/<12 hex digits of sha256(data root)>, with a `data-root` file naming
// it: a berthd reads and cleans only what its own containers made. At start, once restore has
// reconnected what still runs, a dir whose shim is dead and that no container or exec session of
// this data root names is left over (berthd killed between a shim's exit and its clean-up, a
// record removed while the daemon was down) and is removed. Another data root's folder is left
// alone while that data root exists; once it is gone no berthd can restore from it, so its dead
// shims' dirs go too (its live shims keep theirs).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { liveShimPid } from './shim-pid.js';

/** The file in a data root's folder that names the data root. */
const MARKER = 'data-root';

/** One dir per container or exec session is named by the first 32 hex digits of its id. */
export function shimStateDirName(id: string): string {
  return id.slice(0, 32);
}

/** The folder of this data root's shim state dirs. Short: a shim's socket path must fit 107 bytes. */
export function shimStateRoot(execRoot: string, dataRoot: string): string {
  const key = createHash('sha256').update(resolve(dataRoot)).digest('hex').slice(0, 12);
  return join(execRoot, 'shims', key);
}

/** Makes this data root's folder (before any shim starts) and names the data root in it. */
export function claimShimStateRoot(execRoot: string, dataRoot: string): string {
  const root = shimStateRoot(execRoot, dataRoot);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const marker = join(root, MARKER);
  if (!existsSync(marker)) {
    // Whole or absent: a sweep of another berthd reads it at any moment.
    writeFileSync(`${marker}.tmp`, `${resolve(dataRoot)}\n`, { mode: 0o600 });
    renameSync(`${marker}.tmp`, marker);
  }
  return root;
}

/**
 * Removes the state dirs under `root` whose shim is not running and whose name is none of the
 * given container and exec ids' dirs. Returns the names removed. A dir that cannot be read or
 * removed is left for the next start (the error is not berthd's to fail on).
 */
export function removeStaleShimStateDirs(root: string, ids: Iterable<string>): string[] {
  const inUse = new Set<string>();
  for (const id of ids) inUse.add(shimStateDirName(id));
  let names: string[];
  try { names = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name); } catch { return []; }
  const removed: string[] = [];
  for (const name of names) {
    if (inUse.has(name)) continue;
    const dir = join(root, name);
    if (liveShimPid(dir) > 0) continue; // someone's shim still serves it: not ours to judge
    try {
      rmSync(dir, { recursive: true, force: true });
      removed.push(name);
    } catch { /* left for the next start */ }
  }
  return removed;
}

/** At a clean stop: the folder goes when no state dir is left in it (no shim outlives berthd). */
export function releaseShimStateRoot(root: string): boolean {
  try {
    if (readdirSync(root).some((n) => n !== MARKER)) return false;
    rmSync(join(root, MARKER), { force: true });
    rmdirSync(root);
    return true;
  } catch { return false; }
}

/**
 * The folders of other data roots that no longer exist: their dead shims' dirs are removed, and
 * the folder once nothing else is left in it. A folder without its `data-root` file (being made,
 * or not ours) and the dirs of live shims are kept. Returns the folders emptied and removed.
 */
export function removeOrphanedShimStateRoots(execRoot: string, ownRoot: string): string[] {
  const shims = join(execRoot, 'shims');
  let folders: string[];
  try { folders = readdirSync(shims, { withFileTypes: true }).filter((e) => e.isDirectory() && /^[0-9a-f]{12}$/.test(e.name)).map((e) => e.name); } catch { return []; }
  const removed: string[] = [];
  for (const name of folders) {
    const root = join(shims, name);
    if (root === ownRoot) continue;
    let dataRoot: string;
    try { dataRoot = readFileSync(join(root, MARKER), 'utf8').trim(); } catch { continue; }
    if (!dataRoot || existsSync(dataRoot)) continue;
    removeStaleShimStateDirs(root, []);
    // Not recursive: a berthd that claimed it meanwhile keeps what it made.
    if (releaseShimStateRoot(root)) removed.push(name);
  }
  return removed;
}
