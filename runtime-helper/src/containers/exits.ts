// What happens when a container's process ends: the state, the oom/die events, waiters, then
// the restart policy or AutoRemove.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nowNano } from './record.js';
import { restartDelayMs, shouldRestart } from './restart-policy.js';
import { launch } from './launch.js';
import { unmountShareableShm } from './ipc-shm.js';
import { volumesUnmounted } from './volume-events.js';
import { armOomEvents, endOomEvents } from './oom-watch.js';
import { releasePorts } from '../network/ports/container-ports.js';
import { joinedContainer } from '../oci/host-options.js';
import type { ExitInfo, MonitoredProcess } from './monitor.js';
import type { LiveContainer } from './live-container.js';
import type { ContainerManager } from './manager.js';

export function attachProcess(m: ContainerManager, c: LiveContainer, proc: MonitoredProcess): void {
  c.process = proc;
  armOomEvents(proc, m.cgroupsPath(c.record.Id), () => m.emit(c.record, 'oom'));
  m.started.emit('started', c.record.Id, proc);
  void proc.exited.then((info) => onExit(m, c, proc, info));
}

export async function onExit(m: ContainerManager, c: LiveContainer, proc: MonitoredProcess, info: ExitInfo): Promise<void> {
  if (c.process !== proc) return;
  const r = c.record;
  // `oom` events came from the cgroup watch (one per kill, the last read now); OOMKilled sticks
  // after any kill, as in dockerd.
  const oomEvents = endOomEvents(proc);
  const oomKilled = info.oomKilled || oomEvents > 0;
  c.process = undefined;
  void releasePorts(r); // stop and restart wait for the host ports to be free
  m.opts.bridge?.disconnect(r, networkJoined(m, c)); // its address is free again
  const rt = m.runtime(r.Runtime);
  // The state, events and waiters first: `docker run` returns without waiting for the delete,
  // whose spawn (a few ms of blocked event loop) comes after the answers went out.
  const shareable = r.HostConfig.IpcMode === 'shareable';
  const cleanup = existsSync(join(rt.stateRoot, r.Id)) || shareable
    ? new Promise<void>((resolve) => setImmediate(() => {
      // The runtime's delete, then (--ipc shareable) the /dev/shm berthd mounted for it, as dockerd unmounts it at exit.
      const deleted = existsSync(join(rt.stateRoot, r.Id)) ? rt.delete(r.Id).catch(() => {}) : Promise.resolve();
      void deleted.then(() => (shareable ? unmountShareableShm(m.store.dir(r.Id)).catch(() => {}) : undefined)).then(() => resolve());
    }))
    : undefined;
  c.runtimeCleanup = cleanup;
  r.State = { ...r.State, Status: 'exited', Running: false, Paused: false, Restarting: false, Pid: 0, ExitCode: info.exitCode, OOMKilled: oomKilled, FinishedAt: nowNano(), Error: info.error && !proc.pid ? info.error : '' };
  if (oomKilled && oomEvents === 0) m.emit(r, 'oom');
  m.emit(r, 'die', { exitCode: String(info.exitCode) });
  volumesUnmounted(m.opts.events, r);
  // Volumes with options are unmounted at the last user's exit, before waiters hear of it.
  const unmounting = m.opts.volumes.mounts.release(r.Id);
  if (unmounting) await unmounting;
  const stoppedByUser = c.stopping || r.ManuallyStopped;
  const restart = !stoppedByUser && shouldRestart(r, info.exitCode);
  if (restart) { r.State.Restarting = true; r.State.Status = 'restarting'; }
  const autoRemove = !restart && r.HostConfig.AutoRemove;
  if (m.containers.has(r.Id) && !autoRemove) m.save(c);
  notifyWaiters(c, 'next-exit');
  // launch and remove wait for it; nothing else here needs to.
  if (cleanup) void cleanup.then(() => { if (c.runtimeCleanup === cleanup) c.runtimeCleanup = undefined; });
  if (restart) {
    c.restartTimer = setTimeout(() => {
      c.restartTimer = undefined;
      if (!m.containers.has(r.Id) || r.ManuallyStopped) return;
      r.RestartCount++;
      launch(m, c).then(() => m.emit(r, 'restart')).catch((e: Error) => {
        r.State = { ...r.State, Status: 'exited', Restarting: false, Error: e.message };
        m.save(c);
      });
    }, restartDelayMs(r.RestartCount));
  } else if (r.HostConfig.AutoRemove && m.containers.has(r.Id)) {
    await m.remove(r.Id, { force: true, volumes: true }).catch(() => {});
  }
}

/** Whether a running container joined this one's network namespace (--network container:), which
 * then outlives it, with the veth in it. */
function networkJoined(m: ContainerManager, c: LiveContainer): boolean {
  for (const x of m.containers.values()) {
    const ref = joinedContainer(x.record.HostConfig.NetworkMode);
    if (ref === undefined || x === c || !x.record.State.Running) continue;
    try { if (m.get(ref) === c) return true; } catch { /* gone */ }
  }
  return false;
}

/** Resolves the waiters an exit (or the removal) satisfies. */
export function notifyWaiters(c: LiveContainer, event: 'next-exit' | 'removed'): void {
  const code = c.record.State.ExitCode;
  const err = null; // Docker reports start failures through start, not wait
  c.waiters = c.waiters.filter((w) => {
    const fire = event === 'removed' || w.condition !== 'removed';
    if (fire) w.resolve({ StatusCode: code, Error: err });
    return !fire;
  });
}
