// Mounts of the volumes created with options (type, device, o): as dockerd's local driver, the
// filesystem is mounted on the volume's _data when a container that uses it starts, and unmounted
// when the last such container exits (or, if still mounted, when the volume is removed). Users are
// counted per volume as a set of container IDs, so a second release is harmless; after a berthd
// restart the sets are rebuilt from the running containers (adopt), never by unmounting.
import { lstatSync, readFileSync } from 'node:fs';
import { runProgram } from '../util/spawner.js';
import { hasMountOptions } from './local-options.js';
import type { Volume } from './volume-store.js';

/** What a container mounts: the volume entries of its resolved mounts. */
export interface VolumeUse { type: string; name?: string | undefined }

/** mountinfo escapes space, tab, newline and backslash as octal (\040). */
const unescapeMountinfo = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));

export function isMountPoint(path: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => {
    const field = l.split(' ')[4];
    return field !== undefined && unescapeMountinfo(field) === path;
  });
}

const errText = (e: unknown): string => {
  const err = e as { stderr?: string; message?: string };
  return (err.stderr?.trim() || err.message || String(e)).replace(/\s+/g, ' ');
};

/** The per-mount flags (mountinfo's sixth field: ro, nosuid, nodev, noexec, ...) of the mount at path. */
export function mountFlags(path: string): string[] {
  let flags: string[] = [];
  for (const l of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = l.split(' ');
    if (f[4] !== undefined && unescapeMountinfo(f[4]) === path) flags = (f[5] ?? '').split(','); // the last (top) one wins
  }
  return flags;
}

/** The mount flags a container's bind of a mounted volume keeps (the runtime's remount for the
 * bind would clear them; dockerd's runc keeps them). */
const kept = ['nosuid', 'nodev', 'noexec'];

export class LocalMounts {
  /** volume name -> the containers using its mount. */
  private readonly users = new Map<string, Set<string>>();
  /** container ID -> the option volumes it holds. */
  private readonly held = new Map<string, string[]>();
  /** Per volume, the end of its queue of mount and unmount steps. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly lookup: (name: string) => Volume | null, private readonly all: () => Volume[]) {}

  /** Whether this mount is a volume mounted by this module (not to be filled from the image). */
  isLocalMount(m: VolumeUse): boolean {
    return m.type === 'volume' && !!m.name && hasMountOptions(this.lookup(m.name)?.Options);
  }

  /** The container's mounts with, for each mounted volume, the flags its mount has (o=bind,ro:
   * read-only in the container too, as dockerd gives it). */
  withMountFlags<M extends VolumeUse & { source: string; readOnly: boolean; options?: string[] }>(mounts: readonly M[]): M[] {
    return mounts.map((m) => {
      if (!this.isLocalMount(m)) return m;
      const flags = mountFlags(m.source);
      const extra = kept.filter((f) => flags.includes(f) && !(m.options ?? []).includes(f));
      return { ...m, readOnly: m.readOnly || flags.includes('ro'), ...(extra.length ? { options: [...(m.options ?? []), ...extra] } : {}) };
    });
  }

  /** The mount count of a volume (tests and inspection). */
  userCount(name: string): number {
    return this.users.get(name)?.size ?? 0;
  }

  /** Mounts the container's option volumes not mounted yet and counts it as their user. On a failure
   * nothing this call mounted stays mounted, and the error names the volume. */
  async acquire(containerId: string, mounts: readonly VolumeUse[]): Promise<void> {
    const names = [...new Set(mounts.filter((m) => this.isLocalMount(m)).map((m) => m.name!))];
    if (!names.length) return;
    const done: string[] = [];
    try {
      for (const name of names) {
        await this.serial(name, async () => {
          const set = this.users.get(name) ?? new Set<string>();
          if (set.size === 0 || !isMountPoint(this.lookup(name)?.Mountpoint ?? '')) await this.mount(name);
          set.add(containerId);
          this.users.set(name, set);
        });
        done.push(name);
        this.held.set(containerId, [...new Set([...(this.held.get(containerId) ?? []), name])]);
      }
    } catch (e) {
      await this.release(containerId);
      throw e;
    }
  }

  /** After a berthd restart: a running container's volumes are mounted already; count it. */
  adopt(containerId: string, mounts: readonly VolumeUse[]): void {
    const names = [...new Set(mounts.filter((m) => this.isLocalMount(m)).map((m) => m.name!))];
    if (!names.length) return;
    for (const name of names) {
      const set = this.users.get(name) ?? new Set<string>();
      set.add(containerId);
      this.users.set(name, set);
    }
    this.held.set(containerId, names);
  }

  /** The container no longer uses its volumes: each one whose last user it was is unmounted.
   * Undefined when it held none (exit paths need not wait then). Never rejects: an unmount that
   * fails is retried at the volume's removal and at the next berthd start. */
  release(containerId: string): Promise<void> | undefined {
    const names = this.held.get(containerId);
    if (!names) return undefined;
    this.held.delete(containerId);
    return Promise.all(names.map((name) => this.serial(name, async () => {
      const set = this.users.get(name);
      set?.delete(containerId);
      if (set && set.size > 0) return;
      this.users.delete(name);
      await this.unmount(name);
    }).catch(() => undefined))).then(() => undefined);
  }

  /** Before a volume is deleted: unmounts it if something left it mounted (it has no users then). */
  unmountUnused(name: string): Promise<void> {
    return this.serial(name, async () => {
      if (this.userCount(name) > 0) throw new Error(`volume ${name} is mounted for ${[...this.users.get(name)!].join(', ')}`);
      await this.unmount(name);
    });
  }

  /** After restore: option volumes still mounted with no running user (their container ended while
   * berthd was down) are unmounted, as dockerd's local driver unmounts them at its start. */
  async sweep(): Promise<void> {
    for (const v of this.all()) {
      if (!hasMountOptions(v.Options)) continue;
      // Counted in the queue: a start queued before this step has its user by then.
      await this.serial(v.Name, async () => { if (this.userCount(v.Name) === 0) await this.unmount(v.Name); }).catch(() => undefined);
    }
  }

  private serial<T>(name: string, step: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(name) ?? Promise.resolve();
    const next = prev.then(step, step);
    const settled = next.catch(() => undefined);
    this.queues.set(name, settled);
    void settled.then(() => { if (this.queues.get(name) === settled) this.queues.delete(name); });
    return next;
  }

  private async mount(name: string): Promise<void> {
    const v = this.lookup(name);
    if (!v) throw new Error(`mount volume ${name}: no such volume`);
    const target = v.Mountpoint;
    const { type = '', device = '', o = '' } = v.Options;
    const failed = (why: string): Error => new Error(`error while mounting volume '${target}': failed to mount local volume ${name}: mount ${device}:${target} (type ${type}${o ? `, options ${o}` : ''}): ${why}`);
    // _data is berthd's own directory; a symlink there (never made by berthd) is not followed.
    let st;
    try { st = lstatSync(target); } catch (e) { throw failed(errText(e)); }
    if (!st.isDirectory() || st.isSymbolicLink()) throw failed('the mount point is not a directory');
    if (!device) throw failed('missing device in volume options');
    // -i: no /sbin/mount.<type> helper (they may reach the network); -n: no mtab; -c: the paths as
    // given, no canonicalization; -t/-o/device as dockerd hands them to mount(2).
    const args = ['-i', '-n', '-c', '-t', type, ...(o ? ['-o', o] : []), '--', device, target];
    try {
      await runProgram('mount', args, { timeoutMs: 30_000 });
    } catch (e) {
      // mount(8) can fail after a first step (bind, then the remount for ro): undo what it left.
      await this.unmount(name).catch(() => undefined);
      throw failed(errText(e));
    }
  }

  /** Unmounts the volume's _data (every mount stacked there); nothing to do when not mounted. */
  private async unmount(name: string): Promise<void> {
    const v = this.lookup(name);
    if (!v) return;
    for (let i = 0; i < 8 && isMountPoint(v.Mountpoint); i++) {
      try {
        await runProgram('umount', ['-n', '-c', v.Mountpoint], { timeoutMs: 30_000 });
      } catch (e) {
        if (!isMountPoint(v.Mountpoint)) break;
        // Busy (a file open in it): detach it now; the kernel frees it when the last file closes.
        await runProgram('umount', ['-n', '-c', '-l', v.Mountpoint], { timeoutMs: 30_000 }).catch(() => { throw new Error(`unmount volume ${name} at ${v.Mountpoint}: ${errText(e)}`); });
      }
    }
    if (isMountPoint(v.Mountpoint)) throw new Error(`unmount volume ${name} at ${v.Mountpoint}: still mounted`);
  }
}
