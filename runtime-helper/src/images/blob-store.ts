// Content-addressed blobs (sha256). Everything enters through a temp file in the store's own
// filesystem, is hashed on the way in, checked against the expected digest, fsynced, and renamed
// into place: a half-written or unverified blob is never visible under its digest.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, fdatasync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promises as fsp } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { writeFileAtomic, fsyncDir } from '../util/atomic.js';
import { writeFileAtomicAsync } from './durable-write.js';
import { sha256Digest, isSha256 } from '../util/digest.js';
import { InvalidParameter, NotFound } from '../api/errors.js';
import type { StorePaths } from './store-paths.js';

const backgroundSyncBytes = 16 * 1024 * 1024;

export interface SpooledFile { path: string; digest: string; size: number }

/** Told of every blob written or found already there by a write (the collector pins it to the held leases). */
export interface BlobObserver { blobUsed(digest: string): void }

export class BlobStore {
  observer: BlobObserver | undefined;

  constructor(private readonly paths: StorePaths) {
    mkdirSync(paths.blobs, { recursive: true });
    mkdirSync(paths.tmp, { recursive: true });
    // Spools left by a crash were never committed: nothing refers to them.
    for (const name of readdirSync(paths.tmp)) if (name.startsWith('spool-')) rmSync(join(paths.tmp, name), { force: true });
    for (const name of readdirSync(paths.blobs)) if (name.startsWith('.tmp-')) rmSync(join(paths.blobs, name), { force: true });
  }

  /** Every blob digest in the store. */
  list(): string[] {
    return readdirSync(this.paths.blobs).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  path(digest: string): string {
    if (!isSha256(digest)) throw new InvalidParameter(`invalid digest "${digest}"`);
    return this.paths.blob(digest);
  }

  has(digest: string): boolean { return isSha256(digest) && existsSync(this.paths.blob(digest)); }

  size(digest: string): number { return statSync(this.path(digest)).size; }

  read(digest: string): Buffer {
    try { return readFileSync(this.path(digest)); } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFound(`blob ${digest} not found`);
      throw err;
    }
  }

  open(digest: string): Readable { return createReadStream(this.path(digest)); }

  /** Stores bytes already in memory; verifies them against `expected` if given. */
  putBuffer(data: Buffer, expected?: string): string {
    const digest = sha256Digest(data);
    if (expected !== undefined && expected !== digest) throw new InvalidParameter(`blob digest mismatch: expected ${expected}, got ${digest}`);
    if (!this.has(digest)) writeFileAtomic(this.paths.blob(digest), data, 0o644);
    this.observer?.blobUsed(digest);
    return digest;
  }

  /** putBuffer with the write and its fsyncs on the thread pool. */
  async putBufferAsync(data: Buffer, expected?: string): Promise<string> {
    const digest = sha256Digest(data);
    if (expected !== undefined && expected !== digest) throw new InvalidParameter(`blob digest mismatch: expected ${expected}, got ${digest}`);
    this.observer?.blobUsed(digest);
    if (!this.has(digest)) await writeFileAtomicAsync(this.paths.blob(digest), data, 0o644);
    this.observer?.blobUsed(digest);
    return digest;
  }

  /** A fresh temp path on the store's filesystem (for spooling). */
  tempPath(prefix = 'spool'): string {
    return join(this.paths.tmp, `${prefix}-${randomBytes(8).toString('hex')}`);
  }

  /**
   * Streams into a temp file while hashing; the caller commits (rename) or discards it.
   * `tee` receives the same bytes as they pass (to unpack a layer while it is being stored).
   * `verified`: the digest of a source that ends only after its bytes matched it (a registry
   * pull's verified stream, which errors instead), so hashing them again here is skipped.
   */
  async spool(source: Readable, onBytes?: (n: number) => void, tee?: Writable, verified?: string): Promise<SpooledFile> {
    const path = this.tempPath();
    const hash = verified === undefined ? createHash('sha256') : undefined;
    let size = 0;
    const out = createWriteStream(path, { mode: 0o644 });
    // Flush to disk as the data arrives (the disk is idle while a layer downloads or unpacks),
    // so the fsync before the blob becomes visible has little left to do.
    let syncFd: number | undefined;
    let syncing: Promise<void> | undefined;
    let unsynced = 0;
    const background = (): void => {
      if (syncing) return;
      unsynced = 0;
      syncFd ??= openSync(path, 'r');
      const fd = syncFd;
      syncing = new Promise<void>((resolve) => fdatasync(fd, () => { syncing = undefined; resolve(); }));
    };
    try {
      await pipeline(source, async function* (src: AsyncIterable<Buffer>) {
        for await (const chunk of src) {
          hash?.update(chunk);
          size += chunk.length;
          unsynced += chunk.length;
          if (unsynced >= backgroundSyncBytes) background();
          onBytes?.(chunk.length);
          if (tee && !tee.destroyed && !tee.write(chunk)) await new Promise<void>((resolve) => { tee.once('drain', resolve); tee.once('close', resolve); });
          yield chunk;
        }
        tee?.end();
      }, out);
    } catch (err) {
      tee?.destroy(err as Error);
      // The write stream opens its file asynchronously: a spool whose source fails at once would
      // see its file created after the removal below unless we wait for the stream to close.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      rmSync(path, { force: true });
      throw err;
    } finally {
      await syncing;
      if (syncFd !== undefined) closeSync(syncFd);
    }
    return { path, digest: hash ? `sha256:${hash.digest('hex')}` : verified!, size };
  }

  /** Moves a spooled file under its digest after checking it; returns the digest. */
  commit(file: SpooledFile, expected?: string): string {
    if (expected !== undefined && expected !== file.digest) {
      rmSync(file.path, { force: true });
      throw new InvalidParameter(`blob digest mismatch: expected ${expected}, got ${file.digest}`);
    }
    if (this.has(file.digest)) {
      rmSync(file.path, { force: true });
      this.observer?.blobUsed(file.digest);
      return file.digest;
    }
    const fd = openSync(file.path, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
    renameSync(file.path, this.paths.blob(file.digest));
    this.observer?.blobUsed(file.digest);
    fsyncDir(this.paths.blobs);
    return file.digest;
  }

  /** Like commit, with the fsync on the thread pool so the caller can go on (e.g. unpack the same bytes). */
  async commitAsync(file: SpooledFile, expected?: string): Promise<string> {
    if (expected !== undefined && expected !== file.digest) {
      rmSync(file.path, { force: true });
      throw new InvalidParameter(`blob digest mismatch: expected ${expected}, got ${file.digest}`);
    }
    if (this.has(file.digest)) {
      rmSync(file.path, { force: true });
      this.observer?.blobUsed(file.digest);
      return file.digest;
    }
    const fh = await fsp.open(file.path, 'r');
    try { await fh.sync(); } finally { await fh.close(); }
    renameSync(file.path, this.paths.blob(file.digest));
    this.observer?.blobUsed(file.digest);
    const dir = await fsp.open(this.paths.blobs, 'r');
    try { await dir.sync(); } finally { await dir.close(); }
    return file.digest;
  }

  async ingest(source: Readable, expected?: string): Promise<{ digest: string; size: number }> {
    const file = await this.spool(source);
    return { digest: this.commit(file, expected), size: file.size };
  }

  delete(digest: string): void { rmSync(this.path(digest), { force: true }); }

  /** Bytes on disk of one blob, 0 if it is gone. */
  sizeOrZero(digest: string): number {
    try { return statSync(this.path(digest)).size; } catch { return 0; }
  }

  /** Makes earlier deletes durable. */
  syncDir(): void { fsyncDir(this.paths.blobs); }
}
