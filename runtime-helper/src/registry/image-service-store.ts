// The pull pipeline's store port on the daemon's image service: layers unpack straight from the
// verified stream into the layer store (by ChainID), the compressed bytes go to the blob store
// for later push, and the image is registered and tagged once every layer is in.
import { rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { ImageService } from '../images/image-service.js';
import type { Lease } from '../images/gc-lease.js';
import type { BlobCopy, ExtractPolicy } from '../images/extract/extract-layer.js';
import { DiffIdMismatch } from '../images/layer-store.js';
import type { SpooledFile } from '../images/blob-store.js';
import { parseReference } from './reference.js';
import { DistributionMetadata } from './distribution-metadata.js';
import { KeptBlobMismatch, type ChainedLayer, type LayerIngest, type PulledImage, type PullStore } from './store-port.js';
import { BlobDigestMismatch } from '../images/extract/layer-error.js';

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
    // With the native unpacker, the compressed bytes it reads are also the blob: it keeps and
    // hashes them itself when the pull asks (keepBlob), so berthd only moves bytes.
    // BERTH_PULL_BLOB=js hashes and spools the blob in berthd instead (bench/pull.ts compares).
    const unpackerKeepsBlob = storeHashes && process.env.BERTH_PULL_BLOB !== 'js';
    const blobCopy: BlobCopy = { path: this.svc.blobs.tempPath(), digest: layer.digest, enabled: false, kept: false };
    const policy: ExtractPolicy = storeHashes ? { ...pullPolicy, blobCopy } : pullPolicy;
    const unpacked = this.svc.layers.ensureFromStream(layer.diffId, layer.parentChainId, tar, policy, storeHashes);
    unpacked.catch(() => {});
    const svc = this.svc;
    // A kept blob is verified (and synced) once its unpack succeeded: it goes into the blob
    // store then, not in the pull's ordered commits, so a pull whose first layer unpacks last
    // does not commit every blob one after another at its end. A later failure of the pull leaves
    // it there, complete and verified, for the collector, as with layers already unpacked.
    const keptCommitted: Promise<boolean> = unpacked.then(async () => {
      if (!blobCopy.kept) return false;
      await svc.blobs.commitAsync({ path: blobCopy.path, digest: layer.digest, size: layer.size }, layer.digest);
      return true;
    });
    keptCommitted.catch(() => {});
    // The spool starts only if the pipeline writes `blob` (the kept copy is used otherwise).
    let spool: { blob: PassThrough; spooled: Promise<SpooledFile> } | undefined;
    const startSpool = () => {
      if (!spool) {
        const blob = new PassThrough({ highWaterMark: 1 << 20 });
        // The pull feeds `blob` from its verified stream (blob-stream.ts), which errors rather than
        // ends on a digest mismatch: the spool need not hash the same bytes a second time.
        const spooled = svc.blobs.spool(blob, undefined, undefined, layer.digest);
        spooled.catch(() => {});
        spool = { blob, spooled };
      }
      return spool;
    };
    const metadata = this.metadata;
    const repository = this.repository;
    return {
      tar,
      get blob() { return startSpool().blob; },
      ...(storeHashes ? {
        gunzips: true,
        ...(unpackerKeepsBlob ? { keepBlob: () => { blobCopy.enabled = true; } } : {}),
        diffId: () => unpacked.then(() => layer.diffId, (err: unknown) => {
          if (err instanceof DiffIdMismatch) return err.actual;
          if (err instanceof BlobDigestMismatch) throw new KeptBlobMismatch(err.actual);
          throw err;
        }),
      } : {}),
      async commit() {
        let kept = true;
        try {
          await unpacked;
          // fsync on the thread pool: the event loop keeps feeding the other layers meanwhile.
          if (spool) await svc.blobs.commitAsync(await spool.spooled, layer.digest);
          // Else the unpacker's copy, committed already; or, when the layer was there already
          // (or another pull was making it), this pull's bytes were drained unread, so no blob
          // of them is kept or recorded.
          else kept = await keptCommitted;
        } finally {
          unhold();
        }
        // Written on the thread pool while the next layers go on; saveImage waits for it. A failed
        // write only loses a cache entry (push then uploads the blob instead of mounting it).
        if (kept) metadata.add(layer.diffId, { digest: layer.digest, mediaType: layer.mediaType, size: layer.size, repository }).catch(() => {});
      },
      async abort() {
        unhold();
        const err = new Error(`pull of layer ${layer.digest} aborted`);
        if (!tar.destroyed) tar.destroy(err);
        if (spool && !spool.blob.destroyed) spool.blob.destroy(err);
        await unpacked.catch(() => {});
        // spool() removes its temp file when its source fails; a finished one is ours to drop,
        // as is the unpacker's copy, whatever state it was left in.
        const file = await spool?.spooled.catch(() => undefined);
        if (file) rmSync(file.path, { force: true });
        await keptCommitted.catch(() => {});
        if (blobCopy.enabled) rmSync(blobCopy.path, { force: true });
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
