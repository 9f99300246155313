// Which berth-shim a pid is. Pids are reused: a pid file naming a live process proves nothing
// until that process's command line says it is berth-shim serving this very state dir (every
// shim is started with `--state-dir DIR`, one dir per container or exec session).
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export function readPid(file: string): number {
  try { return Number(readFileSync(file, 'utf8').trim()) || 0; } catch { return 0; }
}

export function cmdlineOf(pid: number): string[] {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { return []; }
}

/** Whether `pid` runs berth-shim on `stateDir` (`--exec` too when `exec` is set). */
export function isShimOf(pid: number, stateDir: string, opts: { exec?: boolean } = {}): boolean {
  if (!(pid > 0)) return false;
  const args = cmdlineOf(pid);
  if (basename(args[0] ?? '') !== 'berth-shim') return false;
  if (opts.exec && !args.includes('--exec')) return false;
  const i = args.indexOf('--state-dir');
  return i >= 0 && args[i + 1] === stateDir;
}

/** The pid in `<stateDir>/shim.pid` if that process is this dir's shim, else 0. */
export function liveShimPid(stateDir: string): number {
  const pid = readPid(join(stateDir, 'shim.pid'));
  return isShimOf(pid, stateDir) ? pid : 0;
}
