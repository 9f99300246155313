// After a berthd restart: records are loaded; running containers are reconnected through their
// monitor (berth-shim), or found by `runtime state`, or finished from exit.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachProcess, onExit } from './exits.js';
import { restorePorts } from '../network/ports/container-ports.js';
import type { ContainerMonitor, ExitInfo, MonitoredProcess } from './monitor.js';
import type { LiveContainer } from './live-container.js';
import type { ContainerManager } from './manager.js';

/** A shim gone without an exit record: the same words berthd uses when one dies while it runs. */
const SHIM_GONE = 'the container\'s shim died without recording the exit';
const MONITOR_GONE = 'exit status lost: the container\'s monitor was gone';

/** What restore could not bring back, for berthd's log. */
export interface RestoreProblem { id: string; name: string; what: string; err: unknown }

export async function restore(m: ContainerManager): Promise<RestoreProblem[]> {
  const problems: RestoreProblem[] = [];
  for (const record of m.store.loadAll()) {
    const c: LiveContainer = { record, waiters: [] };
    m.containers.set(record.Id, c);
    // create mounts the snapshot in the background and leaves its paths to start's save, so a
    // container created but never started comes back without them: find them (mounted still, or
    // mounted again after a reboot), for inspect's GraphDriver, ps --size, cp and diff.
    if (!record.Rootfs && record.State.Status === 'created') {
      void m.prepareSnapshot(c, true).then((snap) => { record.Rootfs = snap.rootfs; record.UpperDir = snap.upperDir; }, () => undefined);
    }
  }
  for (const c of m.containers.values()) {
    const r = c.record;
    if (!r.State.Running && !r.State.Restarting) continue;
    // Its volumes with options are mounted still: count it as their user (its exit unmounts them).
    m.opts.volumes.mounts.adopt(r.Id, r.Mounts);
    const runtime = m.runtime(r.Runtime);
    const monitor = m.opts.monitorFor(runtime);
    const bundle = m.store.dir(r.Id);
    const exitFile = join(bundle, 'exit.json');
    const proc = await monitor.reconnect({ id: r.Id, bundle, tty: r.Config.Tty, openStdin: r.Config.OpenStdin, stdinOnce: r.Config.StdinOnce, logPath: r.LogPath, exitFile, cgroupMemoryPath: m.cgroupsPath(r.Id) }).catch(() => null);
    if (proc) {
      attachProcess(m, c, proc);
      // Its forwarder outlived berthd too; or (killed meanwhile) a new one. A port taken in
      // between leaves the container running without it (ps and inspect show no ports), and
      // berthd's log says which.
      if (proc.pid && r.State.Running) {
        await restorePorts(r, r.State.Pid, bundle, [...m.containers.values()].map((x) => x.record))
          .catch((err: unknown) => { problems.push({ id: r.Id, name: r.Name.replace(/^\//, ''), what: 'its published ports could not be bound again', err }); });
      }
      continue;
    }
    const st = await runtime.state(r.Id);
    const running = st !== null && (st.status === 'running' || st.status === 'paused');
    if (running && !outlivesBerthd(monitor)) {
      // The in-process monitor died with the old berthd by design: keep the container
      // manageable (stop, kill, exec) and see it end.
      r.State.Pid = st.pid ?? r.State.Pid;
      r.State.Paused = st.status === 'paused';
      watchOrphan(m, c);
      continue;
    }
    let info: ExitInfo | null = null;
    try { info = JSON.parse(readFileSync(exitFile, 'utf8')) as ExitInfo; } catch { /* no record */ }
    // No exit record: the shim was killed while berthd was down. Nothing holds the container's
    // output or can tell its exit any more, so it ends here (the exit's `runtime delete --force`
    // kills what still runs and removes its cgroup), as containerd ends a task whose shim died.
    // No OOM watch is armed for it: there is no process to end one.
    const fake = { pid: info ? r.State.Pid : 0 } as MonitoredProcess;
    c.process = fake;
    await onExit(m, c, fake, info ?? { exitCode: 255, oomKilled: false, error: outlivesBerthd(monitor) ? SHIM_GONE : MONITOR_GONE });
    if (running) await c.runtimeCleanup;
  }
  // Bridge addresses: running containers keep theirs, those of containers that ended go.
  m.opts.bridge?.retain([...m.containers.values()].map((x) => x.record));
  // Volumes with options left mounted by containers that ended while berthd was down.
  await m.opts.volumes.mounts.sweep();
  return problems;
}

/** Whether the monitor's processes outlive berthd (berth-shim): then a failed reconnect means the
 * shim is gone, not that the monitor never could reconnect. */
function outlivesBerthd(monitor: ContainerMonitor): boolean {
  return monitor.reconnectExec !== undefined;
}

/** Running, not a zombie: an orphaned init is reaped by the host's init, which may take its time
 * (or, where PID 1 does not reap, never happen). */
function alive(pid: number): boolean {
  try { return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

/** Polls a container whose monitor is gone until its init exits. */
function watchOrphan(m: ContainerManager, c: LiveContainer): void {
  const timer = setInterval(() => {
    const r = c.record;
    if (!m.containers.has(r.Id)) { clearInterval(timer); return; }
    if (!r.State.Pid || !alive(r.State.Pid)) {
      clearInterval(timer);
      const fake = { pid: r.State.Pid } as MonitoredProcess;
      c.process = fake;
      void onExit(m, c, fake, { exitCode: 255, oomKilled: false, error: MONITOR_GONE });
    }
  }, 500);
  timer.unref();
}
