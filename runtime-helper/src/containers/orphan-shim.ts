// An exec session's shim whose session file was never written (berthd killed between the shim's
// report and the write): nobody can reach it, so its process and the shim are ended. Pids are
// reused, so each is checked to be what we think before the signal: the shim by its command
// line (berth-shim --exec with this state dir), the exec process by being the shim's child.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isShimOf, readPid } from './shim-pid.js';
import { shimStateDirName } from './shim-state-dirs.js';

/** The process JSON berthd writes into an exec session's shim state dir before the shim starts. */
export const EXEC_PROCESS_FILE = 'process.json';

function parentOf(pid: number): number {
  try {
    const m = /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

/** Whether `pid` runs berth-shim in exec mode on `stateDir`. */
export function isExecShimOf(pid: number, stateDir: string): boolean {
  return isShimOf(pid, stateDir, { exec: true });
}

function kill(pid: number): void {
  try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
}

/** Kills the exec process (if still the shim's child), then the shim; returns the shim's pid or 0. */
export function killOrphanExecShim(stateDir: string): number {
  const shimPid = readPid(join(stateDir, 'shim.pid'));
  if (!shimPid || !isExecShimOf(shimPid, stateDir)) return 0;
  const procPid = readPid(join(stateDir, 'container.pid'));
  // First the process: once the shim is gone it is reparented and no longer provably ours.
  if (procPid && parentOf(procPid) === shimPid) kill(procPid);
  kill(shimPid);
  return shimPid;
}

/**
 * After a restart, once the sessions are loaded: every exec state dir under `root` (it holds the
 * process file) that none of `sessionIds` names had its shim started and its session never
 * recorded. Its process and shim are killed and the dir removed. Returns the dirs' names.
 */
export function reapOrphanExecShims(root: string, sessionIds: Iterable<string>): string[] {
  const known = new Set([...sessionIds].map(shimStateDirName));
  let names: string[];
  try { names = readdirSync(root); } catch { return []; }
  const reaped: string[] = [];
  for (const name of names) {
    const dir = join(root, name);
    if (known.has(name) || !existsSync(join(dir, EXEC_PROCESS_FILE))) continue;
    killOrphanExecShim(dir);
    try { rmSync(dir, { recursive: true, force: true }); reaped.push(name); } catch { /* left for the next start */ }
  }
  return reaped;
}
