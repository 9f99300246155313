// The pull pipeline's store port on the daemon's image service: layers unpack straight from the
// verified stream into the layer store (by ChainID), the compressed bytes go to the blob store
// for later push, and the image is registered and tagged once every layer is in.
import { rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { ImageService } from '../images/image-service.js';
import type { Lease } from '../images/gc-lease.js';
import type { ExtractPolicy } from '../images/extract/extract-layer.js';
import { DiffIdMismatch } from '../images/layer-store.js';
import type { SpooledFile } from '../images/blob-store.js';
import { parseReference } from './reference.js';
import { DistributionMetadata } from './distribution-metadata.js';
import type { ChainedLayer, LayerIngest, PulledImage, PullStore } from './store-port.js';

/** Registry images are real distributions: devices and setuid files are allowed. */
const pullPolicy: ExtractPolicy = { allowDevices: true, allowSetuid: true };

export class ImageServicePullStore implements PullStore {
  readonly metadata: DistributionMetadata;
  /**
   * Pins the layers found and the blobs written until saveImage records the image. The pipeline
   * does not say when a pull fails, so the lease also ends by itself once left idle.
   */
  private lease: Lease | undefined;
  constructor(private readonly svc: ImageService, private readonly repository: string) {
    this.metadata = distributionMetadataFor(svc);
  }

  private leased(): Lease {
    if (!this.lease?.active) this.lease = this.svc.lease(true);
    this.lease.touch();
    return this.lease;
  }

  async hasLayer(layer: ChainedLayer): Promise<boolean> {
    const lease = this.leased();
    const present = this.svc.layers.has(layer.chainId);
    // Already there: a collection must not take it before the image that will use it exists.
    if (present) lease.pinLayer(layer.chainId);
    return present;
  }

  async beginLayer(layer: ChainedLayer): Promise<LayerIngest> {
    const lease = this.leased();
    // The lease stays while this layer streams, however long; commit or abort lets it go.
    lease.hold();
    let held = true;
    const unhold = () => { if (held) { held = false; lease.unhold(); } };
    const tar = new PassThrough({ highWaterMark: 1 << 20 });
    // The native unpacker inflates and hashes the tar in its own process, off berthd's event
    // loop; BERTH_PULL_DIFFID=js gunzips and hashes in berthd instead (bench/pull.ts compares).
    const storeHashes = this.svc.layers.unpackerHashes && process.env.BERTH_PULL_DIFFID !== 'js';
    const unpacked = this.svc.layers.ensureFromStream(layer.diffId, layer.parentChainId, tar, pullPolicy, storeHashes);
    unpacked.catch(() => {});
    const blob = new PassThrough({ highWaterMark: 1 << 20 });
    // The pull feeds `blob` from its verified stream (blob-stream.ts), which errors rather than
    // ends on a digest mismatch: the spool need not hash the same bytes a second time.
    const spooled: Promise<SpooledFile> = this.svc.blobs.spool(blob, undefined, undefined, layer.digest);
    spooled.catch(() => {});
    const svc = this.svc;
    const metadata = this.metadata;
    const repository = this.repository;
    return {
      tar,
      blob,
      ...(storeHashes ? {
        gunzips: true,
        diffId: () => unpacked.then(() => layer.diffId, (err: unknown) => {
          if (err instanceof DiffIdMismatch) return err.actual;
          throw err;
        }),
      } : {}),
      async commit() {
        try {
          await unpacked;
          const file = await spooled;
          // fsync on the thread pool: the event loop keeps feeding the other layers meanwhile.
          await svc.blobs.commitAsync(file, layer.digest);
        } finally {
          unhold();
        }
        // Written on the thread pool while the next layers go on; saveImage waits for it. A failed
        // write only loses a cache entry (push then uploads the blob instead of mounting it).
        metadata.add(layer.diffId, { digest: layer.digest, mediaType: layer.mediaType, size: layer.size, repository }).catch(() => {});
      },
      async abort() {
        unhold();
        const err = new Error(`pull of layer ${layer.digest} aborted`);
        if (!tar.destroyed) tar.destroy(err);
        if (!blob.destroyed) blob.destroy(err);
        await unpacked.catch(() => {});
        // spool() removes its temp file when its source fails; a finished one is ours to drop.
        const file = await spooled.catch(() => undefined);
        if (file) rmSync(file.path, { force: true });
      },
    };
  }

  async saveImage(image: PulledImage): Promise<string> {
    this.leased();
    try {
      await this.metadata.settled();
      return await this.svc.addPulledImage(image.configBytes, [...image.tags, ...image.digests].map((n) => parseReference(n)));
    } finally {
      this.lease?.release();
      this.lease = undefined;
    }
  }

  async imageIdFor(reference: string): Promise<string | undefined> {
    return this.svc.refs.get(parseReference(reference));
  }
}

/** The service's diffID -> compressed blob records (one instance, which the collector also prunes). */
export function distributionMetadataFor(svc: ImageService): DistributionMetadata {
  return svc.distribution;
}
