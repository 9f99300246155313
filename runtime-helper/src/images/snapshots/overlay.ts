// overlay2 snapshots: snapshots/<key>/{upper,work,merged} mounted over the container's init layer
// (snapshots/<key>/init, init-layer.ts) and the image's layer dirs, these named by their short
// links (relative to image/l, the mount's working directory) so the option string fits in one page.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { StorePaths } from '../store-paths.js';
import type { ImageStore } from '../image-store.js';
import type { LayerStore } from '../layer-store.js';
import type { Change, Snapshot, Snapshotter } from './snapshotter.js';
import { walkTree, isWhiteout } from './walk.js';
import { diffTar, type DiffEntry } from './diff-tar.js';
import { listXattrs } from '../extract/fsops.js';
import { ensureInitLayer } from './init-layer.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import { InvalidParameter, NotFound } from '../../api/errors.js';
import { runProgram as run } from '../../util/spawner.js';

export interface SnapshotMeta { imageId: string; chain: string[] }

export function checkKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(key)) throw new InvalidParameter(`invalid snapshot key "${key}"`);
}

export function isMountPoint(path: string): boolean {
  const info = readFileSync('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((l) => l.split(' ')[4] === path);
}

export function readMeta(dir: string, key: string): SnapshotMeta {
  try { return JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as SnapshotMeta; } catch {
    throw new NotFound(`snapshot ${key} not found`);
  }
}

export function listSnapshots(paths: StorePaths): { key: string; imageId: string }[] {
  if (!existsSync(paths.snapshots)) return [];
  return readdirSync(paths.snapshots).flatMap((key) => {
    try { return [{ key, imageId: readMeta(paths.snapshot(key), key).imageId }]; } catch { return []; }
  });
}

/** Does `rel` exist in the image below (top layer first; whiteouts and opaque dirs hide what is under them)? */
export function lowerLookup(layers: LayerStore, chain: readonly string[], rel: string): Stats | null {
  for (const c of [...chain].reverse()) {
    const dir = layers.diffDir(c);
    const parts = rel.split('/');
    // A whiteout of any ancestor in this layer hides the path in every lower layer.
    for (let i = 1; i < parts.length; i++) {
      try { if (isWhiteout(lstatSync(join(dir, ...parts.slice(0, i))))) return null; } catch { /* absent here */ }
    }
    try {
      const st = lstatSync(join(dir, rel));
      return isWhiteout(st) ? null : st;
    } catch { /* not in this layer */ }
    // An opaque ancestor in this layer hides everything below it.
    if (layers.get(c).opaqueDirs.some((d) => d === '' || rel.startsWith(`${d}/`))) return null;
  }
  return null;
}

export class OverlaySnapshotter implements Snapshotter {
  readonly driver = 'overlay2' as const;

  constructor(private readonly paths: StorePaths, private readonly images: ImageStore, private readonly layers: LayerStore) {}

  private dirs(key: string): { dir: string; upper: string; work: string; merged: string; empty: string; init: string } {
    checkKey(key);
    const dir = this.paths.snapshot(key);
    return { dir, upper: join(dir, 'upper'), work: join(dir, 'work'), merged: join(dir, 'merged'), empty: join(dir, 'empty'), init: join(dir, 'init') };
  }

  async prepare(key: string, imageId: string): Promise<Snapshot> {
    const d = this.dirs(key);
    if (!existsSync(join(d.dir, 'meta.json'))) {
      const image = this.images.get(imageId);
      for (const p of [d.upper, d.work, d.merged, d.empty]) mkdirSync(p, { recursive: true });
      writeJsonAtomic(join(d.dir, 'meta.json'), { imageId, chain: image.chain } satisfies SnapshotMeta);
    }
    return this.mount(key);
  }

  async mount(key: string): Promise<Snapshot> {
    const d = this.dirs(key);
    const meta = readMeta(d.dir, key);
    if (!isMountPoint(d.merged)) {
      ensureInitLayer(d.init);
      const lowers = [d.init, ...(meta.chain.length ? this.layers.lowerLinks(meta.chain) : [d.empty])];
      // overlay needs two lower dirs when there is no upper; with an upper one is enough.
      const opts = `lowerdir=${lowers.join(':')},upperdir=${d.upper},workdir=${d.work}`;
      try {
        await run('mount', ['-t', 'overlay', 'overlay', '-o', opts, d.merged], { cwd: this.paths.links });
      } catch (err) {
        throw new Error(`mount overlay for snapshot ${key}: ${String((err as { stderr?: string }).stderr ?? err).trim()}`);
      }
    }
    return { rootfs: d.merged, upperDir: d.upper };
  }

  async unmount(key: string): Promise<void> {
    const d = this.dirs(key);
    if (!isMountPoint(d.merged)) return;
    try { await run('umount', [d.merged]); } catch {
      await run('umount', ['-l', d.merged]);
    }
  }

  async remove(key: string): Promise<void> {
    const d = this.dirs(key);
    if (!existsSync(d.dir)) return;
    await this.unmount(key);
    rmSync(d.dir, { recursive: true, force: true });
  }

  private async diffEntries(key: string): Promise<{ entries: DiffEntry[]; chain: string[]; upper: string }> {
    const d = this.dirs(key);
    const meta = readMeta(d.dir, key);
    const all = [...walkTree(d.upper)];
    const dirs = all.filter((e) => e.st.isDirectory()).map((e) => e.rel);
    const x = await listXattrs(d.upper, dirs);
    const entries: DiffEntry[] = [];
    for (const e of all) {
      if (isWhiteout(e.st)) { entries.push({ ...e, kind: 'whiteout' }); continue; }
      entries.push({ ...e, kind: 'entry' });
      if (e.st.isDirectory() && x.get(e.rel)?.get('trusted.overlay.opaque')?.toString() === 'y') entries.push({ ...e, kind: 'opaque' });
    }
    return { entries, chain: meta.chain, upper: d.upper };
  }

  async changes(key: string): Promise<Change[]> {
    const { entries, chain } = await this.diffEntries(key);
    return entries.filter((e) => e.kind !== 'opaque').map((e) => ({
      Path: `/${e.rel}`,
      Kind: e.kind === 'whiteout' ? 2 : lowerLookup(this.layers, chain, e.rel) ? 0 : 1,
    }));
  }

  async exportDiff(key: string): Promise<Readable> {
    const { entries, upper } = await this.diffEntries(key);
    return diffTar(upper, entries);
  }

  list(): { key: string; imageId: string }[] { return listSnapshots(this.paths); }
}
