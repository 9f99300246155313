// Builds what push needs from the daemon's image service: the config, each layer's compressed
// blob (the bytes pulled, or the uncompressed layer tar gzipped once into the blob store), and a
// manifest for them. The manifest is Docker schema 2 unless a layer needs OCI (zstd, plain tar).
import { createReadStream } from 'node:fs';
import { createGzip } from 'node:zlib';
import type { ImageService } from '../images/image-service.js';
import { RegistryError } from './errors.js';
import { mediaTypes } from './manifest.js';
import { distributionMetadataFor } from './image-service-store.js';
import type { PushLayer, PushSource } from './store-port.js';

export async function pushSourceFor(svc: ImageService, imageId: string): Promise<{ source: PushSource; mountFrom: (l: PushLayer) => string[] }> {
  const image = svc.images.get(imageId);
  const configBytes = svc.blobs.read(imageId);
  const meta = distributionMetadataFor(svc);
  const layers: PushLayer[] = [];
  for (const diffId of image.config.rootfs.diff_ids) {
    const known = meta.sources(diffId).find((s) => svc.blobs.has(s.digest));
    if (known) {
      layers.push({ digest: known.digest, mediaType: known.mediaType, size: known.size, diffId, open: async () => createReadStream(svc.blobs.path(known.digest)) });
      continue;
    }
    if (svc.blobs.has(diffId)) {
      // An uncompressed layer tar (loaded or imported image): gzip it once, keep the result.
      const spooled = await svc.blobs.spool(createReadStream(svc.blobs.path(diffId)).pipe(createGzip()));
      const digest = svc.blobs.commit(spooled);
      meta.add(diffId, { digest, mediaType: mediaTypes.dockerLayer, size: spooled.size, repository: '' });
      layers.push({ digest, mediaType: mediaTypes.dockerLayer, size: spooled.size, diffId, open: async () => createReadStream(svc.blobs.path(digest)) });
      continue;
    }
    throw new RegistryError('not-found', `push image ${imageId}: the content of layer ${diffId} is not stored (only its unpacked files); cannot push it`);
  }
  const oci = layers.some((l) => l.mediaType.startsWith('application/vnd.oci.'));
  const manifest = {
    schemaVersion: 2,
    mediaType: oci ? mediaTypes.ociManifest : mediaTypes.dockerManifest,
    config: { mediaType: oci ? mediaTypes.ociConfig : mediaTypes.dockerConfig, size: configBytes.length, digest: imageId },
    layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 3));
  const source: PushSource = { manifestBytes, manifestMediaType: manifest.mediaType, configDigest: imageId, configBytes, layers };
  const mountFrom = (l: PushLayer) => meta.sources(l.diffId).filter((s) => s.digest === l.digest && s.repository).map((s) => s.repository);
  return { source, mountFrom };
}
