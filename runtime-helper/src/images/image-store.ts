// Image records: the config (a blob, its digest is the image ID) plus local metadata (when it
// arrived, when it was last tagged), kept in memory and in image/meta/<id>.json.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonRecord, writeJsonRecordAsync } from './durable-write.js';
import { fsyncDir } from '../util/atomic.js';
import { chainIds, isSha256 } from '../util/digest.js';
import type { StorePaths } from './store-paths.js';
import type { BlobStore } from './blob-store.js';
import type { LayerStore } from './layer-store.js';
import { parseImageConfig, type ImageConfig } from './image-config.js';
import { InvalidParameter, NotFound } from '../api/errors.js';

/** `parent`: the image a commit was made from (dockerd keeps it beside the image, not in its config). */
export interface ImageMeta { id: string; added: string; lastTagTime?: string; parent?: string }

export interface ImageRecord {
  id: string;
  config: ImageConfig;
  /** ChainIDs bottom first. */
  chain: string[];
  meta: ImageMeta;
}

export class ImageStore {
  private readonly images = new Map<string, ImageRecord>();

  constructor(private readonly paths: StorePaths, private readonly blobs: BlobStore, private readonly layers: LayerStore) {
    mkdirSync(paths.imageMeta, { recursive: true });
    for (const name of readdirSync(paths.imageMeta)) {
      if (!name.endsWith('.json')) continue;
      try {
        const meta = JSON.parse(readFileSync(join(paths.imageMeta, name), 'utf8')) as ImageMeta;
        const config = parseImageConfig(this.blobs.read(meta.id), `image ${meta.id}`);
        const chain = chainIds(config.rootfs.diff_ids);
        if (!chain.every((c) => this.layers.has(c))) continue;
        this.images.set(meta.id, { id: meta.id, config, chain, meta });
      } catch {
        // An image whose config or layers are gone is not an image; leave its file for inspection.
      }
    }
  }

  /** Registers an image whose layers are already unpacked. Idempotent. */
  add(configBytes: Buffer, parent?: string): ImageRecord {
    const id = this.blobs.putBuffer(configBytes);
    const existing = this.images.get(id);
    if (existing) return existing;
    const record = this.newRecord(id, configBytes, undefined);
    if (parent !== undefined && parent !== id) record.meta.parent = parent;
    writeJsonRecord(this.paths.imageMetaFile(id), record.meta);
    this.images.set(id, record);
    return record;
  }

  /**
   * add() with the disk work on the thread pool (a pull's end): config blob durable, then the
   * image's meta file durable, then the image is visible. `tagTime` records a tag in the same
   * write (what touchTag would do after it).
   */
  async addAsync(configBytes: Buffer, tagTime?: string): Promise<ImageRecord> {
    const id = await this.blobs.putBufferAsync(configBytes);
    const existing = this.images.get(id);
    if (existing) {
      if (tagTime !== undefined) await this.touchTagAsync(id, tagTime);
      return existing;
    }
    const record = this.newRecord(id, configBytes, tagTime);
    await writeJsonRecordAsync(this.paths.imageMetaFile(id), record.meta);
    // Another add of the same image may have finished meanwhile; either record describes it.
    const raced = this.images.get(id);
    if (raced) return raced;
    this.images.set(id, record);
    return record;
  }

  private newRecord(id: string, configBytes: Buffer, tagTime: string | undefined): ImageRecord {
    let config: ImageConfig;
    try { config = parseImageConfig(configBytes, `image config ${id}`); } catch (err) {
      throw new InvalidParameter((err as Error).message);
    }
    const chain = chainIds(config.rootfs.diff_ids);
    for (const c of chain) if (!this.layers.has(c)) throw new InvalidParameter(`image ${id}: layer ${c} is not in the store`);
    const meta: ImageMeta = { id, added: new Date().toISOString(), ...(tagTime !== undefined ? { lastTagTime: tagTime } : {}) };
    return { id, config, chain, meta };
  }

  get(id: string): ImageRecord {
    const r = this.images.get(id);
    if (!r) throw new NotFound(`No such image: ${id}`);
    return r;
  }

  has(id: string): boolean { return this.images.has(id); }

  list(): ImageRecord[] { return [...this.images.values()]; }

  /** Images committed from this one (dockerd's child images: they hold it against rmi). */
  children(id: string): ImageRecord[] { return this.list().filter((r) => r.meta.parent === id); }

  /** The image this one was committed from, if it is still in the store. */
  parentOf(id: string): ImageRecord | undefined {
    const parent = this.images.get(id)?.meta.parent;
    return parent === undefined ? undefined : this.images.get(parent);
  }

  /** IDs starting with a hex prefix (with or without "sha256:"). */
  searchPrefix(prefix: string): string[] {
    const hex = prefix.startsWith('sha256:') ? prefix.slice(7) : prefix;
    if (!/^[a-f0-9]+$/.test(hex)) return [];
    const full = `sha256:${hex}`;
    if (isSha256(full) && this.images.has(full)) return [full];
    return [...this.images.keys()].filter((id) => id.startsWith(full));
  }

  touchTag(id: string): void {
    const r = this.images.get(id);
    if (!r) return;
    r.meta = { ...r.meta, lastTagTime: new Date().toISOString() };
    writeJsonRecord(this.paths.imageMetaFile(id), r.meta);
  }

  async touchTagAsync(id: string, time: string): Promise<void> {
    const r = this.images.get(id);
    if (!r) return;
    r.meta = { ...r.meta, lastTagTime: time };
    await writeJsonRecordAsync(this.paths.imageMetaFile(id), r.meta);
  }

  /** Forgets the image; its config blob and layers are the collector's to delete (image-gc.ts). */
  delete(id: string): void {
    this.images.delete(id);
    rmSync(this.paths.imageMetaFile(id), { force: true });
    fsyncDir(this.paths.imageMeta);
  }
}
