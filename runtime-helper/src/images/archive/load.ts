// `docker load`: docker-archive (manifest.json, with the legacy `repositories`) and OCI image
// layouts (index.json + oci-layout, as docker 25+ and skopeo write them). Every blob is verified:
// layers against the config's diff_ids, OCI blobs against the digest their path names.
//
// A layer unpacked while the archive arrived is checked by the unpacker's own hash of the tar
// (berth-fsops untar, as a pull does): berthd neither hashes an uncompressed layer a second time
// nor inflates a gzip one. A gzip layer is then kept as it came (its compressed blob, recorded in
// distribution.json as the source of its diffID, as a pulled layer is), which `docker save` and
// push use. Layers that were not unpacked on arrival (small ones kept in memory, one the store
// already had) are hashed here, gunzipped when they are gzip.
import { createReadStream, openSync, rmSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import type { Readable } from 'node:stream';
import type { ImageService } from '../image-service.js';
import { ArchiveContents } from './archive-reader.js';
import type { SpooledFile } from '../blob-store.js';
import type { StagedLayer, LayerMeta } from '../layer-store.js';
import type { Lease } from '../gc-lease.js';
import { underLease } from './under-lease.js';
import { sha256Digest } from '../../util/digest.js';
import { parseImageConfig } from '../image-config.js';
import { InvalidParameter } from '../../api/errors.js';
import { isSha256 } from '../../util/digest.js';
import { parseImageName } from '../reference-store.js';
import { familiarString, withDefaultTag, type ImageReference } from '../../registry/reference.js';
import { goArch } from '../../daemon/host-info.js';
import { distributionMetadataFor } from '../../registry/image-service-store.js';

const gzipLayerType = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** What a loaded image archive may carry: like `docker load`, device nodes and setuid files are kept. */
export const archivePolicy = { allowDevices: true, allowSetuid: true };

const dockerManifestSchema = z.array(z.object({
  Config: z.string(),
  RepoTags: z.array(z.string()).nullable().optional(),
  Layers: z.array(z.string()),
}).passthrough());

const descriptorSchema = z.object({
  mediaType: z.string().optional(),
  digest: z.string(),
  size: z.number().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: z.object({ architecture: z.string(), os: z.string() }).passthrough().optional(),
}).passthrough();

const ociIndexSchema = z.object({ manifests: z.array(descriptorSchema) }).passthrough();
const ociManifestSchema = z.object({ config: descriptorSchema, layers: z.array(descriptorSchema) }).passthrough();

interface PlannedImage { configPath: string; layerPaths: string[]; names: ImageReference[] }

/** `replaced`: tag -> the image it named before this load (dockerd says so). */
export interface LoadedImage { id: string; names: string[]; replaced: Record<string, string> }

function parseJson<T extends z.ZodType>(buf: Buffer, schema: T, what: string): z.infer<T> {
  let v: unknown;
  try { v = JSON.parse(buf.toString('utf8')); } catch (err) { throw new InvalidParameter(`invalid image archive: ${what}: ${(err as Error).message}`); }
  const p = schema.safeParse(v);
  if (!p.success) throw new InvalidParameter(`invalid image archive: ${what}: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return p.data;
}

function blobPath(digest: string, what: string): string {
  const [alg, hex] = digest.split(':');
  if (alg !== 'sha256' || !isSha256(digest)) throw new InvalidParameter(`invalid image archive: ${what}: unsupported digest "${digest}"`);
  return `blobs/${alg}/${hex}`;
}

function planDockerArchive(archive: ArchiveContents): PlannedImage[] {
  const manifest = parseJson(archive.readBuffer('manifest.json', 'manifest.json'), dockerManifestSchema, 'manifest.json');
  return manifest.map((m) => ({
    configPath: m.Config,
    layerPaths: m.Layers,
    names: (m.RepoTags ?? []).map((t) => withDefaultTag(parseImageName(t))),
  }));
}

function ociName(annotations: Record<string, string> | undefined): ImageReference[] {
  const full = annotations?.['io.containerd.image.name'];
  const refName = annotations?.['org.opencontainers.image.ref.name'];
  for (const candidate of [full, refName]) {
    if (!candidate || !(candidate.includes('/') || candidate.includes(':'))) continue;
    try {
      const ref = parseImageName(candidate);
      if (ref.tag !== undefined) return [ref];
    } catch { /* not a full reference: a bare tag, which names nothing without a repository */ }
  }
  return [];
}

function planOciLayout(archive: ArchiveContents): PlannedImage[] {
  const verifiedBlob = (digest: string, what: string): Buffer => {
    const path = blobPath(digest, what);
    const actual = archive.digestOf(path, what);
    if (actual !== digest) throw new InvalidParameter(`invalid image archive: ${what}: blob ${path} has digest ${actual}`);
    return archive.readBuffer(path, what);
  };
  const out: PlannedImage[] = [];
  const visit = (d: z.infer<typeof descriptorSchema>, names: ImageReference[], depth: number): void => {
    if (depth > 4) throw new InvalidParameter('invalid image archive: index nesting too deep');
    const mt = d.mediaType ?? '';
    if (mt.includes('index') || mt.includes('manifest.list')) {
      const idx = parseJson(verifiedBlob(d.digest, 'image index'), ociIndexSchema, `index ${d.digest}`);
      const pick = idx.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === goArch())
        ?? idx.manifests.find((m) => !m.platform) ?? idx.manifests[0];
      if (!pick) throw new InvalidParameter(`invalid image archive: index ${d.digest} lists no manifests`);
      visit(pick, names, depth + 1);
      return;
    }
    const m = parseJson(verifiedBlob(d.digest, 'image manifest'), ociManifestSchema, `manifest ${d.digest}`);
    verifiedBlob(m.config.digest, 'image config');
    for (const l of m.layers) {
      if (l.mediaType?.includes('zstd')) throw new InvalidParameter(`unsupported layer compression (zstd) in ${l.digest}`);
      const path = blobPath(l.digest, 'layer');
      const actual = archive.digestOf(path, 'layer');
      if (actual !== l.digest) throw new InvalidParameter(`invalid image archive: layer blob ${path} has digest ${actual}`);
    }
    out.push({ configPath: blobPath(m.config.digest, 'config'), layerPaths: m.layers.map((l) => blobPath(l.digest, 'layer')), names });
  };
  const index = parseJson(archive.readBuffer('index.json', 'index.json'), ociIndexSchema, 'index.json');
  for (const d of index.manifests) visit(d, ociName(d.annotations), 0);
  // Several descriptors (one per tag) often name the same manifest: merge their names.
  const merged = new Map<string, PlannedImage>();
  for (const p of out) {
    const prev = merged.get(p.configPath);
    if (prev) prev.names.push(...p.names); else merged.set(p.configPath, p);
  }
  return [...merged.values()];
}

/**
 * The uncompressed layer as a spooled file (its sha256 known), without committing it yet: the
 * caller unpacks it while the fsync runs. In-memory layers are committed at once (they are small).
 */
async function spoolLayer(svc: ImageService, archive: ArchiveContents, path: string, what: string): Promise<{ digest: string; spool: SpooledFile | null }> {
  const head = archive.head(path, what);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gz = createReadStream(archive.diskPath(path, what)).pipe(createGunzip());
    const spool = await svc.blobs.spool(gz as unknown as Readable);
    return { digest: spool.digest, spool };
  }
  const spool = archive.takeSpool(path, what);
  if (spool) return { digest: spool.digest, spool };
  return { digest: archive.commit(path, what), spool: null };
}

/**
 * Keeps the bytes of a layer the unpacker verified: an uncompressed one as the blob named by its
 * diffID (its spool digest is that hash), a gzip one as its compressed blob, recorded in
 * distribution.json as the source of `diffId`. `source` reads the kept bytes (unpacking them
 * again if the layer recurs elsewhere in a chain); `done` settles once they are durable.
 */
function keepLayerBlob(svc: ImageService, archive: ArchiveContents, path: string, what: string, diffId: string): { digest: string; isNew: boolean; source: () => Readable; done: Promise<string> } {
  const spool = archive.takeSpool(path, what);
  const digest = spool?.digest ?? archive.digestOf(path, what);
  const isNew = !svc.blobs.has(digest);
  const open = (): Readable => {
    if (spool) {
      // Read from the spooled file while its fsync runs; once renamed it is the blob.
      try { return createReadStream('', { fd: openSync(spool.path, 'r'), highWaterMark: 1024 * 1024 }); } catch { /* renamed: the blob */ }
    }
    return svc.blobs.open(digest);
  };
  const committedBlob = spool ? svc.blobs.commitAsync(spool) : Promise.resolve(archive.commit(path, what));
  if (digest === diffId) return { digest, isNew, source: open, done: committedBlob };
  const size = spool?.size ?? svc.blobs.size(digest);
  const done = committedBlob.then(async (d) => {
    await distributionMetadataFor(svc).add(diffId, { digest: d, mediaType: gzipLayerType, size, repository: '' });
    return d;
  });
  return { digest, isNew, source: open, done };
}

export async function loadArchive(svc: ImageService, body: Readable, onLoaded: (img: LoadedImage) => void): Promise<LoadedImage[]> {
  // Everything committed or reused is pinned until the images referencing it are recorded.
  return underLease(svc, (lease) => loadLeased(svc, body, onLoaded, lease));
}

async function loadLeased(svc: ImageService, body: Readable, onLoaded: (img: LoadedImage) => void, lease: Lease): Promise<LoadedImage[]> {
  const started = Date.now();
  // Large entries are unpacked while they arrive; a layer the store already has is not.
  const archive = await ArchiveContents.read(svc.blobs, body, (path, tar) => {
    const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(path);
    if (m && svc.layers.list().some((l) => l.diffId === `sha256:${m[1]}`)) {
      // Reused rather than unpacked again: its tar (if kept) must survive until the chain is built.
      lease.pinBlob(`sha256:${m[1]}`);
      for (const l of svc.layers.list()) if (l.diffId === `sha256:${m[1]}`) lease.pinLayer(l.chainId);
      return null;
    }
    return svc.layers.stage(tar, archivePolicy);
  });
  const adopted = new Set<StagedLayer>();
  svc.log.debug({ ms: Date.now() - started, files: archive.files.size }, 'load: archive received');
  try {
    let plan: PlannedImage[];
    if (archive.has('manifest.json')) plan = planDockerArchive(archive);
    else if (archive.has('index.json')) plan = planOciLayout(archive);
    else throw new InvalidParameter('invalid image archive: neither manifest.json (docker-archive) nor index.json (OCI layout) found');
    if (plan.length === 0) throw new InvalidParameter('invalid image archive: it lists no images');
    const loaded: LoadedImage[] = [];
    for (const p of plan) {
      const configBuf = archive.readBuffer(p.configPath, 'image config');
      let config;
      try { config = parseImageConfig(configBuf, `image config ${p.configPath}`); } catch (err) { throw new InvalidParameter(`invalid image archive: ${(err as Error).message}`); }
      const diffIds = config.rootfs.diff_ids;
      if (diffIds.length !== p.layerPaths.length) {
        throw new InvalidParameter(`invalid image archive: ${p.configPath} has ${diffIds.length} diff_ids but the manifest lists ${p.layerPaths.length} layers`);
      }
      const sources = new Map<string, () => Readable>();
      const stagedFor = new Map<string, Promise<StagedLayer | null>>();
      const commits: Promise<string>[] = [];
      let unpackError: unknown = null;
      try {
        for (const [i, layerPath] of p.layerPaths.entries()) {
          const want = diffIds[i] ?? '';
          if (sources.has(want)) continue;
          if (svc.blobs.has(want)) { lease.pinBlob(want); continue; }
          const what = `layer ${i + 1}`;
          const staged = await archive.stagedLayer(layerPath, what);
          const unpackerDiffId = staged?.result.diffId;
          if (staged && unpackerDiffId !== undefined && !adopted.has(staged)) {
            if (unpackerDiffId !== want) {
              throw new InvalidParameter(`invalid image archive: layer ${i + 1} (${layerPath}) has content ${unpackerDiffId} but the config's diff_id is ${want}`);
            }
            stagedFor.set(want, Promise.resolve(staged));
            const kept = keepLayerBlob(svc, archive, layerPath, what, want);
            sources.set(want, kept.source);
            commits.push(kept.done);
            continue;
          }
          const { digest, spool } = await spoolLayer(svc, archive, layerPath, what);
          if (digest !== want) {
            if (spool) rmSync(spool.path, { force: true });
            throw new InvalidParameter(`invalid image archive: layer ${i + 1} (${layerPath}) has content ${digest} but the config's diff_id is ${want}`);
          }
          // Unpacked on arrival by an unpacker that reports no hash: usable now that it matched.
          if (staged) stagedFor.set(want, Promise.resolve(staged));
          if (spool) {
            // Unpack from the spooled file while its fsync runs; once renamed it is the blob.
            const spoolPath = spool.path;
            sources.set(want, () => {
              try { return createReadStream('', { fd: openSync(spoolPath, 'r'), highWaterMark: 1024 * 1024 }); } catch {
                return svc.blobs.open(want);
              }
            });
            commits.push(svc.blobs.commitAsync(spool));
          }
        }
        svc.log.debug({ ms: Date.now() - started }, 'load: layers verified');
        let parent: string | null = null;
        for (const diffId of diffIds) {
          const chainId: string = parent === null ? diffId : sha256Digest(`${parent} ${diffId}`);
          let meta: LayerMeta;
          if (svc.layers.has(chainId)) { meta = svc.layers.get(chainId); lease.pinLayer(chainId); }
          else {
            // Bytes unpacked on arrival are used only now that their digest matched the diff_id.
            const staged = await (stagedFor.get(diffId) ?? Promise.resolve(null));
            stagedFor.delete(diffId);
            if (staged && !adopted.has(staged)) {
              adopted.add(staged);
              meta = await svc.layers.adopt(staged, diffId, parent);
            } else {
              // The bytes the unpacker verified (a layer in two places of the chains), or a
              // layer hashed here; a gzip source is inflated by the unpacker.
              meta = await svc.layers.ensure(diffId, parent, archivePolicy, sources.get(diffId));
            }
          }
          parent = meta.chainId;
        }
      } catch (err) {
        unpackError = err;
      }
      // Blobs become visible only once durable; every commit settles before we answer. The
      // unpacking error, if any, is the one reported; else the first failed commit.
      const results = await Promise.allSettled(commits);
      if (unpackError !== null) throw unpackError;
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      svc.log.debug({ ms: Date.now() - started }, 'load: layers unpacked');
      const image = svc.images.add(configBuf);
      const names: string[] = [];
      const replaced: Record<string, string> = {};
      for (const ref of p.names) {
        const previous = svc.refs.get(ref);
        if (previous !== undefined && previous !== image.id) replaced[familiarString(ref)] = previous;
        svc.addReference(ref, image.id);
        names.push(familiarString(ref));
      }
      svc.imageEvent('load', image.id, image.id);
      const item = { id: image.id, names, replaced };
      loaded.push(item);
      onLoaded(item);
    }
    return loaded;
  } finally {
    for (const p of archive.staged.values()) {
      const staged = await p;
      if (staged && !adopted.has(staged)) svc.layers.discard(staged);
    }
    archive.discard();
  }
}

