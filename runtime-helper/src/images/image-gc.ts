// Garbage collection of the image store, in the spirit of containerd's: mark everything reachable
// from the roots, then delete the rest. Roots: image records, the images containers' snapshots
// were made from, and what held leases pinned (writes between their commit and their image).
// Reachable: an image's config blob and layer chain (each layer's parents too), each live layer's
// uncompressed tar blob and the compressed blobs distribution.json records for its diffID.
//
// Crash safety: references always go before what they reference (rmi deletes the reference and
// the image record first; here distribution.json entries before their blobs), each deletion is one
// atomic step (a blob unlink, a layer dir renamed out of its name), and a journal file is
// present for the whole sweep. Marking starts again from the durable roots, so a restart that
// finds the journal simply collects again: what was half done is finished, nothing reachable is
// touched. Spools (tmp/) and staged layers (.tmp-) are never looked at: they belong to writes
// in progress.
import { existsSync, rmSync } from 'node:fs';
import { chainIds } from '../util/digest.js';
import { writeFileAtomic, fsyncDir } from '../util/atomic.js';
import { parseImageConfig } from './image-config.js';
import type { StorePaths } from './store-paths.js';
import type { BlobStore } from './blob-store.js';
import type { LayerStore } from './layer-store.js';
import type { ImageStore } from './image-store.js';
import type { Snapshotter } from './snapshots/snapshotter.js';
import type { DistributionMetadata } from '../registry/distribution-metadata.js';
import { LeaseSet } from './gc-lease.js';
import { dirname } from 'node:path';

export interface CollectResult {
  /** ChainIDs of the layers deleted, children before parents as dockerd lists them. */
  layers: string[];
  /** Unpacked bytes of those layers (what `docker system df` counted for them). */
  layerBytes: number;
  /** Blobs deleted and their bytes (configs, layer tars, kept compressed copies). */
  blobs: string[];
  blobBytes: number;
}

export interface StoreParts {
  paths: StorePaths;
  blobs: BlobStore;
  layers: LayerStore;
  images: ImageStore;
  snapshots: Snapshotter;
  distribution: DistributionMetadata;
}

export class ImageCollector {
  readonly leases: LeaseSet;

  constructor(private readonly store: StoreParts, private readonly onError: (err: Error) => void = () => {}) {
    // A lease that expired (a pull that failed after committing layers) leaves garbage; one
    // released by its writer does not, or the writer collects itself (a failed load).
    this.leases = new LeaseSet((_lease, why) => { if (why === 'expired') this.collectQuietly(); });
    store.blobs.observer = { blobUsed: (d) => this.leases.blobUsed(d) };
    store.layers.observer = { layerUsed: (c) => this.leases.layerUsed(c) };
  }

  /**
   * Writes the journal before a root is deleted (rmi, prune): a crash between that deletion and
   * the sweep then still finds the garbage collected at the next start. collect() removes it.
   */
  journal(reason: string): void {
    writeFileAtomic(this.store.paths.gcJournal, JSON.stringify({ started: new Date().toISOString(), pid: process.pid, reason }));
  }

  /** A journal left by a crash mid-sweep: true if it was there (and the collection was redone). */
  resumeInterrupted(): boolean {
    if (!existsSync(this.store.paths.gcJournal)) return false;
    this.collect();
    return true;
  }

  collectQuietly(): void {
    try { this.collect(); } catch (err) { this.onError(err as Error); }
  }

  /** Marks and sweeps; synchronous, so no write of this process interleaves with it. */
  collect(): CollectResult {
    const { paths, blobs, layers, images, snapshots, distribution } = this.store;
    const pinnedLayers = this.leases.pinnedLayers();
    const pinnedBlobs = this.leases.pinnedBlobs();

    // Mark.
    const liveBlobs = new Set<string>(pinnedBlobs);
    const rootChains: string[][] = [];
    for (const image of images.list()) { liveBlobs.add(image.id); rootChains.push(image.chain); }
    for (const s of snapshots.list()) {
      if (images.has(s.imageId)) continue;
      // A container whose image record is gone still needs the layers it was made from.
      try {
        const config = parseImageConfig(blobs.read(s.imageId), `image ${s.imageId}`);
        liveBlobs.add(s.imageId);
        rootChains.push(chainIds(config.rootfs.diff_ids));
      } catch { /* its config is gone too: nothing left to keep for it */ }
    }
    const liveLayers = new Set<string>();
    const markLayer = (chainId: string | null): void => {
      while (chainId !== null && !liveLayers.has(chainId) && layers.has(chainId)) {
        liveLayers.add(chainId);
        chainId = layers.get(chainId).parent;
      }
    };
    for (const chain of rootChains) for (const c of chain) markLayer(c);
    for (const c of pinnedLayers) markLayer(c);
    const liveDiffIds = new Set<string>();
    for (const c of liveLayers) liveDiffIds.add(layers.get(c).diffId);
    // A diffID whose tar blob is pinned (a load between its commit and its layer) keeps its records.
    for (const d of pinnedBlobs) liveDiffIds.add(d);
    for (const d of liveDiffIds) {
      liveBlobs.add(d);
      for (const s of distribution.sources(d)) liveBlobs.add(s.digest);
    }
    const deadLayers = layers.list().filter((l) => !liveLayers.has(l.chainId));
    const deadBlobs = blobs.list().filter((d) => !liveBlobs.has(d));
    const deadRecords = distribution.diffIds().filter((d) => !liveDiffIds.has(d));
    const result: CollectResult = { layers: [], layerBytes: 0, blobs: [], blobBytes: 0 };
    if (deadLayers.length === 0 && deadBlobs.length === 0 && deadRecords.length === 0 && !existsSync(paths.gcJournal)) return result;

    // Sweep, under the journal.
    if (!existsSync(paths.gcJournal)) this.journal(`${deadLayers.length} layers, ${deadBlobs.length} blobs`);
    distribution.retain(liveDiffIds, pinnedBlobs);
    // Children first: a crash never leaves a layer whose parent is already gone.
    const depth = (chainId: string): number => {
      let n = 0;
      for (let c: string | null = chainId; c !== null && layers.has(c); c = layers.get(c).parent) n++;
      return n;
    };
    deadLayers.sort((a, b) => depth(b.chainId) - depth(a.chainId));
    for (const l of deadLayers) {
      layers.remove(l.chainId);
      result.layers.push(l.chainId);
      result.layerBytes += l.size;
    }
    for (const d of deadBlobs) {
      result.blobBytes += blobs.sizeOrZero(d);
      blobs.delete(d);
      result.blobs.push(d);
    }
    if (deadBlobs.length > 0) blobs.syncDir();
    layers.sweepLinks();
    if (deadLayers.length > 0) fsyncDir(paths.layers);
    rmSync(paths.gcJournal, { force: true });
    fsyncDir(dirname(paths.gcJournal));
    return result;
  }
}
