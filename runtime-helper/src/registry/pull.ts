// The pull pipeline. Manifest (mirrors, then origin) -> platform -> config -> layers, each
// layer streamed download -> sha256 verify -> decompress -> store in one pass, a bounded number
// at once. A layer is committed only after its blob digest and its diffID both verified; on any
// failure the layer's ingest is aborted, so the store never holds a partial layer.
import { createHash } from 'node:crypto';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RegistryError } from './errors.js';
import type { Credentials } from './credentials.js';
import { EndpointClient, Repository, type RegistryContext } from './registry-client.js';
import { parseManifest, selectPlatform, defaultPlatform, isForeignLayer, type Descriptor, type Platform, type ImageManifest } from './manifest.js';
import { parseImageConfig } from './image-config.js';
import { type ImageReference, canonicalString, familiarString, manifestReference, repositoryName, withDefaultTag } from './reference.js';
import { blobDigestMismatch, verifiedBlob } from './blob-stream.js';
import { decompressor, sniffCompression } from './decompress.js';
import { type ProgressSink, bytesProgress, shortId, status, Throttle } from './progress.js';
import { KeptBlobMismatch, type ChainedLayer, type LayerIngest, type PullStore } from './store-port.js';
import { Semaphore } from './semaphore.js';
import type { TrustPolicy } from './trust-policy.js';
import { safeUrl } from './transport.js';

export interface PullOptions {
  reference: ImageReference;
  platform?: Platform;
  credentials?: Credentials;
  progress: ProgressSink;
  signal?: AbortSignal;
}

export interface PullResult {
  imageId: string;
  manifestDigest: string;
  /** Whether the image the reference names changed. */
  updated: boolean;
}

interface ResolvedImage {
  repo: Repository;
  manifest: ImageManifest;
  manifestBytes: Buffer;
  manifestMediaType: string;
  /** Digest the reference resolved to (the index's, when it was an index). */
  topDigest: string;
  manifestDigest: string;
}

export class Puller {
  constructor(private readonly ctx: RegistryContext, private readonly store: PullStore, private readonly policy: TrustPolicy) {}

  async pull(opts: PullOptions): Promise<PullResult> {
    const ref = withDefaultTag(opts.reference);
    opts.signal?.throwIfAborted();
    this.policy.checkPull(ref);
    const platform = opts.platform ?? defaultPlatform();
    const name = familiarString(ref);
    opts.progress(status(`Pulling from ${ref.path}`, ref.tag ?? ref.digest));
    const before = await this.store.imageIdFor(canonicalString(ref));
    const resolved = await this.resolve(ref, platform, opts.credentials);
    const { repo, manifest } = resolved;
    const what = `pull ${name}`;
    const configBytes = await repo.getSmallBlob(manifest.config.digest, this.ctx.settings.maxConfigBytes);
    const config = parseImageConfig(configBytes, what);
    if (config.rootfs.diff_ids.length !== manifest.layers.length) {
      throw new RegistryError('bad-response', `${what}: manifest lists ${manifest.layers.length} layers but the config ${config.rootfs.diff_ids.length} diff_ids`);
    }
    const chain = chainIdsOf(config.rootfs.diff_ids);
    const layers = manifest.layers.map((l, i) => ({ ...l, diffId: config.rootfs.diff_ids[i]!, chainId: chain[i]!, parentChainId: i === 0 ? null : chain[i - 1]! }));
    await this.pullLayers(repo, layers, opts, what);
    const imageId = await this.store.saveImage({
      tags: ref.tag !== undefined ? [canonicalString({ ...ref, digest: undefined } as ImageReference)] : [],
      digests: [`${repositoryName(ref)}@${resolved.topDigest}`],
      manifestDigest: resolved.manifestDigest,
      manifestMediaType: resolved.manifestMediaType,
      manifestBytes: resolved.manifestBytes,
      configDigest: manifest.config.digest,
      configBytes,
      layers: layers.map(({ digest, mediaType, size, diffId }) => ({ digest, mediaType, size, diffId })),
    });
    opts.progress(status(`Digest: ${resolved.topDigest}`));
    const updated = before !== imageId;
    opts.progress(status(`Status: ${updated ? 'Downloaded newer image' : 'Image is up to date'} for ${name}`));
    return { imageId, manifestDigest: resolved.topDigest, updated };
  }

  /** Finds the manifest: each endpoint in order (mirrors first), then the platform's entry of an index. */
  private async resolve(ref: ImageReference, platform: Platform, credentials: Credentials | undefined): Promise<ResolvedImage> {
    const endpoints = this.ctx.resolver.endpointsFor(ref.domain);
    let lastErr: unknown;
    for (const [i, endpoint] of endpoints.entries()) {
      const repo = new Repository(new EndpointClient(this.ctx, endpoint, credentials), ref.path, 'pull');
      try {
        return await this.resolveAt(repo, ref, platform);
      } catch (err) {
        lastErr = err;
        // A mirror that fails hands over to the next endpoint; the origin's error is final.
        if (!endpoint.mirror || i === endpoints.length - 1) throw err;
      }
    }
    throw lastErr;
  }

  private async resolveAt(repo: Repository, ref: ImageReference, platform: Platform): Promise<ResolvedImage> {
    const what = `pull ${familiarString(ref)}`;
    const max = this.ctx.settings.maxLayers;
    const top = await repo.getManifest(manifestReference(ref));
    const parsed = parseManifest(top.bytes, top.mediaType, what, max);
    if (parsed.kind === 'image') {
      return { repo, manifest: parsed.manifest, manifestBytes: top.bytes, manifestMediaType: parsed.mediaType, topDigest: top.digest, manifestDigest: top.digest };
    }
    const chosen = selectPlatform(parsed.index, platform, what);
    const inner = await repo.getManifest(chosen.digest);
    const innerParsed = parseManifest(inner.bytes, inner.mediaType, `${what} (${chosen.digest})`, max);
    if (innerParsed.kind !== 'image') throw new RegistryError('unsupported', `${what}: nested index ${chosen.digest} is not supported`);
    return { repo, manifest: innerParsed.manifest, manifestBytes: inner.bytes, manifestMediaType: innerParsed.mediaType, topDigest: top.digest, manifestDigest: inner.digest };
  }

  private async pullLayers(repo: Repository, layers: (Descriptor & ChainedLayer)[], opts: PullOptions, what: string): Promise<void> {
    const unique = layers;
    const present = await Promise.all(unique.map((l) => this.store.hasLayer(l)));
    const todo = unique.filter((_, i) => !present[i]);
    unique.forEach((l, i) => { if (present[i]) opts.progress(status('Already exists', shortId(l.digest))); });
    for (const l of todo) opts.progress(status('Pulling fs layer', shortId(l.digest)));
    if (todo.length === 0) return;

    opts.signal?.throwIfAborted();
    const abort = new AbortController();
    const onOuterAbort = () => abort.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const gate = new Semaphore(this.ctx.settings.maxConcurrentDownloads);
    // Commits happen in layer order so the store can chain each layer on its parent.
    let commitChain: Promise<void> = Promise.resolve();
    // Transfers start largest first so the longest one does not begin last; commits stay in
    // layer order.
    const runs = new Map<string, Promise<{ ingest: LayerIngest; diffId: string }>>();
    for (const layer of [...todo].sort((a, b) => b.size - a.size)) {
      runs.set(layer.chainId, (async () => {
        if (gate.busy) opts.progress(status('Waiting', shortId(layer.digest)));
        let release: (() => void) | undefined = await gate.acquire();
        const done = () => { release?.(); release = undefined; };
        let ingest: LayerIngest | undefined;
        try {
          abort.signal.throwIfAborted();
          // Decided before the store starts an ingest: a refused foreign layer leaves nothing.
          const open = await this.opener(repo, layer, what);
          ingest = await this.store.beginLayer(layer);
          const hashed = await this.transferLayer(repo, layer, ingest, opts, abort.signal, what, open);
          // The transfer slot is free once the bytes are handed over; the store's own hash (when
          // it keeps one) arrives when its unpacker finishes.
          done();
          const diffId = hashed ?? await ingest.diffId!().catch((err: unknown) => {
            throw err instanceof KeptBlobMismatch ? blobDigestMismatch(repo, layer, err.actual) : err;
          });
          if (diffId !== layer.diffId) {
            throw new RegistryError('digest-mismatch', `${what}: layer ${layer.digest} unpacks to ${diffId}, but the config says ${layer.diffId}`);
          }
          return { ingest, diffId };
        } catch (err) {
          abort.abort(err);
          if (ingest) await ingest.abort().catch(() => {});
          throw err;
        } finally {
          done();
        }
      })());
    }
    const results = todo.map((layer) => {
      const run = runs.get(layer.chainId)!;
      // Observed here so an early failure is not reported as unhandled before its turn to commit.
      run.catch(() => {});
      const committed = commitChain.then(async () => {
        const r = await run;
        if (abort.signal.aborted) { await r.ingest.abort().catch(() => {}); throw abort.signal.reason; }
        await r.ingest.commit({ diffId: r.diffId });
        opts.progress(status('Pull complete', shortId(layer.digest)));
      });
      commitChain = committed.catch(() => {});
      return committed;
    });
    const settled = await Promise.allSettled(results);
    opts.signal?.removeEventListener('abort', onOuterAbort);
    const firstReason = abort.signal.aborted ? abort.signal.reason : settled.find((s) => s.status === 'rejected')?.reason;
    if (firstReason !== undefined) throw firstReason;
  }

  /**
   * One layer in one pass; answers the diffID (sha256 of the uncompressed tar), or undefined when
   * the store hashes the tar itself (ingest.diffId).
   */
  private async transferLayer(repo: Repository, layer: Descriptor, ingest: LayerIngest, opts: PullOptions, signal: AbortSignal, what: string,
    open: ((offset: number) => ReturnType<Repository['openBlob']>) | undefined): Promise<string | undefined> {
    const id = shortId(layer.digest);
    const throttle = new Throttle(100);
    const digestCheck = { skip: false };
    const blob = verifiedBlob(repo, layer, {
      retries: this.ctx.settings.retries,
      baseMs: this.ctx.settings.retryBaseMs,
      signal,
      ...(open ? { open } : {}),
      digest: digestCheck,
      onBytes: (n) => { if (throttle.ready()) opts.progress(bytesProgress('Downloading', id, n, layer.size)); },
    });
    // Peek the first chunk to choose the decompressor by magic bytes.
    const first = await blob.next();
    const head = first.done ? Buffer.alloc(0) : first.value;
    const rest = prepend(head, first.done ? undefined : blob);
    let diffId: string | undefined;
    const kind = sniffCompression(head);
    if (ingest.diffId && ingest.gunzips && ingest.keepBlob && kind === 'gzip') {
      // The store's unpacker reads the compressed bytes as they arrive: it keeps them as the
      // blob, hashes them, inflates them and hashes the tar, all in its own process; berthd
      // only moves the socket's chunks to it (profiled: hashing and spooling here cost the
      // event loop more than the moving).
      ingest.keepBlob();
      digestCheck.skip = true;
      await writeAll(rest, ingest.tar);
      return finishTransfer();
    }
    const source = Readable.from(teeTo(coalesce(rest, 1 << 20), ingest.blob), { objectMode: false, highWaterMark: 1 << 20 });
    if (ingest.diffId && ingest.gunzips && kind === 'gzip') {
      // Compressed bytes straight to the store's unpacker, which inflates and hashes them.
      await pipeline(source, ingest.tar, { signal });
    } else if (ingest.diffId) {
      await pipeline(source, decompressor(kind), ingest.tar, { signal });
    } else {
      const diffHash = createHash('sha256');
      const expectedDiffId = (layer as Partial<ChainedLayer>).diffId;
      const hasher = new Transform({
        transform(chunk: Buffer, _enc, cb) { diffHash.update(chunk); cb(null, chunk); },
        // Checked before the end reaches the store: a store may commit as soon as its tar ends.
        flush(cb) {
          diffId = `sha256:${diffHash.digest('hex')}`;
          if (expectedDiffId !== undefined && diffId !== expectedDiffId) {
            cb(new RegistryError('digest-mismatch', `${what}: layer ${layer.digest} unpacks to ${diffId}, but the config says ${expectedDiffId}`));
          } else cb();
        },
      });
      await pipeline(source, decompressor(kind), hasher, ingest.tar, { signal });
    }
    return finishTransfer(diffId);

    function finishTransfer(hashed?: string): string | undefined {
      opts.progress(bytesProgress('Downloading', id, layer.size, layer.size));
      opts.progress(status('Verifying Checksum', id));
      opts.progress(status('Download complete', id));
      opts.progress(bytesProgress('Extracting', id, layer.size, layer.size));
      return hashed;
    }
  }

  /** Foreign (non-distributable) layers: the registry first, their URLs only where allowed. */
  private async opener(repo: Repository, layer: Descriptor, what: string): Promise<((offset: number) => ReturnType<Repository['openBlob']>) | undefined> {
    if (!isForeignLayer(layer.mediaType)) return undefined;
    if (await repo.blobExists(layer.digest).catch(() => false)) return undefined;
    const allowed = this.ctx.settings.allowNondistributableArtifacts;
    const url = (layer.urls ?? []).map((u) => { try { return new URL(u); } catch { return undefined; } })
      .find((u) => u && (u.protocol === 'https:' || u.protocol === 'http:') && (allowed.includes(u.host) || allowed.includes(u.hostname)));
    if (!url) {
      throw new RegistryError('foreign-layer', `${what}: layer ${layer.digest} is non-distributable and its URLs are not allowed (allow-nondistributable-artifacts)`);
    }
    return async (offset) => {
      const res = await this.ctx.transport.request({ method: 'GET', url, headers: offset > 0 ? { range: `bytes=${offset}-` } : {} });
      if (res.status === 200 || res.status === 206) return res;
      res.body.resume();
      throw new RegistryError(res.status >= 500 ? 'server' : 'not-found', `${what}: foreign layer ${safeUrl(url)} answered HTTP ${res.status}`, { retryable: res.status >= 500 });
    };
  }
}

/** ChainID per the OCI image spec: ChainID(L0) = DiffID(L0), ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
export function chainIdsOf(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? d : `sha256:${createHash('sha256').update(`${prev} ${d}`).digest('hex')}`);
  }
  return out;
}

async function* prepend(head: Buffer, rest: AsyncGenerator<Buffer> | undefined): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  if (rest) yield* rest;
}

/**
 * Gathers the socket's ~64 KiB reads into chunks of at least `size` bytes: every chunk is a
 * thread-pool round trip for gunzip and a write for the blob spool, and under load each one is a
 * wakeup and a context switch (profiled). One copy of the compressed bytes is cheaper.
 */
async function* coalesce(src: AsyncGenerator<Buffer>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of src) {
    parts.push(chunk);
    bytes += chunk.length;
    if (bytes >= size) {
      yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes);
      parts = [];
      bytes = 0;
    }
  }
  if (bytes > 0) yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes);
}

/**
 * Writes every chunk to `dest` (with its back-pressure) and ends it; on a failure of either side
 * `dest` is destroyed with the error. Straight from the chunks' generator: no Readable in between
 * to wrap them once more.
 */
async function writeAll(src: AsyncIterable<Buffer>, dest: Writable): Promise<void> {
  try {
    for await (const chunk of src) {
      if (!dest.write(chunk)) await writable(dest);
    }
    await new Promise<void>((resolve, reject) => dest.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    dest.destroy(err as Error);
    throw err;
  }
}

/** Resolves on 'drain'; rejects if the stream errors or closes first. */
function writable(w: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => { w.off('drain', onDrain); w.off('error', done); w.off('close', onClose); if (err) reject(err); else resolve(); };
    const onDrain = () => done();
    const onClose = () => done(w.errored ?? new Error('the layer store closed its input'));
    w.on('drain', onDrain);
    w.on('error', done);
    w.on('close', onClose);
  });
}

/** Passes chunks through and writes each to a side stream (with its back-pressure). */
async function* teeTo(src: AsyncGenerator<Buffer>, side: Writable | undefined): AsyncGenerator<Buffer> {
  if (!side) { yield* src; return; }
  try {
    for await (const chunk of src) {
      if (!side.write(chunk)) await new Promise<void>((resolve, reject) => { side.once('drain', resolve); side.once('error', reject); });
      yield chunk;
    }
    await new Promise<void>((resolve, reject) => side.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    side.destroy(err as Error);
    throw err;
  }
}
