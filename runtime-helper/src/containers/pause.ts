// pause/unpause through the runtime (the freezer cgroup).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { conflict, ContainerError } from './errors.js';
import type { ContainerManager } from './manager.js';

export async function pause(m: ContainerManager, ref: string): Promise<void> {
  const c = m.get(ref);
  const r = c.record;
  if (!r.State.Running) throw conflict(`Container ${r.Id} is not running`);
  if (r.State.Paused) throw conflict(`Container ${r.Id} is already paused`);
  await m.runtime(r.Runtime).pause(r.Id);
  await waitFrozen(m.cgroupsPath(r.Id), r.Id);
  r.State.Paused = true;
  r.State.Status = 'paused';
  m.save(c);
  m.emit(r, 'pause');
}

/** Some runtimes return while the v1 freezer still says FREEZING; pause means stopped. */
async function waitFrozen(cgroupsPath: string, id: string): Promise<void> {
  const file = `/sys/fs/cgroup/freezer${cgroupsPath}/freezer.state`;
  for (let i = 0; i < 200; i++) {
    let state: string;
    try { state = readFileSync(file, 'utf8').trim(); } catch { return; } // v2: the runtime waits on cgroup.events
    if (state === 'FROZEN') return;
    await sleep(10);
  }
  throw new ContainerError(500, `pause ${id}: the freezer did not reach FROZEN within 2s`);
}

export async function unpause(m: ContainerManager, ref: string): Promise<void> {
  const c = m.get(ref);
  const r = c.record;
  if (!r.State.Paused) throw conflict(`Container ${r.Id} is not paused`);
  await m.runtime(r.Runtime).resume(r.Id);
  r.State.Paused = false;
  r.State.Status = 'running';
  m.save(c);
  m.emit(r, 'unpause');
}
