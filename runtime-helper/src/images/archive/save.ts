// `docker save`: writes a docker-archive that is also an OCI image layout, the way docker 25+
// does: blobs/sha256/<hex> for layers (uncompressed tars), configs and OCI manifests, plus
// index.json, oci-layout, manifest.json and the legacy repositories file. dockerd, skopeo and
// Berth all read it. Layers are the exact tars that came in, so the image IDs survive.
//
// A layer kept only compressed (pulled, or loaded gzip and checked by the unpacker's hash) is
// written as that compressed blob, with its media type in the OCI manifest: dockerd, skopeo and
// Berth inflate it on load, and its diffID is unchanged.
import { createReadStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack, type Pack } from 'tar-stream';
import type { ImageService } from '../image-service.js';
import type { ImageRecord } from '../image-store.js';
import { parseImageName } from '../reference-store.js';
import { canonicalString, familiarString, withDefaultTag, type ImageReference } from '../../registry/reference.js';
import { hexOf, sha256Digest } from '../../util/digest.js';
import { distributionMetadataFor } from '../../registry/image-service-store.js';
import { ApiError, NotFound } from '../../api/errors.js';

const manifestType = 'application/vnd.oci.image.manifest.v1+json';
const configType = 'application/vnd.oci.image.config.v1+json';
const layerType = 'application/vnd.oci.image.layer.v1.tar';
const compressedLayerTypes: Record<string, string> = { gzip: `${layerType}+gzip`, zstd: `${layerType}+zstd` };

/** The blob that holds a layer's tar: the uncompressed one, else a kept compressed copy (gzip first). */
function layerBlob(svc: ImageService, diffId: string): { digest: string; mediaType: string; size: number } {
  if (svc.blobs.has(diffId)) return { digest: diffId, mediaType: layerType, size: svc.blobs.size(diffId) };
  const kept = distributionMetadataFor(svc).sources(diffId)
    .map((s) => ({ ...s, kind: /zstd/.test(s.mediaType) ? 'zstd' : /gzip/.test(s.mediaType) ? 'gzip' : undefined }))
    .filter((s) => s.kind !== undefined && svc.blobs.has(s.digest))
    .sort((a, b) => (a.kind === 'gzip' ? 0 : 1) - (b.kind === 'gzip' ? 0 : 1))[0];
  if (!kept) throw new ApiError(500, `image save: the content of layer ${diffId} is not stored (only its unpacked files)`);
  return { digest: kept.digest, mediaType: compressedLayerTypes[kept.kind!]!, size: svc.blobs.size(kept.digest) };
}

export interface SaveSelection { image: ImageRecord; tags: ImageReference[] }

/**
 * Checks that every config and layer tar of the selection is stored, before the route sends its
 * 200: a store missing content answers a JSON error naming the layer and the image instead of a
 * tar stream cut short.
 */
export function checkSavable(svc: ImageService, selection: readonly SaveSelection[]): void {
  for (const { image, tags } of selection) {
    const name = tags[0] ? `${familiarString(withDefaultTag(tags[0]))} (${image.id})` : image.id;
    if (!svc.blobs.has(image.id)) throw new ApiError(500, `image save: the config of image ${name} is missing from the store`);
    for (const diffId of image.config.rootfs.diff_ids) {
      try { layerBlob(svc, diffId); } catch (err) {
        throw new ApiError(500, `image save: layer ${diffId} of image ${name}: its content is missing from the store (${(err as Error).message.replace(/^image save: /, '')})`);
      }
    }
  }
}

/** Names -> images and the tags to record, with Docker's rules: "repo" alone takes every tag of the repo. */
export function selectImages(svc: ImageService, names: readonly string[]): SaveSelection[] {
  const byId = new Map<string, SaveSelection>();
  for (const name of names) {
    // As dockerd: a repository name alone saves every tag of it, whichever images they name.
    let bare: ImageReference | undefined;
    try { bare = parseImageName(name); } catch { bare = undefined; }
    if (bare && bare.tag === undefined && bare.digest === undefined) {
      const repo = bare;
      const tagged = svc.refs.all().filter((r) => r.ref.tag !== undefined && r.ref.domain === repo.domain && r.ref.path === repo.path && svc.images.has(r.imageId));
      if (tagged.length === 0) {
        // No tag in that repository: an ID prefix, else dockerd's "No such image: NAME".
        if (svc.images.searchPrefix(name).length === 0) throw new NotFound(`No such image: ${name}`);
        const image = svc.resolve(name);
        if (!byId.has(image.id)) byId.set(image.id, { image, tags: [] });
        continue;
      }
      for (const r of tagged) {
        const sel = byId.get(r.imageId) ?? { image: svc.images.get(r.imageId), tags: [] };
        byId.set(r.imageId, sel);
        sel.tags.push(r.ref);
      }
      continue;
    }
    const image = svc.resolve(name);
    const sel = byId.get(image.id) ?? { image, tags: [] };
    byId.set(image.id, sel);
    let ref: ImageReference | undefined;
    try { ref = parseImageName(name); } catch { ref = undefined; }
    if (!ref || ref.digest !== undefined) continue;
    const stored = svc.refs.forImage(image.id).filter((r) => r.ref.tag !== undefined);
    if (ref.tag !== undefined) {
      if (stored.some((r) => r.canonical === canonicalString(ref))) sel.tags.push(ref);
    } else {
      const sameRepo = stored.filter((r) => r.ref.domain === ref.domain && r.ref.path === ref.path);
      sel.tags.push(...sameRepo.map((r) => r.ref));
    }
  }
  return [...byId.values()];
}

function addBuffer(pack: Pack, name: string, data: Buffer, mtime: Date): void {
  pack.entry({ name, size: data.length, mode: 0o644, mtime }, data);
}

async function addFile(pack: Pack, name: string, path: string, size: number, mtime: Date): Promise<void> {
  const entry = pack.entry({ name, size, mode: 0o644, mtime });
  await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), entry);
}

export async function saveImages(svc: ImageService, selection: readonly SaveSelection[], out: Writable): Promise<void> {
  const pack = tarPack();
  const piping = pipeline(pack, out);
  const mtime = new Date(0);
  const written = new Set<string>();
  const dockerManifest: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const indexManifests: unknown[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  try {
    for (const { image, tags } of selection) {
      const diffIds = image.config.rootfs.diff_ids;
      const layers: { mediaType: string; digest: string; size: number }[] = [];
      for (const diffId of diffIds) {
        const blob = layerBlob(svc, diffId);
        if (!written.has(blob.digest)) {
          await addFile(pack, `blobs/sha256/${hexOf(blob.digest)}`, svc.blobs.path(blob.digest), blob.size, mtime);
          written.add(blob.digest);
        }
        layers.push(blob);
      }
      const configBytes = svc.blobs.read(image.id);
      if (!written.has(image.id)) { addBuffer(pack, `blobs/sha256/${hexOf(image.id)}`, configBytes, mtime); written.add(image.id); }
      const manifest = Buffer.from(JSON.stringify({
        schemaVersion: 2, mediaType: manifestType,
        config: { mediaType: configType, digest: image.id, size: configBytes.length },
        layers,
      }));
      const manifestDigest = sha256Digest(manifest);
      if (!written.has(manifestDigest)) { addBuffer(pack, `blobs/sha256/${hexOf(manifestDigest)}`, manifest, mtime); written.add(manifestDigest); }
      const descriptor = { mediaType: manifestType, digest: manifestDigest, size: manifest.length };
      if (tags.length === 0) indexManifests.push(descriptor);
      for (const t of tags) {
        const full = withDefaultTag(t);
        indexManifests.push({ ...descriptor, annotations: { 'io.containerd.image.name': canonicalString(full), 'org.opencontainers.image.ref.name': full.tag ?? 'latest' } });
        const repo = familiarString({ domain: full.domain, path: full.path });
        repositories[repo] = { ...(repositories[repo] ?? {}), [full.tag ?? 'latest']: hexOf(diffIds[diffIds.length - 1] ?? image.id) };
      }
      dockerManifest.push({
        Config: `blobs/sha256/${hexOf(image.id)}`,
        RepoTags: tags.length ? tags.map((t) => familiarString(withDefaultTag(t))) : null,
        Layers: layers.map((l) => `blobs/sha256/${hexOf(l.digest)}`),
      });
    }
    addBuffer(pack, 'index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: indexManifests })), mtime);
    addBuffer(pack, 'manifest.json', Buffer.from(JSON.stringify(dockerManifest)), mtime);
    addBuffer(pack, 'oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })), mtime);
    if (Object.keys(repositories).length > 0) addBuffer(pack, 'repositories', Buffer.from(JSON.stringify(repositories)), mtime);
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    throw err;
  } finally {
    await piping.catch(() => {});
  }
  for (const { image } of selection) svc.imageEvent('save', image.id, image.id);
}
