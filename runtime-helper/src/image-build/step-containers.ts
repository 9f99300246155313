// The containers a build step uses, made by berthd's own container machinery (create, start,
// the json-file log, wait, remove): RUN runs its command in one; COPY, ADD and WORKDIR change
// the files of one that never starts; COPY --from reads a stage's files through one.
import { mkdirSync, lchownSync, lstatSync } from 'node:fs';
import { posix } from 'node:path';
import type { ContainerServices } from '../containers/services.js';
import { createBodySchema } from '../containers/docker-types.js';
import type { ContainerConfig } from '../images/image-config.js';
import { readLogs } from '../containers/logs-reader.js';
import { containerView, resolveInView, type ContainerView } from '../containers/container-view.js';

export interface RunSettings {
  networkMode: string;
  resources: Record<string, number | string>;
}

export class StepContainers {
  constructor(private readonly services: ContainerServices, private readonly settings: RunSettings) {}

  /** A container of `imageId` with the step's config; `run`: its command runs as the config's user. */
  async create(imageId: string, config: ContainerConfig, cmd: string[], run: boolean): Promise<string> {
    const body = createBodySchema.parse({
      Image: imageId, Cmd: cmd, Entrypoint: [], Env: config.Env ?? [], WorkingDir: config.WorkingDir ?? '',
      // A file step needs no user lookup (the image's USER may name one made later).
      User: run ? (config.User || '0') : '0',
      // The image's health check must not probe a build step.
      Healthcheck: { Test: ['NONE'] },
      HostConfig: { NetworkMode: this.settings.networkMode || 'default', ...this.settings.resources },
    });
    const { Id } = await this.services.manager.create(body, undefined);
    return Id;
  }

  /**
   * Starts it, hands each chunk of its output on as it is logged, and returns its exit code. A
   * cancelled build (the client went away) kills it, as dockerd does.
   */
  async run(id: string, onOutput: (text: string) => void, cancel?: AbortSignal): Promise<number> {
    const { manager } = this.services;
    // As dockerd's builder, which attaches to a RUN's container before starting it.
    manager.emit(manager.get(id).record, 'attach');
    await manager.start(id);
    const kill = (): void => { manager.kill(id, 'KILL').catch(() => {}); };
    cancel?.addEventListener('abort', kill, { once: true });
    if (cancel?.aborted) kill(); // gone while the container was being made
    try { return await this.follow(id, onOutput); } finally { cancel?.removeEventListener('abort', kill); }
  }

  private async follow(id: string, onOutput: (text: string) => void): Promise<number> {
    const { manager } = this.services;
    const c = manager.get(id);
    if (c.record.LogPath) {
      await readLogs(c.record.LogPath, { stdout: true, stderr: true, since: 0n, until: 0n, tail: -1, follow: true },
        (e) => onOutput(e.log), () => manager.get(id).record.State.Running, () => false);
    }
    const r = await manager.wait(id, 'not-running');
    return r.StatusCode;
  }

  /** The container's root as a step writes it (no mounts: a build step writes the image's files). */
  async view(id: string): Promise<{ view: ContainerView; rootfs: string; snapshotKey: string }> {
    const c = this.services.manager.get(id);
    const snap = await this.services.manager.prepareSnapshot(c);
    return { view: containerView(snap.rootfs, [], false), rootfs: snap.rootfs, snapshotKey: c.record.SnapshotKey };
  }

  async remove(id: string): Promise<void> {
    await this.services.manager.remove(id, { force: true, volumes: true });
  }

  snapshotKey(id: string): string { return this.services.manager.get(id).record.SnapshotKey; }
}

/** mkdir -p inside the container's root (each component resolved in it); new directories get `owner`. */
export function mkdirInView(view: ContainerView, dir: string, owner: { uid: number; gid: number }): void {
  const parts = posix.normalize(dir).split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const target = resolveInView(view, `/${parts.slice(0, i).join('/')}`, true, true);
    let st;
    try { st = lstatSync(target.host); } catch { st = undefined; }
    if (st?.isDirectory()) continue;
    if (st) throw new Error(`mkdir ${dir}: ${target.path} is not a directory`);
    mkdirSync(target.host, { mode: 0o755 });
    lchownSync(target.host, owner.uid, owner.gid);
  }
}

/** Whether a container path is an existing directory in the view. */
export function isDirInView(view: ContainerView, path: string): boolean {
  try { return lstatSync(resolveInView(view, path, true, true).host).isDirectory(); } catch { return false; }
}
