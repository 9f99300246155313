// Where berth-shim state dirs live, and which of them are stale. Every berthd on a host shares
// the exec root (tests start many, each with its own data root), so each data root gets its own
// folder, <exec-root>/shims/<12 hex digits of sha256(data root)>: a berthd only ever reads or
// removes what its own containers made. At start, once restore has reconnected what still runs,
// a dir whose shim is dead and that no container or exec session of this data root names is
// left over (berthd killed between a shim's exit and its clean-up, a record removed while the
// daemon was down) and is removed.
import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { liveShimPid } from './shim-pid.js';

/** One dir per container or exec session is named by the first 32 hex digits of its id. */
export function shimStateDirName(id: string): string {
  return id.slice(0, 32);
}

/** The folder of this data root's shim state dirs. Short: a shim's socket path must fit 107 bytes. */
export function shimStateRoot(execRoot: string, dataRoot: string): string {
  const key = createHash('sha256').update(resolve(dataRoot)).digest('hex').slice(0, 12);
  return join(execRoot, 'shims', key);
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
  try { names = readdirSync(root); } catch { return []; }
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
