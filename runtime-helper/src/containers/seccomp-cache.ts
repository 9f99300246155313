// Cleanup of berth-runtime's compiled seccomp filters, `<runtime root>/@seccomp-cache/<hash>.bpf`
// (runtime-helper/native/src/runtime/seccomp_cache.c). The runtime adds a file for each distinct
// profile it compiles and never removes one. Only `create` reads the cache: it copies the program
// into the container's own state dir (`seccomp.bpf`, which exec loads), so no container needs an
// entry after its create and any entry may go at any time; a create that finds none compiles again
// (~10 ms) and stores it anew. So: entries unused for a while go, and the newest few are kept.
import { lstatSync, readdirSync, rmSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** The runtime's directory name under its root ('@' is never in a container id). */
export const SECCOMP_CACHE_DIR = '@seccomp-cache';

export interface SeccompCachePolicy {
  /** Entries whose last use (atime or mtime, whichever is later) is older go. */
  maxUnusedMs: number;
  /** At most this many entries stay, the most recently used. */
  maxEntries: number;
  /** A store's temp file (`<hash>.bpf.<pid>.tmp`) older than this was left by a create that died. */
  staleTempMs: number;
}

const DAY = 24 * 60 * 60 * 1000;

/** atime is updated at most once a day on relatime mounts (the default), so the age is in weeks. */
export const defaultSeccompCachePolicy: SeccompCachePolicy = { maxUnusedMs: 14 * DAY, maxEntries: 64, staleTempMs: 10 * 60 * 1000 };

const ENTRY = /^[0-9a-f]{16}\.bpf$/;
const TEMP = /^[0-9a-f]{16}\.bpf\.\d+\.tmp$/;

export interface SeccompCachePruneResult {
  /** Paths removed. */
  removed: string[];
  /** Entries left. */
  kept: number;
}

/** The cache directories of the runtimes berthd runs: `<data-root>/runtime/<name>/@seccomp-cache`. */
export function seccompCacheDirs(dataRoot: string): string[] {
  const runtimes = join(dataRoot, 'runtime');
  let names: string[];
  try { names = readdirSync(runtimes); } catch { return []; }
  return names.map((n) => join(runtimes, n, SECCOMP_CACHE_DIR)).filter((d) => isRealDir(d));
}

/** A directory, not a link to one: the cleanup never follows a link out of the runtime root. */
function isRealDir(path: string): boolean {
  try { return lstatSync(path).isDirectory(); } catch { return false; }
}

const lastUse = (st: Stats): number => Math.max(st.atimeMs, st.mtimeMs);

/**
 * Removes from one cache directory the entries unused for longer than the policy allows, then the
 * least recently used beyond its count, and stale temp files. Only regular files named as the
 * runtime names them are touched. A file that vanishes meanwhile (a concurrent store's rename, an
 * other cleanup) is skipped.
 */
export function pruneSeccompCache(dir: string, policy: SeccompCachePolicy = defaultSeccompCachePolicy, now = Date.now()): SeccompCachePruneResult {
  const result: SeccompCachePruneResult = { removed: [], kept: 0 };
  if (!isRealDir(dir)) return result;
  const entries: { path: string; used: number }[] = [];
  const remove = (path: string): void => {
    try { rmSync(path); result.removed.push(path); } catch { /* gone already */ }
  };
  for (const name of readdirSync(dir)) {
    const isEntry = ENTRY.test(name);
    if (!isEntry && !TEMP.test(name)) continue;
    const path = join(dir, name);
    let st: Stats;
    try { st = lstatSync(path); } catch { continue; }
    if (!st.isFile()) continue;
    if (!isEntry) {
      if (now - st.mtimeMs > policy.staleTempMs) remove(path);
      continue;
    }
    entries.push({ path, used: lastUse(st) });
  }
  entries.sort((a, b) => b.used - a.used);
  entries.forEach((e, i) => {
    if (i >= policy.maxEntries || now - e.used > policy.maxUnusedMs) remove(e.path);
    else result.kept++;
  });
  return result;
}

/** pruneSeccompCache over every runtime's cache under the data root. */
export function pruneSeccompCaches(dataRoot: string, policy: SeccompCachePolicy = defaultSeccompCachePolicy, now = Date.now()): SeccompCachePruneResult {
  const total: SeccompCachePruneResult = { removed: [], kept: 0 };
  for (const dir of seccompCacheDirs(dataRoot)) {
    const r = pruneSeccompCache(dir, policy, now);
    total.removed.push(...r.removed);
    total.kept += r.kept;
  }
  return total;
}
