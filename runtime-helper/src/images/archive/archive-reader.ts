// Reads an image archive (tar, plain or gzip) into a map of path -> content. Small files stay in
// memory; large ones are spooled into the store's temp dir, so a layer that turns out to be
// wanted becomes a blob by rename. Symlinks are kept as links inside the archive.
//
// A large entry that is unpacked while it arrives (`stage`) is hashed once, by the unpacker
// (berth-fsops untar hashes every byte it reads: the layer's diffID). When the entry is not
// gzip, that hash is the entry's own digest, so berthd does not hash the same bytes again; a
// gzip entry is hashed here (its compressed digest names its OCI blob) and the unpacker's hash
// is the diffID of what it inflated. Where the unpacker gave no hash (it refused the entry, which
// may be no layer at all, or the JavaScript unpacker runs) the spooled file is hashed afterwards.
import { createReadStream, closeSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract } from 'tar-stream';
import type { BlobStore, SpooledFile } from '../blob-store.js';
import type { StagedLayer } from '../layer-store.js';
import { PassThrough } from 'node:stream';
import { entryComponents } from '../extract/entry-path.js';
import { maybeGunzip, drain, isGzip } from '../extract/extract-layer.js';
import { InvalidParameter } from '../../api/errors.js';
import { sha256Digest } from '../../util/digest.js';

export type ArchiveFile =
  | { kind: 'mem'; data: Buffer; digest: string }
  | { kind: 'spool'; file: SpooledFile }
  | { kind: 'link'; target: string };

const memLimit = 1024 * 1024;
/** The digest of a spool whose bytes the unpacker is hashing, until it reports (never committed as such). */
const unpackerHashPending = 'sha256:unpacker-hash-pending';
const memTotalLimit = 64 * 1024 * 1024;

export class ArchiveContents {
  readonly files = new Map<string, ArchiveFile>();
  private readonly committed = new Map<string, string>();

  constructor(private readonly blobs: BlobStore) {}

  /** Large entries being unpacked as they arrive, by archive path (see `read`'s `stage`). */
  readonly staged = new Map<string, Promise<StagedLayer | null>>();
  /** Staged entries that are gzip: the unpacker's diffID is of the inflated tar, not of the entry. */
  readonly gzipped = new Set<string>();

  /**
   * `stage`, when given, unpacks large entries while they are spooled (they are usually layers;
   * the caller adopts a staged layer only if its digest is the config's diff_id).
   */
  static async read(blobs: BlobStore, body: Readable, stage?: (path: string, tar: Readable) => Promise<StagedLayer> | null): Promise<ArchiveContents> {
    const contents = new ArchiveContents(blobs);
    const input = await maybeGunzip(body);
    const tar = tarExtract();
    input.on('error', (e) => tar.destroy(e));
    input.pipe(tar);
    let memTotal = 0;
    try {
      for await (const entry of tar) {
        const h = entry.header;
        const path = entryComponents(h.name, `archive entry "${h.name}"`).join('/');
        if (h.type === 'file' || h.type === 'contiguous-file') {
          const size = h.size ?? 0;
          if (size <= memLimit && memTotal + size <= memTotalLimit) {
            const chunks: Buffer[] = [];
            for await (const c of entry) chunks.push(c as Buffer);
            const data = Buffer.concat(chunks);
            memTotal += data.length;
            contents.files.set(path, { kind: 'mem', data, digest: sha256Digest(data) });
          } else {
            const tee = stage ? new PassThrough({ highWaterMark: 4 * 1024 * 1024 }) : undefined;
            const staging = tee && stage ? stage(path, tee) : null;
            let source = entry as unknown as Readable;
            let hashHere = true;
            if (tee && staging) {
              // A failed speculative unpack is not an error yet: the entry may not be a layer.
              contents.staged.set(path, staging.catch(() => null));
              // The unpacker waits for its input: a failure before the spool feeds it must end it.
              const { head, rest } = await peek(source).catch((err: unknown) => { tee.destroy(err as Error); throw err; });
              source = rest;
              if (isGzip(head)) contents.gzipped.add(path);
              else hashHere = false;
            }
            const file = await blobs.spool(source, undefined, staging ? tee : undefined, hashHere ? undefined : unpackerHashPending);
            contents.files.set(path, { kind: 'spool', file });
          }
        } else if (h.type === 'symlink' || h.type === 'link') {
          const base = h.type === 'symlink' ? path.split('/').slice(0, -1).join('/') : '';
          const joined = h.linkname?.startsWith('/') ? h.linkname : `${base}/${h.linkname ?? ''}`;
          contents.files.set(path, { kind: 'link', target: normalizeLink(joined, h.name) });
          entry.resume();
        } else {
          entry.resume();
        }
      }
      await contents.settleDigests();
    } catch (err) {
      await contents.discardStaged();
      contents.discard();
      drain(input, tar);
      if (err instanceof InvalidParameter) throw err;
      throw new InvalidParameter(`invalid image archive: ${(err as Error).message}`);
    }
    return contents;
  }

  /** Names every spool left to the unpacker's hash: by that hash, or by hashing the file when it gave none. */
  private async settleDigests(): Promise<void> {
    for (const [path, f] of this.files) {
      if (f.kind !== 'spool' || f.file.digest !== unpackerHashPending) continue;
      const staged = await this.staged.get(path);
      const digest = staged?.result.diffId ?? await hashFile(f.file.path);
      this.files.set(path, { kind: 'spool', file: { ...f.file, digest } });
    }
  }

  /** The staged layer of an entry once its unpack settled (null: not staged, or refused). */
  async stagedLayer(path: string, what: string): Promise<StagedLayer | null> {
    return (await this.staged.get(this.resolve(path, what))) ?? null;
  }

  /** Removes the unpacked directories of staged entries nobody adopted (an archive that failed to read). */
  private async discardStaged(): Promise<void> {
    for (const p of this.staged.values()) {
      const staged = await p;
      if (staged) rmSync(staged.dir, { recursive: true, force: true });
    }
  }

  /** The file at `path`, following links inside the archive. */
  get(path: string, what: string): Exclude<ArchiveFile, { kind: 'link' }> {
    let p = entryComponents(path, what).join('/');
    for (let depth = 0; depth < 16; depth++) {
      const f = this.files.get(p);
      if (!f) throw new InvalidParameter(`invalid image archive: ${what} "${path}" is missing`);
      if (f.kind !== 'link') return f;
      p = f.target;
    }
    throw new InvalidParameter(`invalid image archive: ${what} "${path}": too many links`);
  }

  has(path: string): boolean { return this.files.has(path); }

  /** The archive path a name ends at after following links. */
  resolve(path: string, what: string): string {
    let p = entryComponents(path, what).join('/');
    for (let depth = 0; depth < 16; depth++) {
      const f = this.files.get(p);
      if (!f || f.kind !== 'link') return p;
      p = f.target;
    }
    return p;
  }

  readBuffer(path: string, what: string): Buffer {
    const f = this.get(path, what);
    return f.kind === 'mem' ? f.data : readFileSync(f.file.path);
  }

  /** sha256 of the file as stored in the archive. */
  digestOf(path: string, what: string): string {
    const f = this.get(path, what);
    return f.kind === 'mem' ? f.digest : f.file.digest;
  }

  /** First bytes (to recognise gzip). */
  head(path: string, what: string): Buffer {
    const f = this.get(path, what);
    if (f.kind === 'mem') return f.data.subarray(0, 4);
    const buf = Buffer.alloc(4);
    const fd = openSync(f.file.path, 'r');
    try { return buf.subarray(0, readSync(fd, buf, 0, 4, 0)); } finally { closeSync(fd); }
  }

  /** Makes the file a blob (by rename when spooled); returns its digest. */
  commit(path: string, what: string): string {
    const f = this.get(path, what);
    if (f.kind === 'mem') return this.blobs.putBuffer(f.data);
    const done = this.committed.get(f.file.path);
    if (done) return done;
    const digest = this.blobs.commit(f.file);
    this.committed.set(f.file.path, digest);
    return digest;
  }

  /** Hands a spooled file over to the caller (who commits it); null for in-memory files. */
  takeSpool(path: string, what: string): SpooledFile | null {
    const f = this.get(path, what);
    if (f.kind !== 'spool' || this.committed.has(f.file.path)) return null;
    this.committed.set(f.file.path, f.file.digest);
    return f.file;
  }

  /** The file's path on disk, spooling in-memory files to a blob first. */
  diskPath(path: string, what: string): string {
    const f = this.get(path, what);
    if (f.kind === 'spool' && !this.committed.has(f.file.path)) return f.file.path;
    return this.blobs.path(this.commit(path, what));
  }

  discard(): void {
    this.staged.clear();
    for (const f of this.files.values()) {
      if (f.kind === 'spool' && !this.committed.has(f.file.path)) rmSync(f.file.path, { force: true });
    }
  }
}

/** The first chunk of a stream, and the stream as it came. */
async function peek(source: Readable): Promise<{ head: Buffer; rest: Readable }> {
  const iter = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first = await iter.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  const rest = Readable.from((async function* () {
    if (first.done) return;
    yield head;
    for (;;) {
      const n = await iter.next();
      if (n.done) return;
      yield n.value;
    }
  })(), { objectMode: false });
  return { head, rest };
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), hash);
  return `sha256:${hash.digest('hex')}`;
}

function normalizeLink(target: string, name: string): string {
  const out: string[] = [];
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw new InvalidParameter(`invalid image archive: link "${name}" points outside the archive`);
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}
