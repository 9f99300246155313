// After a berthd restart: records are loaded; running containers are reconnected through their
// monitor (berth-shim), or found by `runtime state`, or finished from exit.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachProcess, onExit } from './exits.js';
import type { ExitInfo, MonitoredProcess } from './monitor.js';
import type { LiveContainer } from './live-container.js';
import type { ContainerManager } from './manager.js';

export async function restore(m: ContainerManager): Promise<void> {
  for (const record of m.store.loadAll()) {
    const c: LiveContainer = { record, waiters: [] };
    m.containers.set(record.Id, c);
  }
  for (const c of m.containers.values()) {
    const r = c.record;
    if (!r.State.Running && !r.State.Restarting) continue;
    const runtime = m.runtime(r.Runtime);
    const monitor = m.opts.monitorFor(runtime);
    const bundle = m.store.dir(r.Id);
    const exitFile = join(bundle, 'exit.json');
    const proc = await monitor.reconnect({ id: r.Id, bundle, tty: r.Config.Tty, openStdin: r.Config.OpenStdin, stdinOnce: r.Config.StdinOnce, logPath: r.LogPath, exitFile, cgroupMemoryPath: m.cgroupsPath(r.Id) }).catch(() => null);
    if (proc) { attachProcess(m, c, proc); continue; }
    const st = await runtime.state(r.Id);
    if (st && (st.status === 'running' || st.status === 'paused')) {
      // Running without a monitor we can reach: keep it manageable (stop, kill, exec).
      r.State.Pid = st.pid ?? r.State.Pid;
      r.State.Paused = st.status === 'paused';
      watchOrphan(m, c);
      continue;
    }
    let info: ExitInfo = { exitCode: 255, oomKilled: false };
    try { info = JSON.parse(readFileSync(exitFile, 'utf8')) as ExitInfo; } catch { /* no record */ }
    const fake = { pid: r.State.Pid } as MonitoredProcess;
    c.process = fake;
    await onExit(m, c, fake, info);
  }
}

/** Polls a container whose monitor is gone until its init exits. */
function watchOrphan(m: ContainerManager, c: LiveContainer): void {
  const timer = setInterval(() => {
    const r = c.record;
    if (!m.containers.has(r.Id)) { clearInterval(timer); return; }
    if (!r.State.Pid || !existsSync(`/proc/${r.State.Pid}`)) {
      clearInterval(timer);
      const fake = { pid: r.State.Pid } as MonitoredProcess;
      c.process = fake;
      void onExit(m, c, fake, { exitCode: 255, oomKilled: false, error: 'exit status lost: the container\'s monitor was gone' });
    }
  }, 500);
  timer.unref();
}
