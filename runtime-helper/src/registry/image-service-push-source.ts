// Builds what push needs from the daemon's image service: the config, each layer's compressed
// blob (the bytes pulled, or pushed before), or else its uncompressed tar (docker commit, load,
// import), which push gzips as it uploads; the compressed copy is kept in the blob store and the
// diffID -> blob mapping recorded, so the next push reuses both. The manifest is Docker schema 2
// unless a layer needs OCI (zstd, plain tar).
import { createReadStream, rmSync, statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { ImageService } from '../images/image-service.js';
import { RegistryError } from './errors.js';
import { mediaTypes } from './manifest.js';
import { distributionMetadataFor } from './image-service-store.js';
import type { LayerDescriptor, PushLayer } from './store-port.js';
import type { PlannedLayer, PushPlan, TarPushLayer } from './push.js';

export async function pushSourceFor(svc: ImageService, imageId: string): Promise<{ source: PushPlan; mountFrom: (l: PushLayer) => string[] }> {
  const image = svc.images.get(imageId);
  const configBytes = svc.blobs.read(imageId);
  const meta = distributionMetadataFor(svc);
  const layers: PlannedLayer[] = [];
  for (const diffId of image.config.rootfs.diff_ids) {
    const known = meta.sources(diffId).find((s) => svc.blobs.has(s.digest));
    if (known) {
      layers.push({ digest: known.digest, mediaType: known.mediaType, size: known.size, diffId, open: async () => createReadStream(svc.blobs.path(known.digest)) });
      continue;
    }
    if (svc.blobs.has(diffId)) {
      layers.push(tarLayer(svc, diffId));
      continue;
    }
    throw new RegistryError('not-found', `push image ${imageId}: the content of layer ${diffId} is not stored (only its unpacked files); cannot push it`);
  }
  const manifestFor = (pushed: LayerDescriptor[]) => {
    const oci = pushed.some((l) => l.mediaType.startsWith('application/vnd.oci.'));
    const manifest = {
      schemaVersion: 2,
      mediaType: oci ? mediaTypes.ociManifest : mediaTypes.dockerManifest,
      config: { mediaType: oci ? mediaTypes.ociConfig : mediaTypes.dockerConfig, size: configBytes.length, digest: imageId },
      layers: pushed.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest })),
    };
    return { bytes: Buffer.from(JSON.stringify(manifest, null, 3)), mediaType: manifest.mediaType };
  };
  const source: PushPlan = { configDigest: imageId, configBytes, layers, manifestFor };
  const mountFrom = (l: PushLayer) => meta.sources(l.diffId).filter((s) => s.digest === l.digest && s.repository).map((s) => s.repository);
  return { source, mountFrom };
}

/** An uncompressed layer tar in the blob store (its digest is the diffID). */
function tarLayer(svc: ImageService, diffId: string): TarPushLayer {
  const meta = distributionMetadataFor(svc);
  const path = svc.blobs.path(diffId);
  return {
    kind: 'tar',
    diffId,
    tarSize: statSync(path).size,
    openTar: async () => createReadStream(path, { highWaterMark: 1 << 20 }),
    // Blobs this layer was pushed as whose bytes are gone: the registry may still have them.
    knownBlobs: meta.sources(diffId).map(({ digest, mediaType, size }) => ({ digest, mediaType, size })),
    keep(repository) {
      // No lease needed: the commit and the in-memory record happen in one tick, and the image
      // (a GC root) is being pushed, so its diffID is live when the collector next marks.
      const sink = new PassThrough({ highWaterMark: 1 << 20 });
      const spooled = svc.blobs.spool(sink);
      spooled.catch(() => {});
      return {
        sink,
        async commit(blob) {
          const file = await spooled;
          try {
            svc.blobs.commit(file, blob.digest);
          } catch (err) {
            rmSync(file.path, { force: true });
            throw new RegistryError('digest-mismatch', `push layer ${diffId}: the kept copy of the compressed blob does not match ${blob.digest} (${(err as Error).message})`);
          }
          await meta.add(diffId, { ...blob, repository });
        },
      };
    },
  };
}
