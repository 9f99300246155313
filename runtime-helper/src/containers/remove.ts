// docker rm: kills a running container when forced, unmounts and deletes its snapshot and
// directory, and (with -v) its anonymous volumes no other container uses.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unmountShareableShm } from './ipc-shm.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { conflict, ContainerError } from './errors.js';
import { notifyWaiters } from './exits.js';
import { signalContainer, wait } from './lifecycle.js';
import type { ContainerManager } from './manager.js';

export async function remove(m: ContainerManager, ref: string, opts: { force: boolean; volumes: boolean }): Promise<void> {
  const c = m.get(ref);
  const r = c.record;
  if (r.State.Status === 'removing') return;
  if (r.State.Running && !opts.force) {
    throw conflict(`You cannot remove a ${r.State.Paused ? 'paused' : 'running'} container ${r.Id}. ${r.State.Paused ? 'Unpause and then stop' : 'Stop'} the container before attempting removal or force remove`);
  }
  if (c.restartTimer) { clearTimeout(c.restartTimer); c.restartTimer = undefined; }
  r.ManuallyStopped = true;
  if (r.State.Running) {
    c.stopping = true;
    const exited = wait(m, r.Id, 'next-exit');
    m.emit(r, 'kill', { signal: '9' }); // as dockerd: kill, die, destroy
    await signalContainer(m, c, 9).catch(() => {});
    await Promise.race([exited, sleep(10_000)]);
  }
  r.State.Status = 'removing';
  m.containers.delete(r.Id);
  // The container is gone for the API from here; `wait --condition removed` need not wait for
  // the unmount and the deletes below (DELETE itself still does).
  notifyWaiters(c, 'removed');
  const runtime = m.runtime(r.Runtime);
  if (c.runtimeCleanup) await c.runtimeCleanup;
  if (existsSync(join(runtime.stateRoot, r.Id))) await runtime.delete(r.Id).catch(() => {});
  await c.snapshotReady?.catch(() => undefined); // never unmount before a pending mount
  await m.opts.monitorFor(runtime).forget?.(r.Id);
  await m.opts.volumes.mounts.release(r.Id); // done at exit; here if the exit never came
  try {
    await unmountShareableShm(m.store.dir(r.Id));
    await m.opts.images.remove(r.SnapshotKey);
    m.store.remove(r.Id);
  } catch (e) {
    // Never delete a directory that may still have a mount in it; keep the record for a retry.
    r.State.Status = 'dead';
    r.State.Dead = true;
    r.State.Error = `remove: ${(e as Error).message}`;
    m.containers.set(r.Id, c);
    m.save(c);
    throw new ContainerError(500, `unable to remove filesystem for ${r.Id}: ${(e as Error).message}`);
  }
  if (opts.volumes) {
    for (const mount of r.Mounts) {
      if (mount.type === 'volume' && mount.name && m.opts.volumes.get(mount.name)?.Anonymous && !volumeInUse(m, mount.name)) {
        try { m.opts.volumes.remove(mount.name); m.opts.events.publish('volume', 'destroy', mount.name, { driver: 'local' }); } catch { /* gone */ }
      }
    }
  }
  m.emit(r, 'destroy');
  m.started.emit('removed', r.Id); // ends attaches waiting for a next start
}

export function volumeInUse(m: ContainerManager, name: string): boolean {
  return [...m.containers.values()].some((c) => c.record.Mounts.some((mount) => mount.name === name));
}
