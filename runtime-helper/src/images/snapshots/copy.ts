// vfs snapshots (where overlay is missing): the image's layers copied one by one into
// snapshots/<key>/rootfs, applying whiteouts and opaque dirs recorded at unpack time, then the
// init layer (snapshots/<key>/init, as overlay2's) laid over the copy. Changes are found by
// comparing the copy with the init layer and the image's layers, so the init files never show.
import { existsSync, mkdirSync, readdirSync, rmSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import type { StorePaths } from '../store-paths.js';
import type { ImageStore } from '../image-store.js';
import type { LayerStore } from '../layer-store.js';
import type { Change, Snapshot, Snapshotter } from './snapshotter.js';
import { walkTree, isWhiteout } from './walk.js';
import { diffTar, type DiffEntry } from './diff-tar.js';
import { checkKey, readMeta, listSnapshots, lowerLookup, type SnapshotMeta } from './overlay.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import { entryComponents } from '../extract/entry-path.js';
import { ensureInitLayer, initLayerLookup, overlayInitLayer } from './init-layer.js';

const run = promisify(execFile);

export class CopySnapshotter implements Snapshotter {
  readonly driver = 'vfs' as const;

  constructor(private readonly paths: StorePaths, private readonly images: ImageStore, private readonly layers: LayerStore) {}

  private dirs(key: string): { dir: string; rootfs: string; init: string } {
    checkKey(key);
    const dir = this.paths.snapshot(key);
    return { dir, rootfs: join(dir, 'rootfs'), init: join(dir, 'init') };
  }

  /** What the container started with at `rel`: the init layer's entry (snapshots made with one), else the image's. */
  private lower(init: string, chain: readonly string[], rel: string): Stats | null {
    return initLayerLookup(init, rel) ?? lowerLookup(this.layers, chain, rel);
  }

  async prepare(key: string, imageId: string): Promise<Snapshot> {
    const d = this.dirs(key);
    if (existsSync(join(d.dir, 'meta.json'))) return this.mount(key);
    const image = this.images.get(imageId);
    const tmp = `${d.rootfs}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    for (const chainId of image.chain) {
      const layer = this.layers.get(chainId);
      // Paths were validated at unpack time; re-checking keeps a tampered meta.json from escaping.
      for (const rel of layer.opaqueDirs) {
        const dir = join(tmp, ...entryComponents(rel));
        if (existsSync(dir)) for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
      }
      for (const rel of layer.whiteouts) rmSync(join(tmp, ...entryComponents(rel)), { recursive: true, force: true });
      await run('cp', ['-a', '--reflink=auto', `${this.layers.diffDir(chainId)}/.`, `${tmp}/`]);
      for (const rel of layer.whiteouts) rmSync(join(tmp, ...entryComponents(rel)), { recursive: true, force: true });
    }
    // As overlay2's: the init layer above the image (vfs has no layers, so it is laid into the copy).
    ensureInitLayer(d.init);
    overlayInitLayer(d.init, tmp);
    rmSync(d.rootfs, { recursive: true, force: true });
    await run('mv', ['-T', tmp, d.rootfs]);
    writeJsonAtomic(join(d.dir, 'meta.json'), { imageId, chain: image.chain } satisfies SnapshotMeta);
    return this.mount(key);
  }

  async mount(key: string): Promise<Snapshot> {
    const d = this.dirs(key);
    readMeta(d.dir, key);
    return { rootfs: d.rootfs, upperDir: d.rootfs };
  }

  async unmount(): Promise<void> { /* nothing is mounted */ }

  async remove(key: string): Promise<void> {
    rmSync(this.dirs(key).dir, { recursive: true, force: true });
  }

  private diffEntries(key: string): { entries: DiffEntry[]; changes: Change[]; rootfs: string } {
    const d = this.dirs(key);
    const meta = readMeta(d.dir, key);
    const entries: DiffEntry[] = [];
    const changes: Change[] = [];
    const present = new Set<string>();
    for (const e of walkTree(d.rootfs)) {
      present.add(e.rel);
      const lower = this.lower(d.init, meta.chain, e.rel);
      const same = lower !== null && !e.st.isDirectory() && lower.mode === e.st.mode && lower.size === e.st.size
        && lower.mtimeMs === e.st.mtimeMs && lower.uid === e.st.uid && lower.gid === e.st.gid;
      const sameDir = lower !== null && e.st.isDirectory() && lower.isDirectory() && lower.mode === e.st.mode && lower.mtimeMs === e.st.mtimeMs;
      if (same || sameDir) continue;
      entries.push({ ...e, kind: 'entry' });
      changes.push({ Path: `/${e.rel}`, Kind: lower ? 0 : 1 });
    }
    // Deleted: anything in the image that is gone from the copy.
    const seen = new Set<string>();
    const dirs = [...(existsSync(d.init) ? [d.init] : []), ...meta.chain.map((c) => this.layers.diffDir(c))];
    for (const dir of dirs) {
      for (const e of walkTree(dir)) {
        if (seen.has(e.rel) || present.has(e.rel) || isWhiteout(e.st)) continue;
        seen.add(e.rel);
        const parent = e.rel.includes('/') ? e.rel.slice(0, e.rel.lastIndexOf('/')) : '';
        if (parent && !present.has(parent)) continue;
        if (this.lower(d.init, meta.chain, e.rel) === null) continue;
        entries.push({ ...e, kind: 'whiteout' });
        changes.push({ Path: `/${e.rel}`, Kind: 2 });
      }
    }
    return { entries, changes, rootfs: d.rootfs };
  }

  async changes(key: string): Promise<Change[]> { return this.diffEntries(key).changes; }

  async exportDiff(key: string): Promise<Readable> {
    const { entries, rootfs } = this.diffEntries(key);
    return diffTar(rootfs, entries);
  }

  list(): { key: string; imageId: string }[] { return listSnapshots(this.paths); }
}
