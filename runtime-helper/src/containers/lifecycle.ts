// start, wait, kill, stop and restart.
import { setTimeout as sleep } from 'node:timers/promises';
import { conflict, ContainerError, invalid, notModified } from './errors.js';
import { parseSignal } from './names.js';
import { launch } from './launch.js';
import { portsReleased } from '../network/ports/container-ports.js';
import type { LiveContainer, WaitCondition, WaitResult } from './live-container.js';
import type { ContainerManager } from './manager.js';

export async function start(m: ContainerManager, ref: string): Promise<void> {
  const c = m.get(ref);
  const r = c.record;
  if (r.State.Running) throw notModified();
  if (r.State.Status === 'removing') throw conflict(`container ${r.Id} is marked for removal and cannot be started`);
  if (c.restartTimer) { clearTimeout(c.restartTimer); c.restartTimer = undefined; }
  r.ManuallyStopped = false;
  try {
    await launch(m, c);
  } catch (e) {
    r.State.Error = (e as Error).message;
    const msg = (e as Error).message;
    r.State.ExitCode = /executable file not found|no such file/.test(msg) ? 127 : /permission denied/.test(msg) ? 126 : 128;
    if (r.HostConfig.AutoRemove) await m.remove(r.Id, { force: true, volumes: true }).catch(() => {});
    else m.save(c);
    throw e;
  }
}

/**
 * Resolves when `condition` holds. `gone` (the client went away) drops the waiter and resolves at
 * once with an answer nobody reads: the docker CLI's `run -d` sends a wait before the start and
 * exits after printing the id, and its waiter would keep the request, response and socket of
 * every detached container until that container exits.
 */
export function wait(m: ContainerManager, ref: string, condition: WaitCondition, gone?: AbortSignal): Promise<WaitResult> {
  const c = m.get(ref);
  const r = c.record;
  if (condition === 'not-running' && !r.State.Running && !r.State.Restarting) {
    return Promise.resolve({ StatusCode: r.State.ExitCode, Error: null });
  }
  return new Promise((resolve) => {
    const waiter = { condition, resolve };
    c.waiters.push(waiter);
    gone?.addEventListener('abort', () => {
      const before = c.waiters.length;
      c.waiters = c.waiters.filter((w) => w !== waiter);
      if (c.waiters.length < before) resolve({ StatusCode: -1, Error: { Message: 'the client went away' } });
    }, { once: true });
  });
}

export async function kill(m: ContainerManager, ref: string, signal = 'KILL'): Promise<void> {
  let c;
  try { c = m.get(ref); } catch (e) {
    // dockerd names the operation here (and only here among the verbs).
    if (e instanceof ContainerError && e.status === 404) throw new ContainerError(404, `Cannot kill container: ${ref}: ${e.message}`);
    throw e;
  }
  const sig = parseSignal(signal);
  if (sig === null) throw invalid(`Invalid signal: ${signal}`);
  if (!c.record.State.Running) throw conflict(`Cannot kill container: ${ref}: Container ${c.record.Id} is not running`);
  const exited = sig === 9 ? wait(m, c.record.Id, 'next-exit') : undefined;
  await signalContainer(m, c, sig);
  m.emit(c.record, 'kill', { signal: String(sig) });
  // Like Docker, a SIGKILL returns once the container is gone (and its published ports free).
  if (exited) { await Promise.race([exited, sleep(10_000)]); await portsReleased(c.record.Id); }
}

/** Through the runtime; falls back to the recorded pid when the runtime no longer knows it. */
export async function signalContainer(m: ContainerManager, c: LiveContainer, sig: number): Promise<void> {
  const r = c.record;
  if (r.State.Paused && (sig === 9 || sig === 15)) await m.runtime(r.Runtime).resume(r.Id).catch(() => {});
  try {
    await m.runtime(r.Runtime).kill(r.Id, String(sig), sig === 9);
  } catch (e) {
    if (r.State.Pid) { try { process.kill(r.State.Pid, sig); return; } catch { /* gone */ } }
    if (c.process || r.State.Running) throw e;
  }
}

export async function stop(m: ContainerManager, ref: string, timeoutSec?: number, signal?: string): Promise<void> {
  const c = m.get(ref);
  const r = c.record;
  r.ManuallyStopped = true;
  if (c.restartTimer) { clearTimeout(c.restartTimer); c.restartTimer = undefined; r.State.Restarting = false; r.State.Status = 'exited'; m.save(c); }
  if (!r.State.Running) throw notModified();
  const sig = parseSignal(signal || r.Config.StopSignal || 'TERM') ?? 15;
  const t = timeoutSec ?? r.Config.StopTimeout ?? 10;
  c.stopping = true;
  try {
    const exited = wait(m, r.Id, 'next-exit');
    m.emit(r, 'kill', { signal: String(sig) });
    await signalContainer(m, c, sig).catch(() => {});
    const done = t < 0 ? await exited.then(() => true) : await Promise.race([exited.then(() => true), sleep(t * 1000).then(() => false)]);
    if (!done) {
      m.emit(r, 'kill', { signal: '9' });
      await signalContainer(m, c, 9).catch(() => {});
      await Promise.race([exited, sleep(10_000)]);
    }
  } finally {
    c.stopping = false;
  }
  await portsReleased(r.Id); // the host ports are free when stop returns
  m.save(c);
  m.emit(r, 'stop');
}

export async function restart(m: ContainerManager, ref: string, timeoutSec?: number, signal?: string): Promise<void> {
  const c = m.get(ref);
  if (c.record.State.Running) await stop(m, ref, timeoutSec, signal).catch((e) => { if (!(e instanceof ContainerError && e.status === 304)) throw e; });
  c.record.ManuallyStopped = false;
  await launch(m, c);
  m.emit(c.record, 'restart');
}
