// The push pipeline: for each layer (a bounded number at once) skip it if the registry has it,
// else mount it from another repository of the same registry where we pulled it from, else
// upload it; then the config, then the manifest under the tag. Progress as dockerd streams it.
// A layer kept only as its uncompressed tar (docker commit, load, import) is gzipped while it
// uploads; the manifest is written once every layer's compressed digest is known.
import { Readable, type Writable } from 'node:stream';
import { RegistryError } from './errors.js';
import type { Credentials } from './credentials.js';
import { EndpointClient, Repository, type RegistryContext } from './registry-client.js';
import { pullScope } from './auth.js';
import { type ImageReference, familiarName, withDefaultTag } from './reference.js';
import { type ProgressSink, bytesProgress, shortId, status, Throttle } from './progress.js';
import { isForeignLayer, mediaTypes } from './manifest.js';
import type { LayerDescriptor, PushLayer } from './store-port.js';
import { Semaphore } from './semaphore.js';
import { uploadBlob, uploadCompressing, defaultUploadOptions, type UploadOptions } from './upload.js';

/** A layer the store has only as its uncompressed tar: compressed (gzip) on the way out. */
export interface TarPushLayer {
  kind: 'tar';
  diffId: string;
  /** Size of the uncompressed tar, for progress. */
  tarSize: number;
  openTar(): Promise<Readable>;
  /** Compressed blobs this diffID was pushed as before: if the registry has one, nothing is sent. */
  knownBlobs: LayerDescriptor[];
  /** Keeps the compressed bytes as they go out (a cache for the next push), recorded on success; one per attempt. */
  keep?(repository: string): { sink: Writable; commit(blob: LayerDescriptor): Promise<void> };
}

export type PlannedLayer = PushLayer | TarPushLayer;

export function isTarLayer(l: PlannedLayer): l is TarPushLayer {
  return (l as TarPushLayer).kind === 'tar';
}

/** What to push: the config, the layers, and the manifest for their final descriptors. */
export interface PushPlan {
  configDigest: string;
  configBytes: Buffer;
  layers: PlannedLayer[];
  manifestFor(layers: LayerDescriptor[]): { bytes: Buffer; mediaType: string };
}

export interface PushOptions {
  reference: ImageReference;
  source: PushPlan;
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
    for (const l of opts.source.layers) if (!isTarLayer(l)) for (const r of sameRegistry(l)) mountRepos.add(r);
    const client = new EndpointClient(this.ctx, origin, opts.credentials);
    const repo = new Repository(client, ref.path, 'push', [...mountRepos].slice(0, 10).map(pullScope));
    const upload: UploadOptions = { ...defaultUploadOptions, ...(opts.upload ?? {}) };

    // Docker lists layers top first.
    const layers = [...opts.source.layers].reverse();
    for (const l of layers) opts.progress(status('Preparing', shortId(l.diffId)));
    const gate = new Semaphore(this.ctx.settings.maxConcurrentUploads);
    const results = await Promise.allSettled(layers.map(async (layer): Promise<LayerDescriptor> => {
      const id = shortId(layer.diffId);
      if (gate.busy) opts.progress(status('Waiting', id));
      const release = await gate.acquire();
      try {
        if (isTarLayer(layer)) return await this.pushTarLayer(repo, layer, id, opts, `${ref.domain}/${ref.path}`);
        await this.pushLayer(repo, layer, id, opts, upload, sameRegistry(layer));
        return { digest: layer.digest, mediaType: layer.mediaType, size: layer.size };
      } finally {
        release();
      }
    }));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    // Back to bottom-first order for the manifest.
    const pushed = results.map((r) => (r as PromiseFulfilledResult<LayerDescriptor>).value).reverse();
    const manifest = opts.source.manifestFor(pushed);

    const { configDigest, configBytes } = opts.source;
    if (!(await repo.blobExists(configDigest))) {
      await uploadBlob(repo, configDigest, configBytes.length, async () => Readable.from([configBytes]), upload);
    }
    const digest = await repo.putManifest(tag, manifest.bytes, manifest.mediaType);
    const size = manifest.bytes.length;
    opts.progress(status(`${tag}: digest: ${digest} size: ${size}`));
    opts.progress({ progressDetail: {}, aux: { Tag: tag, Digest: digest, Size: size } });
    return { digest, size, tag };
  }

  /** A tar-only layer: skipped if a blob it was pushed as before is there, else gzipped as it uploads. */
  private async pushTarLayer(repo: Repository, layer: TarPushLayer, id: string, opts: PushOptions, repository: string): Promise<LayerDescriptor> {
    for (const known of layer.knownBlobs) {
      if (await repo.blobExists(known.digest)) {
        opts.progress(status('Layer already exists', id));
        return known;
      }
    }
    const throttle = new Throttle(100);
    // One keeper per attempt: a failed attempt's copy is thrown away with it.
    let keeper: ReturnType<NonNullable<TarPushLayer['keep']>> | undefined;
    const keep = layer.keep;
    const { digest, size } = await uploadCompressing(repo, `${repo.client.label}: upload layer ${layer.diffId} (gzip) to ${repo.path}`, () => layer.openTar(), {
      onTarBytes: (n) => { if (throttle.ready()) opts.progress(bytesProgress('Pushing', id, n, layer.tarSize)); },
      ...(keep ? { keep: () => { keeper = keep(repository); return keeper.sink; } } : {}),
    });
    const blob = { digest, size, mediaType: mediaTypes.dockerLayer };
    if (keeper) await keeper.commit(blob);
    opts.progress(bytesProgress('Pushing', id, layer.tarSize, layer.tarSize));
    opts.progress(status('Pushed', id));
    return blob;
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
