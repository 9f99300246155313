// `docker import`: one rootfs tar (plain or gzip) becomes a one-layer image. The tar comes from
// anyone who can reach the API, so it is unpacked under the untrusted policy (no device nodes,
// no setuid/setgid files) and every path stays inside the layer.
import type { Readable } from 'node:stream';
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
  const spooled = await svc.blobs.spool(tar);
  const diffId = spooled.digest;
  svc.blobs.commit(spooled);
  try {
    await svc.layers.ensure(diffId, null, untrustedPolicy);
  } catch (err) {
    svc.collectBlobs([diffId]);
    throw err;
  }
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
