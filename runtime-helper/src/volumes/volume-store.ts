// Named volumes (the `local` driver): <root>/<name>/_data holds the files, <root>/<name>/volume.json
// the metadata. Names follow Docker's rule, so '/' and '..' can never reach the filesystem.
// A volume created with options (type, device, o) has its filesystem mounted on _data while
// containers use it (local-mounts.ts); its directory is never deleted while anything is mounted there.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../util/atomic.js';
import { LocalOptionsError, validateLocalOptions } from './local-options.js';
import { isMountPoint, LocalMounts } from './local-mounts.js';

export class VolumeError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export interface Volume {
  Name: string;
  Driver: 'local';
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Scope: 'local';
  /** Created for a container's anonymous volume (removed with `rm -v`). */
  Anonymous?: boolean;
}

/** A volume as the API shows it (without berthd's own bookkeeping), as dockerd does: CreatedAt to
 * the second, no labels or options as null. */
export function volumeView(v: Volume): Record<string, unknown> {
  const { Anonymous: _a, ...rest } = v;
  void _a;
  const orNull = (o: Record<string, string> | null | undefined): Record<string, string> | null => (o && Object.keys(o).length ? o : null);
  return { ...rest, CreatedAt: v.CreatedAt.replace(/\.\d+Z$/, 'Z'), Labels: orNull(v.Labels), Options: orNull(v.Options) };
}

const validName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function assertVolumeName(name: string): void {
  if (!validName.test(name) || name.length > 255) {
    throw new VolumeError(400, `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
}

export class VolumeStore {
  /** The mounts of volumes created with options, counted per user container. */
  readonly mounts: LocalMounts;

  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    this.mounts = new LocalMounts((name) => this.get(name), () => this.list());
  }

  private metaPath(name: string): string {
    return join(this.root, name, 'volume.json');
  }

  get(name: string): Volume | null {
    if (!validName.test(name)) return null;
    try { return JSON.parse(readFileSync(this.metaPath(name), 'utf8')) as Volume; } catch { return null; }
  }

  /** Creates the volume, or returns the existing one of that name (as Docker does). */
  create(name: string | undefined, opts: { labels?: Record<string, string>; driver?: string; options?: Record<string, string>; anonymous?: boolean } = {}): { volume: Volume; created: boolean } {
    if (opts.driver && opts.driver !== 'local') throw new VolumeError(404, `create ${name}: error looking up volume plugin ${opts.driver}: plugin "${opts.driver}" not found`);
    const volName = name || randomBytes(32).toString('hex');
    assertVolumeName(volName);
    const existing = this.get(volName);
    // As dockerd: an existing volume is returned as it is, whatever options were asked for now.
    if (existing) return { volume: existing, created: false };
    const options = { ...(opts.options ?? {}) };
    try { validateLocalOptions(options); } catch (e) {
      if (e instanceof LocalOptionsError) throw new VolumeError(400, `create ${volName}: ${e.message}`);
      throw e;
    }
    const dir = join(this.root, volName);
    mkdirSync(join(dir, '_data'), { recursive: true, mode: 0o755 });
    const volume: Volume = {
      Name: volName, Driver: 'local', Mountpoint: join(dir, '_data'), CreatedAt: new Date().toISOString(),
      Labels: opts.labels ?? {}, Options: options, Scope: 'local', ...(opts.anonymous ? { Anonymous: true } : {}),
    };
    writeFileAtomic(this.metaPath(volName), JSON.stringify(volume));
    return { volume, created: true };
  }

  list(): Volume[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root).map((n) => this.get(n)).filter((v): v is Volume => v !== null);
  }

  /** Deletes the volume's directory; callers unmount it first (mounts.unmountUnused). A volume
   * still mounted is refused: deleting through the mount would delete a bind device's host files. */
  remove(name: string): void {
    const v = this.get(name);
    if (!v) throw new VolumeError(404, `get ${name}: no such volume`);
    if (isMountPoint(v.Mountpoint)) throw new VolumeError(500, `remove ${name}: the volume is still mounted at ${v.Mountpoint}`);
    rmSync(join(this.root, name), { recursive: true, force: true });
  }
}
