// `docker import`: one rootfs tar (plain or gzip) becomes a one-layer image. The tar comes from
// anyone who can reach the API, so it is unpacked under the untrusted policy (no device nodes,
// no setuid/setgid files) and every path stays inside the layer.
//
// One pass over the upload, one hash of the tar: the bytes are stored as they come while the
// unpacker (berth-fsops untar) inflates gzip itself and hashes the tar, as in a pull; its hash is
// the layer's diffID. A plain tar is kept as the blob named by that hash (berthd does not hash it
// again); a gzip upload is kept compressed (hashed here, a fraction of the bytes) and recorded
// in distribution.json as the source of the diffID, for save and push.
import { PassThrough, type Readable } from 'node:stream';
import { createReadStream, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { ImageService } from '../image-service.js';
import { sniffGzip } from '../extract/extract-layer.js';
import { distributionMetadataFor } from '../../registry/image-service-store.js';
import { applyChanges } from '../changes.js';
import { goArch } from '../../daemon/host-info.js';
import { parseImageName } from '../reference-store.js';
import { InvalidParameter } from '../../api/errors.js';
import { familiarString, withDefaultTag, type ImageReference } from '../../registry/reference.js';
import { underLease } from './under-lease.js';

export interface ImportOptions {
  repo?: string;
  tag?: string;
  changes: string[];
  message?: string;
  platform?: string;
}

export const untrustedPolicy = { allowDevices: false, allowSetuid: false };

/** The digest of a spool the unpacker is hashing (replaced by its hash before the blob is named). */
const pendingDigest = 'sha256:unpacker-hash-pending';

/** sha256 of the inflated bytes of a gzip file (only when the unpacker reports no hash). */
async function gunzippedDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), createGunzip(), hash);
  return `sha256:${hash.digest('hex')}`;
}

/** Validates what can be validated before the body is read. */
export function prepareImport(opts: ImportOptions): { ref?: ImageReference; config: ReturnType<typeof applyChanges> } {
  let ref: ImageReference | undefined;
  if (opts.repo) {
    ref = parseImageName(opts.tag ? `${opts.repo}:${opts.tag}` : opts.repo);
    if (ref.digest !== undefined) throw new InvalidParameter(`cannot import to a digest reference: "${opts.repo}"`);
    ref = withDefaultTag(ref);
  } else if (opts.tag) {
    throw new InvalidParameter('a tag needs a repository (repo=...)');
  }
  if (opts.platform && !/^linux(\/|$)/.test(opts.platform)) throw new InvalidParameter(`unsupported platform "${opts.platform}": Berth runs linux images`);
  return { ...(ref ? { ref } : {}), config: applyChanges({}, opts.changes) };
}

export async function importRootfs(svc: ImageService, body: Readable, opts: ImportOptions): Promise<string> {
  const { ref, config } = prepareImport(opts);
  return underLease(svc, () => importLeased(svc, body, ref, config, opts));
}

async function importLeased(svc: ImageService, body: Readable, ref: ImageReference | undefined, config: ReturnType<typeof applyChanges>, opts: ImportOptions): Promise<string> {
  const { input, gzip } = await sniffGzip(body);
  // Unpack while the bytes are stored: one pass over the upload.
  const forUnpack = new PassThrough({ highWaterMark: 4 * 1024 * 1024 });
  const staging = svc.layers.stage(forUnpack, untrustedPolicy);
  staging.catch(() => {});
  const unpackerHashes = svc.layers.unpackerHashes;
  let spooled;
  try {
    // A plain tar is named by the unpacker's hash below; only gzip bytes are hashed here.
    spooled = await svc.blobs.spool(input, undefined, forUnpack, gzip || !unpackerHashes ? undefined : pendingDigest);
  } catch (err) {
    await staging.then((s) => svc.layers.discard(s), () => {});
    throw err;
  }
  let staged;
  try { staged = await staging; } catch (err) {
    rmSync(spooled.path, { force: true });
    throw err;
  }
  let diffId: string;
  try {
    diffId = staged.result.diffId ?? (gzip ? await gunzippedDigest(spooled.path) : spooled.digest);
  } catch (err) {
    svc.layers.discard(staged);
    rmSync(spooled.path, { force: true });
    throw err;
  }
  if (gzip) {
    const digest = await svc.blobs.commitAsync(spooled);
    await distributionMetadataFor(svc).add(diffId, { digest, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: spooled.size, repository: '' });
  } else {
    await svc.blobs.commitAsync({ ...spooled, digest: diffId });
  }
  await svc.layers.adopt(staged, diffId, null);
  const now = new Date().toISOString();
  const arch = opts.platform?.split('/')[1] ?? goArch();
  const imageConfig = {
    architecture: arch,
    config,
    created: now,
    history: [{ created: now, comment: opts.message || 'Imported from -' }],
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [diffId] },
  };
  const image = svc.images.add(Buffer.from(JSON.stringify(imageConfig)));
  // As dockerd: the tag's event, then the import's, which names the image.
  if (ref) {
    svc.addReference(ref, image.id);
    // Named as given (dockerd's import event has no default tag added).
    svc.imageEvent('tag', image.id, opts.repo ? familiarString(parseImageName(opts.tag ? `${opts.repo}:${opts.tag}` : opts.repo)) : familiarString(ref));
  }
  svc.imageEvent('import', image.id, image.id);
  return image.id;
}
