// The container registry and the lifecycle's entry points. The verbs live one concern per file
// (create, launch, lifecycle, pause, exits, remove, restore); this class holds the state they
// share: the records, the runtimes and the 'started' signal for early attaches.
import { join, posix } from 'node:path';
import { EventEmitter } from 'node:events';
import type { DockerCreateBody } from './docker-types.js';
import { ContainerStore } from './state-store.js';
import type { ContainerRecord } from './record.js';
import { conflict, invalid, notFound, notRunning } from './errors.js';
import { isValidName } from './names.js';
import { RuntimeCli } from './runtime-cli.js';
import type { MonitoredProcess } from './monitor.js';
import type { Snapshot } from './image-access.js';
import type { LiveContainer, ManagerOptions, WaitCondition, WaitResult } from './live-container.js';
import { createContainer } from './create.js';
import { attachProcess } from './exits.js';
import * as lifecycle from './lifecycle.js';
import * as pausing from './pause.js';
import * as removal from './remove.js';
import { restore, type RestoreProblem } from './restore.js';

export type { EventSink, LiveContainer, ManagerOptions } from './live-container.js';
export { mergeImageConfig } from './image-config-merge.js';

export class ContainerManager {
  readonly store: ContainerStore;
  readonly containers = new Map<string, LiveContainer>();
  private readonly runtimeClis = new Map<string, RuntimeCli>();
  /** 'started' (id, process): lets an attach made before start pick up the process; 'removed' (id) ends it. */
  readonly started = new EventEmitter();

  constructor(readonly opts: ManagerOptions) {
    this.store = new ContainerStore(join(opts.dataRoot, 'containers'));
    this.started.setMaxListeners(0);
  }

  runtime(name: string): RuntimeCli {
    const path = this.opts.runtimes[name] ?? (name.startsWith('/') ? name : undefined);
    if (!path) throw invalid(`unknown or invalid runtime name: ${name}`);
    let cli = this.runtimeClis.get(path);
    if (!cli) {
      cli = new RuntimeCli(path, join(this.opts.dataRoot, 'runtime', posix.basename(path)));
      this.runtimeClis.set(path, cli);
    }
    return cli;
  }

  /** The container's cgroup: under its --cgroup-parent, else the daemon's (/berth by default). */
  cgroupsPath(id: string, own = this.containers.get(id)?.record.HostConfig.CgroupParent): string {
    const parent = own ? `/${own.replace(/^\/+|\/+$/g, '')}` : this.opts.cgroupParent ?? '/berth';
    return `${parent}/${id}`;
  }

  /** Every container's record, newest first (the order of `docker ps` and `system df`). */
  recordsNewestFirst(): ContainerRecord[] {
    return [...this.containers.values()].map((c) => c.record).sort((a, b) => b.Created.localeCompare(a.Created));
  }

  /** By full id, name (with or without '/'), or unique id prefix. */
  get(ref: string): LiveContainer {
    const byId = this.containers.get(ref);
    if (byId) return byId;
    const byName = this.byName(ref.startsWith('/') ? ref : `/${ref}`);
    if (byName) return byName;
    if (!/^[0-9a-f]+$/.test(ref)) throw notFound(ref);
    const matches = [...this.containers.values()].filter((c) => c.record.Id.startsWith(ref));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw invalid(`multiple IDs found with provided prefix: ${ref}`);
    throw notFound(ref);
  }

  /** The container named `fullName` ('/name'), if any. */
  byName(fullName: string): LiveContainer | undefined {
    for (const c of this.containers.values()) if (c.record.Name === fullName) return c;
    return undefined;
  }

  emit(c: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    const attrs = { ...(c.Config.Labels ?? {}), image: c.ImageRef, name: c.Name.slice(1), ...extra };
    this.opts.events.publish('container', action, c.Id, attrs);
  }

  /** Mounts the container's snapshot; one prepare at a time per container, so a prepare left
   * running by create and a later one never mount it twice. `background`: begin only after the
   * current answer went out (the mount's spawn blocks the event loop for a few ms). */
  prepareSnapshot(c: LiveContainer, background = false): Promise<Snapshot> {
    const turn = (c.snapshotReady ?? Promise.resolve()).catch(() => undefined);
    const next = (background ? turn.then(() => new Promise<void>((r) => setImmediate(r))) : turn).then(() => this.opts.images.prepare(c.record.SnapshotKey, c.record.Image));
    c.snapshotReady = next;
    return next;
  }

  save(c: LiveContainer): void {
    this.store.save(c.record);
  }

  create(body: DockerCreateBody, name: string | undefined): Promise<{ Id: string; Warnings: string[] }> { return createContainer(this, body, name); }
  start(ref: string): Promise<void> { return lifecycle.start(this, ref); }
  wait(ref: string, condition: WaitCondition, gone?: AbortSignal): Promise<WaitResult> { return lifecycle.wait(this, ref, condition, gone); }
  kill(ref: string, signal?: string): Promise<void> { return lifecycle.kill(this, ref, signal); }
  stop(ref: string, timeoutSec?: number, signal?: string): Promise<void> { return lifecycle.stop(this, ref, timeoutSec, signal); }
  restart(ref: string, timeoutSec?: number, signal?: string): Promise<void> { return lifecycle.restart(this, ref, timeoutSec, signal); }
  pause(ref: string): Promise<void> { return pausing.pause(this, ref); }
  unpause(ref: string): Promise<void> { return pausing.unpause(this, ref); }
  remove(ref: string, opts: { force: boolean; volumes: boolean }): Promise<void> { return removal.remove(this, ref, opts); }
  volumeInUse(name: string): boolean { return removal.volumeInUse(this, name); }
  attachProcess(c: LiveContainer, proc: MonitoredProcess): void { attachProcess(this, c, proc); }
  restore(): Promise<RestoreProblem[]> { return restore(this); }

  rename(ref: string, newName: string): void {
    const c = this.get(ref);
    if (!newName) throw invalid('Neither old nor new names may be empty');
    const full = newName.startsWith('/') ? newName : `/${newName}`;
    if (full === c.record.Name) throw invalid('Renaming a container with the same name as its current name');
    if (!isValidName(newName)) throw invalid(`Error when allocating new name: Invalid container name (${full}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const owner = this.byName(full);
    if (owner) throw conflict(`Error when allocating new name: Conflict. The container name "${full}" is already in use by container "${owner.record.Id}". You have to remove (or rename) that container to be able to reuse that name.`);
    const oldName = c.record.Name;
    c.record.Name = full;
    this.save(c);
    this.emit(c.record, 'rename', { oldName });
  }

  resize(ref: string, height: number, width: number): void {
    const c = this.get(ref);
    if (!c.record.State.Running || !c.process) throw notRunning(c.record.Id);
    c.process.resize(height, width);
  }
}
