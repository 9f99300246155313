// The push pipeline: for each layer (a bounded number at once) skip it if the registry has it,
// else mount it from another repository of the same registry where we pulled it from, else
// upload it; then the config, then the manifest under the tag. Progress as dockerd streams it.
import { Readable } from 'node:stream';
import { RegistryError } from './errors.js';
import type { Credentials } from './credentials.js';
import { EndpointClient, Repository, type RegistryContext } from './registry-client.js';
import { pullScope } from './auth.js';
import { type ImageReference, familiarName, withDefaultTag } from './reference.js';
import { type ProgressSink, bytesProgress, shortId, status, Throttle } from './progress.js';
import { isForeignLayer } from './manifest.js';
import type { PushLayer, PushSource } from './store-port.js';
import { Semaphore } from './semaphore.js';
import { uploadBlob, defaultUploadOptions, type UploadOptions } from './upload.js';

export interface PushOptions {
  reference: ImageReference;
  source: PushSource;
  credentials?: Credentials;
  progress: ProgressSink;
  /** Repositories (full names, host/path) each layer's blob is known to exist in, for cross-repo mounts. */
  mountFrom?: (layer: PushLayer) => string[];
  upload?: Partial<UploadOptions>;
}

export interface PushResult { digest: string; size: number; tag: string }

export class Pusher {
  constructor(private readonly ctx: RegistryContext) {}

  async push(opts: PushOptions): Promise<PushResult> {
    const ref = withDefaultTag(opts.reference);
    if (ref.digest !== undefined) throw new RegistryError('invalid-reference', `push ${familiarName(ref)}: cannot push to a digest reference`);
    const tag = ref.tag ?? 'latest';
    opts.progress(status(`The push refers to repository [${familiarName(ref)}]`));
    const endpoints = this.ctx.resolver.endpointsFor(ref.domain);
    const origin = endpoints[endpoints.length - 1]!;
    // Only repositories on the same registry can be mounted from.
    const sameRegistry = (l: PushLayer) => (opts.mountFrom?.(l) ?? [])
      .filter((r) => r.startsWith(`${ref.domain}/`)).map((r) => r.slice(ref.domain.length + 1)).filter((p) => p !== ref.path);
    const mountRepos = new Set<string>();
    for (const l of opts.source.layers) for (const r of sameRegistry(l)) mountRepos.add(r);
    const client = new EndpointClient(this.ctx, origin, opts.credentials);
    const repo = new Repository(client, ref.path, 'push', [...mountRepos].slice(0, 10).map(pullScope));
    const upload: UploadOptions = { ...defaultUploadOptions, ...(opts.upload ?? {}) };

    // Docker lists layers top first.
    const layers = [...opts.source.layers].reverse();
    for (const l of layers) opts.progress(status('Preparing', shortId(l.diffId)));
    const gate = new Semaphore(this.ctx.settings.maxConcurrentUploads);
    const results = await Promise.allSettled(layers.map(async (layer) => {
      const id = shortId(layer.diffId);
      if (gate.busy) opts.progress(status('Waiting', id));
      const release = await gate.acquire();
      try {
        await this.pushLayer(repo, layer, id, opts, upload, sameRegistry(layer));
      } finally {
        release();
      }
    }));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;

    const { configDigest, configBytes } = opts.source;
    if (!(await repo.blobExists(configDigest))) {
      await uploadBlob(repo, configDigest, configBytes.length, async () => Readable.from([configBytes]), upload);
    }
    const digest = await repo.putManifest(tag, opts.source.manifestBytes, opts.source.manifestMediaType);
    const size = opts.source.manifestBytes.length;
    opts.progress(status(`${tag}: digest: ${digest} size: ${size}`));
    opts.progress({ progressDetail: {}, aux: { Tag: tag, Digest: digest, Size: size } });
    return { digest, size, tag };
  }

  private async pushLayer(repo: Repository, layer: PushLayer, id: string, opts: PushOptions, upload: UploadOptions, mountFrom: string[]): Promise<void> {
    if (isForeignLayer(layer.mediaType) && !this.ctx.settings.allowNondistributableArtifacts.includes(repo.client.endpoint.name)) {
      // Per the spec, non-distributable layers are not pushed unless the registry is allowed.
      opts.progress(status('Skipped foreign layer', id));
      return;
    }
    if (await repo.blobExists(layer.digest)) {
      opts.progress(status('Layer already exists', id));
      return;
    }
    for (const from of mountFrom.slice(0, 3)) {
      const r = await repo.mountBlob(layer.digest, from).catch(() => ({ mounted: false as const }));
      if (r.mounted) { opts.progress(status(`Mounted from ${from}`, id)); return; }
    }
    const throttle = new Throttle(100);
    await uploadBlob(repo, layer.digest, layer.size, layer.open, {
      ...upload,
      onBytes: (n) => { if (throttle.ready()) opts.progress(bytesProgress('Pushing', id, n, layer.size)); },
    });
    opts.progress(bytesProgress('Pushing', id, layer.size, layer.size));
    opts.progress(status('Pushed', id));
  }
}
