// A container's OOM kills as Docker `oom` events while it runs, also when the killer took a child
// and the container goes on, as dockerd 20.10 does (one event per kill, before `die` when PID 1
// was the one killed; State.OOMKilled then stays true at exit, whatever the exit code).
// Armed for each attached process (start, restart policy, reconnect after a berthd restart) and
// ended by that process's exit, so no watcher outlives its container.
import { existsSync } from 'node:fs';
import { createCgroupDriver, watchOomKills, type CgroupDriver, type CgroupPaths, type OomKillWatch } from '../cgroups/index.js';
import { oomKillCounterFile } from '../cgroups/oom-kills.js';
import type { MonitoredProcess } from './monitor.js';

const watches = new WeakMap<MonitoredProcess, OomKillWatch>();
let driver: CgroupDriver | null | undefined;

function cgroupDriver(): CgroupDriver | null {
  if (driver === undefined) {
    try {
      driver = createCgroupDriver();
    } catch {
      driver = null; // no cgroupfs: the exit's OOMKilled is all there is
    }
  }
  return driver;
}

/**
 * Starts publishing `oom` (through `emit`) for each kill in the container's cgroup from now on.
 * `paths` defaults to the host cgroupfs's directories for `cgroupsPath`. null: nothing to watch
 * (no cgroupfs, or the cgroup is gone).
 */
export function armOomEvents(
  proc: MonitoredProcess,
  cgroupsPath: string,
  emit: () => void,
  options: { paths?: CgroupPaths; pollMs?: number } = {},
): OomKillWatch | null {
  endOomEvents(proc);
  let paths = options.paths;
  if (!paths) {
    const cg = cgroupDriver();
    if (!cg) return null;
    try {
      paths = cg.pathsFor(cgroupsPath);
    } catch {
      return null;
    }
  }
  // No counter file: the cgroup is gone (a process that ended before it was attached, e.g. one
  // found finished after a berthd restart). A watch would poll a dead cgroup until an exit.
  const counter = oomKillCounterFile(paths);
  if (counter && !existsSync(counter.file)) return null;
  const watch = watchOomKills(paths, () => emit(), options.pollMs ? { pollMs: options.pollMs } : {});
  watches.set(proc, watch);
  // The exit handler ends the watch first (with a last read); this catches exits it skips.
  void proc.exited.then(
    () => setImmediate(() => endOomEvents(proc)),
    () => endOomEvents(proc),
  );
  return watch;
}

/**
 * Reads the counter a last time (a kill of PID 1 is counted before its exit is seen), publishes
 * what is new and stops the watch. Returns the number of `oom` events published for this process,
 * so the exit adds one only when the watch saw none (no cgroup to read).
 */
export function endOomEvents(proc: MonitoredProcess): number {
  const watch = watches.get(proc);
  if (!watch) return 0;
  watches.delete(proc);
  const reported = watch.flush();
  watch.stop();
  return reported;
}
