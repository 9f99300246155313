// The image operations the API exposes: resolve names, tag, untag, delete with Docker's conflict
// rules, prune; after a delete the collector (image-gc.ts) removes what nothing references.
import type { Logger } from '../util/log.js';
import type { EventBus } from '../events/bus.js';
import { StorePaths } from './store-paths.js';
import { BlobStore } from './blob-store.js';
import { LayerStore } from './layer-store.js';
import { ImageStore, type ImageRecord } from './image-store.js';
import { ReferenceStore, parseImageName } from './reference-store.js';
import { emptyCatalog, type ContainerCatalog } from './usage.js';
import { InvalidParameter, NotFound } from '../api/errors.js';
import { familiarString, withDefaultTag, type ImageReference } from '../registry/reference.js';
import { isSha256 } from '../util/digest.js';
import type { Snapshotter } from './snapshots/snapshotter.js';
import { OverlaySnapshotter } from './snapshots/overlay.js';
import { CopySnapshotter } from './snapshots/copy.js';
import { applyChanges } from './changes.js';
import { archivePolicy } from './archive/load.js';
import type { ContainerConfig } from './image-config.js';
import { basename, dirname } from 'node:path';
import { DistributionMetadata } from '../registry/distribution-metadata.js';
import { ImageCollector, type CollectResult } from './image-gc.js';
import type { Lease } from './gc-lease.js';
import { removeImage } from './image-remove.js';

/** A write that has not used its expiring lease for this long is taken as failed (a pull the pipeline gave up on). */
const leaseIdleMs = 10 * 60 * 1000;
const leaseMaxMs = 24 * 60 * 60 * 1000;

export interface CommitOptions {
  /** The snapshot to commit (its key), or its upper dir as Snapshot.upperDir gave it. */
  snapshotKey?: string;
  upperDir?: string;
  parentImageId: string;
  config: ContainerConfig;
  changes?: string[];
  comment?: string;
  author?: string;
  containerId?: string;
  repo?: string;
  tag?: string;
  /** The history entry's created_by (dockerd: the container's command). */
  createdBy?: string;
  /** Added to the commit event's attributes (the container's name, image, labels). */
  eventAttributes?: Record<string, string>;
}

export type DeleteResponseItem = { Untagged: string } | { Deleted: string };

export class ImageService {
  readonly paths: StorePaths;
  readonly blobs: BlobStore;
  readonly layers: LayerStore;
  readonly images: ImageStore;
  readonly refs: ReferenceStore;
  readonly snapshots: Snapshotter;
  readonly distribution: DistributionMetadata;
  readonly gc: ImageCollector;
  /** Set by the container lifecycle; until then, snapshots tell which images are in use. */
  containers: ContainerCatalog;

  constructor(dataRoot: string, driver: 'overlay2' | 'vfs', readonly events: EventBus, readonly log: Logger) {
    this.paths = new StorePaths(dataRoot);
    this.blobs = new BlobStore(this.paths);
    this.layers = new LayerStore(this.paths, this.blobs);
    this.images = new ImageStore(this.paths, this.blobs, this.layers);
    this.refs = new ReferenceStore(this.paths.references);
    this.snapshots = driver === 'overlay2'
      ? new OverlaySnapshotter(this.paths, this.images, this.layers)
      : new CopySnapshotter(this.paths, this.images, this.layers);
    this.distribution = new DistributionMetadata(this.paths.distribution);
    this.gc = new ImageCollector(this, (err) => this.log.error({ err: err.message }, 'image garbage collection failed'));
    if (this.gc.resumeInterrupted()) this.log.info({}, 'image store: finished a garbage collection interrupted by a crash');
    this.containers = {
      ...emptyCatalog,
      usersOfImage: (imageId) => this.snapshots.list().filter((s) => s.imageId === imageId).map((s) => ({ containerId: s.key, running: false })),
    };
  }

  /**
   * A lease for a write into the store (see gc-lease.ts). `expiring`: for writers that may never
   * say they ended (the registry pipelines); it ends by itself once idle.
   */
  lease(expiring = false): Lease {
    return this.gc.leases.acquire(expiring ? { idleMs: leaseIdleMs, maxMs: leaseMaxMs } : {});
  }

  /** `docker commit`: the snapshot's changes become a new top layer on the parent image. */
  async commit(opts: CommitOptions): Promise<string> {
    const lease = this.lease();
    try { return await this.commitLeased(opts); } finally { lease.release(); }
  }

  private async commitLeased(opts: CommitOptions): Promise<string> {
    const key = opts.snapshotKey ?? (opts.upperDir ? basename(dirname(opts.upperDir)) : undefined);
    if (!key) throw new InvalidParameter('commit: a snapshot key or upper dir is required');
    const parent = this.images.get(opts.parentImageId);
    let ref: ImageReference | undefined;
    if (opts.repo) {
      ref = withDefaultTag(parseImageName(opts.tag ? `${opts.repo}:${opts.tag}` : opts.repo));
      if (ref.digest !== undefined) throw new InvalidParameter(`commit: cannot tag with a digest reference "${opts.repo}"`);
    }
    const config = applyChanges(opts.config, opts.changes ?? []);
    const tar = await this.snapshots.exportDiff(key);
    const spooled = await this.blobs.spool(tar);
    const diffId = this.blobs.commit(spooled);
    const top = parent.chain[parent.chain.length - 1] ?? null;
    await this.layers.ensure(diffId, top, archivePolicy);
    const now = new Date().toISOString();
    const { history = [], ...rest } = parent.config;
    const imageConfig = {
      ...rest,
      created: now,
      ...(opts.author ? { author: opts.author } : {}),
      ...(opts.comment ? { comment: opts.comment } : {}),
      ...(opts.containerId ? { container: opts.containerId } : {}),
      // dockerd records the container's config as it was, before the changes, beside the new one.
      container_config: opts.config,
      config,
      rootfs: { type: 'layers', diff_ids: [...parent.config.rootfs.diff_ids, diffId] },
      history: [...history, { created: now, ...(opts.createdBy ? { created_by: opts.createdBy } : {}), ...(opts.author ? { author: opts.author } : {}), ...(opts.comment ? { comment: opts.comment } : {}) }],
    };
    const image = this.images.add(Buffer.from(JSON.stringify(imageConfig)), parent.id);
    if (ref) {
      this.addReference(ref, image.id);
      this.imageEvent('tag', image.id, familiarString(ref));
    }
    this.events.publish('container', 'commit', opts.containerId ?? key, { ...opts.eventAttributes, comment: opts.comment ?? '', imageID: image.id, imageRef: ref ? familiarString(ref) : '' });
    return image.id;
  }

  /**
   * An image event as dockerd logs it: the name it was given, then the image's labels (none once
   * the image is deleted).
   */
  imageEvent(action: string, id: string, name: string): void {
    const labels = this.images.has(id) ? this.images.get(id).config.config?.Labels ?? {} : {};
    this.events.publish('image', action, id, { name, ...labels });
  }

  /** name -> image: a reference (repo[:tag] or repo@digest), a full ID, or an unambiguous ID prefix. */
  resolve(name: string): ImageRecord {
    if (name === '') throw new InvalidParameter('image name must not be empty');
    if (isSha256(name)) return this.images.get(name);
    let ref: ImageReference | undefined;
    try { ref = parseImageName(name); } catch { ref = undefined; }
    if (ref) {
      const id = this.refs.get(ref);
      if (id && this.images.has(id)) return this.images.get(id);
    }
    const matches = this.images.searchPrefix(name);
    if (matches.length === 1) return this.images.get(matches[0] ?? '');
    // An ambiguous prefix names no image, as in dockerd (its "No such image" below).
    if (!ref && !/^(sha256:)?[a-f0-9]+$/.test(name)) throw new InvalidParameter(`invalid reference format: "${name}"`);
    // As dockerd: the name as a reference, with the tag it defaults to ("No such image: x:latest").
    throw new NotFound(`No such image: ${ref ? familiarString(ref.digest !== undefined ? ref : withDefaultTag(ref)) : name}`);
  }

  repoTags(id: string): string[] {
    return this.refs.forImage(id).filter((r) => r.ref.tag !== undefined).map((r) => r.familiar);
  }

  repoDigests(id: string): string[] {
    return this.refs.forImage(id).filter((r) => r.ref.digest !== undefined).map((r) => r.familiar);
  }

  /** Sum of the layers' content. */
  size(image: ImageRecord): number {
    return image.chain.reduce((sum, c) => sum + this.layers.get(c).size, 0);
  }

  tag(source: string, repo: string, tag: string | undefined): void {
    const image = this.resolve(source);
    const ref = parseImageName(tag ? `${repo}:${tag}` : repo);
    if (ref.digest !== undefined) throw new InvalidParameter(`refusing to create a tag with a digest reference: "${repo}"`);
    const full = withDefaultTag(ref);
    this.addReference(full, image.id);
    this.imageEvent('tag', image.id, familiarString(full));
  }

  /** Points a reference at an image (used by tag, import, load, pull). */
  addReference(ref: ImageReference, imageId: string): void {
    // A tag moved off another image is no event of that image's in dockerd: it just goes dangling.
    this.refs.add(ref, imageId);
    this.images.touchTag(imageId);
  }

  /**
   * Registers a pulled image and points its references at it, the disk work on the thread pool:
   * config blob, image record, then references, each durable before the next is written.
   */
  async addPulledImage(configBytes: Buffer, refs: readonly ImageReference[]): Promise<string> {
    const image = await this.images.addAsync(configBytes, refs.length > 0 ? new Date().toISOString() : undefined);
    if (refs.length === 0) return image.id;
    await this.refs.addAllAsync(refs, image.id);
    return image.id;
  }

  /** `docker rmi` (image-remove.ts: dockerd's conflict rules). */
  remove(name: string, opts: { force: boolean; noprune: boolean }): DeleteResponseItem[] {
    return removeImage(this, name, opts);
  }

  /** Deletes every layer, blob and record nothing references (image-gc.ts). */
  collect(): CollectResult {
    const r = this.gc.collect();
    if (r.layers.length > 0 || r.blobs.length > 0) this.log.debug({ layers: r.layers.length, layerBytes: r.layerBytes, blobs: r.blobs.length, blobBytes: r.blobBytes }, 'image store: collected');
    return r;
  }

  isDangling(image: ImageRecord): boolean {
    return this.repoTags(image.id).length === 0;
  }

  /** Deletes dangling images (or every unused one with all=true) matching `keep`. */
  prune(opts: { all: boolean; match: (image: ImageRecord) => boolean }): { ImagesDeleted: DeleteResponseItem[]; SpaceReclaimed: number } {
    const deleted: DeleteResponseItem[] = [];
    // As dockerd: an image with children stays; once its children are gone an untagged parent
    // goes with them (whatever the filters), so the pass repeats until nothing more goes.
    const parentsOfDeleted = new Set<string>();
    const deletable = (image: ImageRecord): boolean => {
      if (this.images.children(image.id).length > 0) return false;
      if (this.containers.usersOfImage(image.id).length > 0) return false;
      if (parentsOfDeleted.has(image.id) && this.isDangling(image)) return true;
      return (opts.all || this.isDangling(image)) && opts.match(image);
    };
    for (let image = this.images.list().find(deletable); image; image = this.images.list().find(deletable)) {
      if (deleted.length === 0) this.gc.journal('image prune');
      if (image.meta.parent !== undefined) parentsOfDeleted.add(image.meta.parent);
      for (const r of this.refs.forImage(image.id)) {
        this.refs.delete(r.ref);
        deleted.push({ Untagged: r.familiar });
        this.imageEvent('untag', image.id, image.id);
      }
      this.images.delete(image.id);
      deleted.push({ Deleted: image.id });
      this.imageEvent('delete', image.id, image.id);
    }
    // One collection for all of them. Reclaimed space is counted as dockerd does and as
    // /system/df reports it: the unpacked layers deleted (their kept tars and compressed copies
    // go too, and are logged, but df never counted them).
    const collected = deleted.length > 0 ? this.collect() : undefined;
    for (const c of collected?.layers ?? []) deleted.push({ Deleted: c });
    const reclaimed = collected?.layerBytes ?? 0;
    if (deleted.length > 0) this.events.publish('image', 'prune', '', { reclaimed: String(reclaimed) });
    return { ImagesDeleted: deleted, SpaceReclaimed: reclaimed };
  }

  layersSize(): number {
    return this.layers.list().reduce((s, l) => s + l.size, 0);
  }
}

