// `docker import`: one rootfs tar (plain or gzip) becomes a one-layer image. The tar comes from
// anyone who can reach the API, so it is unpacked under the untrusted policy (no device nodes,
// no setuid/setgid files) and every path stays inside the layer.
import { PassThrough, type Readable } from 'node:stream';
import { rmSync } from 'node:fs';
import type { ImageService } from '../image-service.js';
import { maybeGunzip } from '../extract/extract-layer.js';
import { applyChanges } from '../changes.js';
import { goArch } from '../../daemon/host-info.js';
import { parseImageName } from '../reference-store.js';
import { InvalidParameter } from '../../api/errors.js';
import { familiarString, withDefaultTag, type ImageReference } from '../../registry/reference.js';

export interface ImportOptions {
  repo?: string;
  tag?: string;
  changes: string[];
  message?: string;
  platform?: string;
}

export const untrustedPolicy = { allowDevices: false, allowSetuid: false };

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
  const tar = await maybeGunzip(body);
  // Unpack while the bytes are stored and hashed: one pass over the upload.
  const forUnpack = new PassThrough({ highWaterMark: 4 * 1024 * 1024 });
  const staging = svc.layers.stage(forUnpack, untrustedPolicy);
  staging.catch(() => {});
  let spooled;
  try {
    spooled = await svc.blobs.spool(tar, undefined, forUnpack);
  } catch (err) {
    await staging.then((s) => svc.layers.discard(s), () => {});
    throw err;
  }
  let staged;
  try { staged = await staging; } catch (err) {
    rmSync(spooled.path, { force: true });
    throw err;
  }
  const diffId = spooled.digest;
  await svc.blobs.commitAsync(spooled);
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
  svc.events.publish('image', 'import', image.id, ref ? { name: familiarString(ref) } : {});
  if (ref) {
    svc.addReference(ref, image.id);
    svc.events.publish('image', 'tag', image.id, { name: familiarString(ref) });
  }
  return image.id;
}
