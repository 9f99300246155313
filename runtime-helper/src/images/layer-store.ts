// Unpacked layers, named by ChainID so a layer shared by several images is unpacked once. Each
// lives in layers/<chain hex>/diff with a meta.json; it is built in a temp dir and renamed into
// place, so a half-unpacked layer is never used. A short symlink in l/ names each diff dir so
// overlay's lowerdir option fits in one page.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { promises as fsp } from 'node:fs';
import { chainIds, hexOf, sha256Digest } from '../util/digest.js';
import type { StorePaths } from './store-paths.js';
import type { BlobStore } from './blob-store.js';
import { extractLayer, type ExtractPolicy, type ExtractResult } from './extract/extract-layer.js';
import { untarLayer } from './extract/untar-native.js';
import { NotFound } from '../api/errors.js';

export interface LayerMeta {
  chainId: string;
  diffId: string;
  parent: string | null;
  /** Bytes of file content in this layer alone. */
  size: number;
  /** Name of the short link in l/ (overlay lowerdir). */
  link: string;
  whiteouts: string[];
  opaqueDirs: string[];
  created: string;
}

// berth-fsops untar unpacks layers; BERTH_UNPACKER=js selects the in-process extractor it
// replaced (same rules), for comparisons in bench/pull.ts.
const unpacker = process.env.BERTH_UNPACKER === 'js' ? extractLayer : untarLayer;

export interface StagedLayer { dir: string; result: ExtractResult }

/** A streamed layer whose tar hashed to another diffID than it was unpacked as; nothing was kept. */
export class DiffIdMismatch extends Error {
  constructor(readonly expected: string, readonly actual: string) {
    super(`layer unpacks to ${actual}, but ${expected} was expected`);
  }
}

/** Told of every layer made or handed back to a writer (the collector pins it to the held leases). */
export interface LayerObserver { layerUsed(chainId: string): void }

export class LayerStore {
  observer: LayerObserver | undefined;
  private readonly cache = new Map<string, LayerMeta>();
  private readonly inflight = new Map<string, Promise<LayerMeta>>();
  private readonly adopting = new Map<string, Promise<LayerMeta>>();

  constructor(private readonly paths: StorePaths, private readonly blobs: BlobStore) {
    mkdirSync(paths.layers, { recursive: true });
    mkdirSync(paths.links, { recursive: true });
    for (const name of readdirSync(paths.layers)) {
      const dir = join(paths.layers, name);
      if (name.startsWith('.tmp-')) { rmSync(dir, { recursive: true, force: true }); continue; }
      try {
        const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as LayerMeta;
        this.cache.set(meta.chainId, meta);
      } catch {
        // A layer without meta was never completed; drop it.
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }

  has(chainId: string): boolean { return this.cache.has(chainId); }

  get(chainId: string): LayerMeta {
    const meta = this.cache.get(chainId);
    if (!meta) throw new NotFound(`layer ${chainId} not found`);
    return meta;
  }

  list(): LayerMeta[] { return [...this.cache.values()]; }

  /** Whether the unpacker reports each tar's diffID (ensureFromStream can then verify it). */
  get unpackerHashes(): boolean { return unpacker === untarLayer; }

  diffDir(chainId: string): string { return join(this.paths.layer(chainId), 'diff'); }

  /** Lower dirs for a stack of layers, top first, relative to the links dir. */
  lowerLinks(chain: readonly string[]): string[] {
    return [...chain].reverse().map((c) => this.get(c).link);
  }

  /** Unpacks the layer whose uncompressed tar is the blob `diffId`, on top of `parent`. */
  async ensure(diffId: string, parent: string | null, policy: ExtractPolicy, source?: () => Readable): Promise<LayerMeta> {
    const chainId = parent === null ? diffId : sha256Digest(`${parent} ${diffId}`);
    this.observer?.layerUsed(chainId);
    const existing = this.cache.get(chainId);
    if (existing) return existing;
    const pending = this.inflight.get(chainId);
    if (pending) return pending;
    const work = this.unpack(chainId, diffId, parent, source ? source() : this.blobs.open(diffId), policy).finally(() => this.inflight.delete(chainId));
    this.inflight.set(chainId, work);
    return work;
  }

  private async unpack(chainId: string, diffId: string, parent: string | null, tar: Readable, policy: ExtractPolicy, verify = false): Promise<LayerMeta> {
    const staged = await this.stage(tar, policy);
    if (verify && staged.result.diffId !== diffId) {
      // Checked before adopt(): a layer is never visible under a diffID it does not have.
      this.discard(staged);
      if (staged.result.diffId === undefined) throw new Error(`unpack layer ${diffId}: the unpacker reported no diffID to verify`);
      throw new DiffIdMismatch(diffId, staged.result.diffId);
    }
    return this.adopt(staged, diffId, parent);
  }

  /** Unpacks a tar into a temp dir before its place in a chain is known (while it is still arriving). */
  async stage(tar: Readable, policy: ExtractPolicy): Promise<StagedLayer> {
    const dir = join(this.paths.layers, `.tmp-${randomBytes(8).toString('hex')}`);
    const diff = join(dir, 'diff');
    mkdirSync(diff, { recursive: true });
    try {
      return { dir, result: await unpacker(tar, diff, policy) };
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Makes a staged layer the layer `diffId` on `parent`; the caller has verified the bytes.
   * The fsyncs run on the thread pool, so a pull keeps streaming its other layers meanwhile.
   */
  async adopt(staged: StagedLayer, diffId: string, parent: string | null): Promise<LayerMeta> {
    const chainId = parent === null ? diffId : sha256Digest(`${parent} ${diffId}`);
    this.observer?.layerUsed(chainId);
    // Another adoption of the same layer in progress (a load and a pull at once): it wins.
    await this.adopting.get(chainId)?.catch(() => {});
    const existing = this.cache.get(chainId);
    if (existing) { this.discard(staged); return existing; }
    const work = this.install(staged, chainId, diffId, parent).finally(() => this.adopting.delete(chainId));
    this.adopting.set(chainId, work);
    return work;
  }

  private async install(staged: StagedLayer, chainId: string, diffId: string, parent: string | null): Promise<LayerMeta> {
    try {
      const link = hexOf(chainId).slice(0, 20);
      const r = staged.result;
      const meta: LayerMeta = { chainId, diffId, parent, size: r.size, link, whiteouts: r.whiteouts, opaqueDirs: r.opaqueDirs, created: new Date().toISOString() };
      // The staged dir is private until renamed: meta.json needs no temp file, only to be durable
      // (with its directory entry) before the rename makes the layer visible.
      await writeDurable(join(staged.dir, 'meta.json'), JSON.stringify(meta));
      await syncPath(staged.dir);
      const final = this.paths.layer(chainId);
      renameSync(staged.dir, final);
      await syncPath(this.paths.layers);
      const linkPath = join(this.paths.links, link);
      if (existsSync(linkPath)) unlinkSync(linkPath);
      symlinkSync(relative(this.paths.links, join(final, 'diff')), linkPath);
      this.cache.set(chainId, meta);
      this.observer?.layerUsed(chainId);
      return meta;
    } catch (err) {
      this.discard(staged);
      throw err;
    }
  }

  discard(staged: StagedLayer): void { rmSync(staged.dir, { recursive: true, force: true }); }

  /**
   * Unpacks a layer from a tar stream as it arrives (registry pulls: download, verify and unpack
   * in one pass). The stream must error, not end, if the bytes fail verification. With
   * `verifyDiffId` (only where unpackerHashes), the unpacker's hash of the tar must equal
   * `diffId`, else nothing is kept and the answer is a DiffIdMismatch.
   */
  async ensureFromStream(diffId: string, parent: string | null, tar: Readable, policy: ExtractPolicy, verifyDiffId = false): Promise<LayerMeta> {
    const chainId = parent === null ? diffId : sha256Digest(`${parent} ${diffId}`);
    this.observer?.layerUsed(chainId);
    const existing = this.cache.get(chainId);
    if (existing) { tar.resume(); return existing; }
    // Two pulls of the same layer at once: the second drains its stream and waits for the first.
    const pending = this.inflight.get(chainId);
    if (pending) { tar.resume(); return pending; }
    const work = this.unpack(chainId, diffId, parent, tar, policy, verifyDiffId).finally(() => this.inflight.delete(chainId));
    this.inflight.set(chainId, work);
    return work;
  }

  /** Unpacks every layer of an image (diff IDs bottom first); returns the chain IDs. */
  async ensureAll(diffIds: readonly string[], policy: ExtractPolicy, sources?: Map<string, () => Readable>): Promise<string[]> {
    const chain = chainIds(diffIds);
    let parent: string | null = null;
    for (const diffId of diffIds) {
      const meta: LayerMeta = await this.ensure(diffId, parent, policy, sources?.get(diffId));
      parent = meta.chainId;
    }
    return chain;
  }

  /**
   * Deletes a layer. The rename out of its ChainID name is the atomic step: a crash afterwards
   * leaves a .tmp- dir, which the constructor removes, never a half-deleted layer under its name.
   */
  remove(chainId: string): void {
    const meta = this.cache.get(chainId);
    if (!meta) return;
    this.cache.delete(chainId);
    const doomed = join(this.paths.layers, `.tmp-gc-${randomBytes(8).toString('hex')}`);
    try { renameSync(this.paths.layer(chainId), doomed); } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') { this.cache.set(chainId, meta); throw new Error(`remove layer ${chainId}: ${(err as Error).message}`); }
    }
    rmSync(join(this.paths.links, meta.link), { force: true });
    rmSync(doomed, { recursive: true, force: true });
  }

  /** Removes short links in l/ that name no layer (left by a crash between the steps above). */
  sweepLinks(): number {
    const live = new Set([...this.cache.values()].map((m) => m.link));
    let removed = 0;
    for (const name of readdirSync(this.paths.links)) {
      if (live.has(name)) continue;
      rmSync(join(this.paths.links, name), { force: true });
      removed++;
    }
    return removed;
  }
}

async function writeDurable(path: string, data: string): Promise<void> {
  const fh = await fsp.open(path, 'wx', 0o600);
  try { await fh.writeFile(data); await fh.sync(); } finally { await fh.close(); }
}

async function syncPath(path: string): Promise<void> {
  const fh = await fsp.open(path, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}
