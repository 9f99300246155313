/**
 * CgroupDriver: what berthd needs from a container's cgroup, the same over cgroup v1, hybrid
 * (this host) and v2.
 *
 *   const cgroups = createCgroupDriver();              // or { root: fakeTree, procRoot: fakeProc }
 *   const paths = cgroups.pathsFor('/berth/<id>');      // or await cgroups.pathsForPid(pid)
 *   await cgroups.stats(paths);        // cpu_stats, memory_stats, pids_stats, blkio_stats (Docker API shape),
 *                                      // plus Berth's `psi` in cpu/memory/blkio_stats where cgroup2 has PSI
 *   dockerStatsBody({ id, name }, { at, stats }, previousSample);  // the full /stats body, dockerd's order
 *   await cgroups.update(paths, { memory, memorySwap, memoryReservation, cpuShares, cpuQuota, cpuPeriod,
 *                                 cpusetCpus, cpusetMems, pidsLimit, blkioWeight });  // Docker units, validated;
 *                                      // a memory limit below current usage is refused (status 400)
 *   await cgroups.oom(paths);          // { oomKillCount, oomCount, underOom }
 *   const stop = cgroups.watchOom(paths, (info) => emit('oom'));
 *   await cgroups.memoryPressure(paths);   // PSI from the cgroup2 side; null on pure v1
 *
 * Every failure is a CgroupError whose `status` is the HTTP status to answer with.
 */
import { join } from 'node:path';
import { detectLayout } from './layout.js';
import { readNumber } from './files.js';
import { CgroupError } from './errors.js';
import { readHost } from './host.js';
import { readMemoryPressure, readOom } from './oom.js';
import { readPressure, withPressure } from './pressure.js';
import { watchOomKills } from './oom-kills.js';
import { pathsForCgroup, pathsForPid } from './paths.js';
import { readStatsV1 } from './stats-v1.js';
import { readStatsV2 } from './stats-v2.js';
import type { CgroupLayout, CgroupPaths, CgroupStats, MemoryPressure, OomInfo } from './types.js';
import { applyUpdateV1 } from './update-v1.js';
import { applyUpdateV2 } from './update-v2.js';
import { validateUpdate } from './update-validate.js';

export { CgroupError } from './errors.js';
export { dockerStatsBody, type DockerStatsBody, type StatsSample } from './stats-body.js';
export { watchOomKills, type OomKillWatch, type OomKillWatchOptions } from './oom-kills.js';
export type * from './types.js';

export interface CgroupDriver {
  readonly layout: CgroupLayout;
  pathsFor(cgroupsPath: string): CgroupPaths;
  pathsForPid(pid: number): Promise<CgroupPaths>;
  stats(paths: CgroupPaths): Promise<CgroupStats>;
  /** Validates (unknown input is fine: it is checked) and writes to the live cgroup. */
  update(paths: CgroupPaths, update: unknown): Promise<void>;
  memoryUsage(paths: CgroupPaths): Promise<number | null>;
  oom(paths: CgroupPaths): Promise<OomInfo>;
  /** Calls onOom once per OOM kill (v2: inotify on memory.events; v1: polled every intervalMs);
   * returns a stop function. watchOomKills gives the handle with a synchronous last read. */
  watchOom(paths: CgroupPaths, onOom: (info: OomInfo) => void, intervalMs?: number): () => void;
  memoryPressure(paths: CgroupPaths): Promise<MemoryPressure | null>;
}

export interface CgroupDriverOptions {
  /** cgroupfs root; a temp dir holding a fake tree in tests. */
  root?: string;
  /** /proc, for /proc/PID/cgroup, /proc/stat and /proc/meminfo. */
  procRoot?: string;
}

export function createCgroupDriver(options: CgroupDriverOptions = {}): CgroupDriver {
  const layout = detectLayout(options.root ?? '/sys/fs/cgroup');
  const procRoot = options.procRoot ?? '/proc';

  const memoryUsage = async (paths: CgroupPaths): Promise<number | null> => {
    const file =
      paths.mode === 'v2'
        ? paths.unified && join(paths.unified, 'memory.current')
        : paths.v1.memory && join(paths.v1.memory, 'memory.usage_in_bytes');
    return file ? readNumber(file) : null;
  };

  return {
    layout,
    pathsFor: (cgroupsPath) => pathsForCgroup(layout, cgroupsPath),
    pathsForPid: (pid) => pathsForPid(layout, pid, procRoot),
    async stats(paths) {
      const pressure = readPressure(paths.unified);
      const host = await readHost(procRoot);
      const stats = await (paths.mode === 'v2' ? readStatsV2(paths, host) : readStatsV1(paths, host));
      return withPressure(stats, await pressure);
    },
    async update(paths, input) {
      const update = validateUpdate(input);
      if (update.memory !== undefined && update.memory > 0) {
        const usage = await memoryUsage(paths);
        if (usage !== null && usage > update.memory) {
          throw new CgroupError(
            400,
            `memory limit ${update.memory} is below the container's current memory usage ${usage}; raise the limit or free memory first`,
          );
        }
      }
      if (paths.mode === 'v2') {
        if (!paths.unified) throw new CgroupError(500, 'cgroup v2 update needs the cgroup2 directory');
        await applyUpdateV2(paths.unified, update, layout.fake);
      } else {
        await applyUpdateV1(paths, update, layout.fake);
      }
    },
    memoryUsage,
    oom: (paths) => readOom(paths),
    watchOom(paths, onOom, intervalMs = 1000) {
      const watch = watchOomKills(
        paths,
        (count) =>
          void readOom(paths)
            .catch(() => ({ oomKillCount: count, oomCount: null, underOom: null }))
            .then((info) => onOom({ ...info, oomKillCount: count })),
        { pollMs: intervalMs },
      );
      return () => watch.stop();
    },
    memoryPressure: (paths) => readMemoryPressure(paths),
  };
}
