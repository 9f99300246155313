// Unpacks one layer tar into an empty directory, safely, in berthd's own process. Image layers
// go through berth-fsops untar instead (untar-native.ts: faster, and chrooted); this one unpacks
// archives put into containers, and image layers when BERTH_UNPACKER=js. The conformance test
// in test/image-store-snapshots.test.ts holds both to the same results.
//
// Node has no openat2(RESOLVE_IN_ROOT), so every entry is checked against
// what is already on disk: each parent component is lstat'ed inside the layer root and the entry
// is refused if any of them is a symlink (or not a directory), files are created with
// O_CREAT|O_EXCL|O_NOFOLLOW after removing what was there, and hard-link targets go through the
// same check. Only berthd writes in a layer directory while it is being unpacked, so what was
// checked stays true. The two operations Node cannot do (mknod for whiteouts and devices, and
// xattrs) run in berth-fsops, which chroots into the layer first.
import { constants, symlinkSync, lchownSync, lutimesSync, closeSync, fchmodSync, fchownSync, futimesSync, lstatSync, mkdirSync, openSync, rmSync, linkSync, writeSync, chmodSync, chownSync, utimesSync, unlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { writeFiles, type FileJob } from './file-writers.js';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract, type Header as Headers } from 'tar-stream';
import { entryComponents } from './entry-path.js';
import { LayerError } from './layer-error.js';
import { applyFsOps, type FsOp } from './fsops.js';

export interface ExtractPolicy {
  /** Device nodes (char/block) allowed: images loaded from archives may carry them; imports may not. */
  allowDevices: boolean;
  /** setuid/setgid files allowed (real distributions have them; an untrusted import may not). */
  allowSetuid: boolean;
  /** Registry pulls with berth-fsops untar: keep the input as received as a blob (see BlobCopy). */
  blobCopy?: BlobCopy;
}

/**
 * The unpacker (untar-native.ts only) also writes the bytes it reads, as received (the compressed
 * blob), to `path`, hashing them, and fails with BlobDigestMismatch unless they hash to `digest`;
 * the file is synced with the layer. `enabled` is set by the caller before the first byte is
 * written (so the unpacker sees it when it starts); `kept` is set once the file holds the
 * verified blob.
 */
export interface BlobCopy { path: string; digest: string; enabled: boolean; kept: boolean }

export interface ExtractResult {
  /** Bytes of regular file content. */
  size: number;
  /** Paths (relative) deleted by whiteouts and directories made opaque. */
  whiteouts: string[];
  opaqueDirs: string[];
  /** sha256 of the whole uncompressed tar stream, when the unpacker computed it (untar-native). */
  diffId?: string;
  /** sha256 of the input as received, when it kept it as a blob (ExtractPolicy.blobCopy). */
  blobDigest?: string;
}

const whiteoutPrefix = '.wh.';
const opaqueMarker = '.wh..wh..opq';

/** `made`: created by this entry with its own mode (else it existed, e.g. made as a parent). */
interface DirTimes { path: string; mode: number; uid: number; gid: number; mtime: Date; made?: boolean }

const smallFileLimit = 4 * 1024 * 1024;

// Read once: the mode bits open(2) and mkdir(2) drop. (process.umask() without an argument is
// deprecated but is the only way to read it.)
const umask = process.umask();

/**
 * A root-owned entry whose mode open(2) or mkdir(2) sets exactly: no chown and no chmod needed.
 * Directories created during unpacking have no setgid bit yet, so new files get gid 0.
 */
function isPlain(uid: number, gid: number, mode: number): boolean {
  return uid === 0 && gid === 0 && (mode & (umask | 0o7000)) === 0;
}
const batchFiles = 64;
const batchBytes = 8 * 1024 * 1024;
const maxInflightBatches = 8;
const maxInflightBytes = 64 * 1024 * 1024;

function lstatOrNull(path: string): Stats | null {
  try { return lstatSync(path); } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export class LayerExtractor {
  private readonly knownDirs = new Set<string>(['']);
  /** Every path this extraction created: the layer dir starts empty, so anything else is absent (no lstat needed). */
  private readonly created = new Set<string>();
  private readonly symlinks = new Set<string>();
  private readonly dirs: DirTimes[] = [];
  private readonly ops: FsOp[] = [];
  /** Device nodes and fifos get the tar's time once berth-fsops has made them. */
  private readonly nodeTimes: { path: string; mtime: Date }[] = [];
  private readonly result: ExtractResult = { size: 0, whiteouts: [], opaqueDirs: [] };
  /** Path -> the batch that creates it; a later entry for the same path waits for it. */
  private readonly pending = new Map<string, Promise<void>>();
  private readonly inflight = new Set<Promise<void>>();
  private inflightBytes = 0;
  private failure: unknown;

  constructor(private readonly root: string, private readonly policy: ExtractPolicy) {}

  /** Makes sure every parent of `parts` is a real directory inside the root; creates missing ones. */
  private ensureParents(parts: readonly string[], entryName: string): void {
    let rel = '';
    for (let i = 0; i < parts.length - 1; i++) {
      rel = rel === '' ? (parts[i] ?? '') : `${rel}/${parts[i]}`;
      if (this.knownDirs.has(rel)) continue;
      // Symlinks may still be on their way to disk: this set knows them first.
      if (this.symlinks.has(rel)) throw new LayerError(`layer entry "${entryName}": its path goes through the symlink "${rel}"; refusing to follow links while unpacking`);
      const abs = join(this.root, rel);
      const st = this.created.has(rel) ? lstatOrNull(abs) : null;
      if (st === null) {
        mkdirSync(abs, { mode: 0o755 });
        this.created.add(rel);
      } else if (st.isSymbolicLink()) {
        throw new LayerError(`layer entry "${entryName}": its path goes through the symlink "${rel}"; refusing to follow links while unpacking`);
      } else if (!st.isDirectory()) {
        throw new LayerError(`layer entry "${entryName}": "${rel}" is not a directory`);
      }
      this.knownDirs.add(rel);
    }
  }

  /** A parent this extraction created as a file may still be on its way to disk: wait for it, so ensureParents sees it. */
  private async settleParents(parts: readonly string[]): Promise<void> {
    let rel = '';
    for (let i = 0; i < parts.length - 1; i++) {
      rel = rel === '' ? (parts[i] ?? '') : `${rel}/${parts[i]}`;
      if (this.knownDirs.has(rel) || !this.created.has(rel)) continue;
      if (this.batchRels.includes(rel)) await this.flushBatch();
      const pending = this.pending.get(rel);
      if (pending) await pending;
    }
  }

  /** Clears the final path for a new entry (anything but a directory that stays a directory). */
  private async clearTarget(abs: string, rel: string, keepDir: boolean): Promise<void> {
    // A write still in flight for this path (or, when a directory goes, for anything) ends first.
    if (!this.created.has(rel)) return;
    if (this.batchRels.includes(rel)) await this.flushBatch();
    this.symlinks.delete(rel);
    const pending = this.pending.get(rel);
    if (pending) await pending;
    const st = lstatOrNull(abs);
    if (st?.isDirectory() && !keepDir) await this.settle();
    if (st === null) return;
    if (st.isDirectory() && keepDir) return;
    if (st.isDirectory()) {
      rmSync(abs, { recursive: true, force: true });
      for (const d of [...this.knownDirs]) if (d === rel || d.startsWith(`${rel}/`)) this.knownDirs.delete(d);
      for (const l of [...this.symlinks]) if (l.startsWith(`${rel}/`)) this.symlinks.delete(l);
    } else unlinkSync(abs);
  }

  async entry(header: Headers, stream: Readable): Promise<void> {
    const parts = entryComponents(header.name, `layer entry "${header.name}"`);
    if (parts.length === 0) {
      // The root entry ("./"): its metadata applies to the layer root.
      if (header.type === 'directory') this.dirs.push({ path: this.root, mode: (header.mode ?? 0o755) & 0o7777, uid: header.uid ?? 0, gid: header.gid ?? 0, mtime: header.mtime ?? new Date() });
      stream.resume();
      return;
    }
    const rel = parts.join('/');
    const base = parts[parts.length - 1] ?? '';
    const parentRel = parts.slice(0, -1).join('/');
    await this.settleParents(parts);
    this.ensureParents(parts, header.name);
    const abs = join(this.root, rel);

    if (base === opaqueMarker) {
      this.result.opaqueDirs.push(parentRel);
      this.ops.push({ op: 'xattr', path: parentRel === '' ? '/' : parentRel, name: 'trusted.overlay.opaque', value: Buffer.from('y') });
      stream.resume();
      return;
    }
    if (base.startsWith(whiteoutPrefix)) {
      const target = base.slice(whiteoutPrefix.length);
      if (target === '' || target === '.' || target === '..') throw new LayerError(`layer entry "${header.name}": invalid whiteout`);
      const targetRel = parentRel === '' ? target : `${parentRel}/${target}`;
      await this.clearTarget(join(this.root, targetRel), targetRel, false);
      this.result.whiteouts.push(targetRel);
      this.ops.push({ op: 'mknod', path: targetRel, type: 'c', mode: 0o000, major: 0, minor: 0, uid: 0, gid: 0 });
      stream.resume();
      return;
    }

    const mode = (header.mode ?? 0o644) & 0o7777;
    const uid = header.uid ?? 0;
    const gid = header.gid ?? 0;
    const mtime = header.mtime ?? new Date();
    this.collectXattrs(header, rel);

    switch (header.type) {
      case 'file':
      case 'contiguous-file': {
        if ((mode & 0o6000) !== 0 && !this.policy.allowSetuid) {
          throw new LayerError(`layer entry "${header.name}": setuid/setgid files are refused in an untrusted import`);
        }
        await this.clearTarget(abs, rel, false);
        this.created.add(rel);
        if ((header.size ?? 0) <= smallFileLimit) {
          // Small files are written by the thread pool while the tar keeps streaming: creating
          // thousands of files is syscall-bound, and several in flight use the kernel in parallel.
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          const bytes = chunks.reduce((n, c) => n + c.length, 0);
          this.result.size += bytes;
          // One buffer the job owns, so it can be transferred to the writer thread.
          const data = new Uint8Array(new ArrayBuffer(bytes));
          let at = 0;
          for (const c of chunks) { data.set(c, at); at += c.length; }
          this.batch.push({ path: abs, data, uid, gid, mode, mtimeMs: mtime.getTime(), plain: isPlain(uid, gid, mode) });
          this.batchRels.push(rel);
          this.batchBytes += bytes;
          if (this.batch.length >= batchFiles || this.batchBytes >= batchBytes) await this.flushBatch();
          return;
        }
        const fd = openSync(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
        try {
          for await (const chunk of stream) {
            const buf = chunk as Buffer;
            let off = 0;
            while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
            this.result.size += buf.length;
          }
          // chown before chmod: chown clears setuid bits.
          fchownSync(fd, uid, gid);
          fchmodSync(fd, mode);
          futimesSync(fd, mtime, mtime);
        } finally {
          closeSync(fd);
        }
        return;
      }
      case 'directory': {
        await this.clearTarget(abs, rel, true);
        // Created writable by us; the exact mode, owner and times are applied in finish().
        let made = false;
        if (!this.created.has(rel) || lstatOrNull(abs) === null) {
          mkdirSync(abs, { mode: (mode & 0o777) | 0o700 });
          made = true;
        }
        this.created.add(rel);
        this.knownDirs.add(rel);
        this.dirs.push({ path: abs, mode, uid, gid, mtime, made });
        stream.resume();
        return;
      }
      case 'symlink': {
        // The target is stored, never followed here: it is interpreted inside the container's root.
        await this.clearTarget(abs, rel, false);
        this.created.add(rel);
        this.symlinks.add(rel);
        // Made here, not by a writer thread: the writer's file creation is the critical path of an
        // unpack (profiled), and the main thread waits for it part of the time anyway.
        symlinkSync(header.linkname ?? '', abs);
        if (uid !== 0 || gid !== 0) lchownSync(abs, uid, gid);
        lutimesSync(abs, mtime, mtime);
        stream.resume();
        return;
      }
      case 'link': {
        const targetParts = entryComponents(header.linkname ?? '', `hard link target of "${header.name}"`);
        if (targetParts.length === 0) throw new LayerError(`layer entry "${header.name}": hard link to the layer root`);
        this.ensureParents(targetParts, `hard link target of "${header.name}"`);
        const targetAbs = join(this.root, targetParts.join('/'));
        if (this.batchRels.includes(targetParts.join('/'))) await this.flushBatch();
        const targetPending = this.pending.get(targetParts.join('/'));
        if (targetPending) await targetPending;
        const st = lstatOrNull(targetAbs);
        if (st === null) throw new LayerError(`layer entry "${header.name}": hard link target "${header.linkname}" does not exist in this layer`);
        if (st.isDirectory()) throw new LayerError(`layer entry "${header.name}": hard link to a directory`);
        await this.clearTarget(abs, rel, false);
        this.created.add(rel);
        // link(2) does not follow a symlink target on Linux: the link names the same inode.
        linkSync(targetAbs, abs);
        stream.resume();
        return;
      }
      case 'character-device':
      case 'block-device': {
        if (!this.policy.allowDevices) throw new LayerError(`layer entry "${header.name}": device nodes are refused in an untrusted import`);
        await this.clearTarget(abs, rel, false);
        this.created.add(rel);
        this.ops.push({ op: 'mknod', path: rel, type: header.type === 'character-device' ? 'c' : 'b', mode, major: header.devmajor ?? 0, minor: header.devminor ?? 0, uid, gid });
        this.nodeTimes.push({ path: abs, mtime });
        stream.resume();
        return;
      }
      case 'fifo': {
        await this.clearTarget(abs, rel, false);
        this.created.add(rel);
        this.ops.push({ op: 'mknod', path: rel, type: 'p', mode, major: 0, minor: 0, uid, gid });
        this.nodeTimes.push({ path: abs, mtime });
        stream.resume();
        return;
      }
      default:
        // pax/gnu meta headers are consumed by tar-stream; anything else carries no file.
        stream.resume();
    }
  }

  private collectXattrs(header: Headers, rel: string): void {
    const pax = header.pax;
    if (!pax) return;
    for (const [key, value] of Object.entries(pax)) {
      if (!key.startsWith('SCHILY.xattr.')) continue;
      const name = key.slice('SCHILY.xattr.'.length);
      // overlay's own attributes in a layer would change what the mount shows; never take them from a tar.
      if (name.startsWith('trusted.overlay.')) continue;
      this.ops.push({ op: 'xattr', path: rel, name, value: Buffer.from(String(value), "binary") });
    }
  }

  private batch: FileJob[] = [];
  private batchRels: string[] = [];
  private batchBytes = 0;

  /** Sends the collected small files to the writer threads. */
  private async flushBatch(): Promise<void> {
    if (this.batch.length === 0) return;
    const jobs = this.batch;
    const rels = this.batchRels;
    const bytes = this.batchBytes;
    this.batch = [];
    this.batchRels = [];
    this.batchBytes = 0;
    const write = writeFiles(jobs);
    // Every file of the batch is pending until the batch is done (hard links and replacements wait).
    await this.startWrite(rels, write, bytes);
  }

  /** Queues a write; waits when too many bytes or files are in flight. */
  private async startWrite(rels: string[], write: Promise<void>, bytes: number): Promise<void> {
    const done = (): void => {
      for (const rel of rels) if (this.pending.get(rel) === tracked) this.pending.delete(rel);
      this.inflight.delete(tracked);
      this.inflightBytes -= bytes;
    };
    const tracked: Promise<void> = write.then(done, (err: unknown) => { done(); this.failure ??= err; });
    for (const rel of rels) this.pending.set(rel, tracked);
    this.inflight.add(tracked);
    this.inflightBytes += bytes;
    while (this.inflight.size >= maxInflightBatches || this.inflightBytes > maxInflightBytes) {
      await Promise.race(this.inflight);
    }
    if (this.failure) throw this.failure;
  }

  /** Waits for every write in flight; rethrows the first failure. */
  async settle(): Promise<void> {
    await this.flushBatch().catch((err: unknown) => { this.failure ??= err; });
    while (this.inflight.size > 0) await Promise.all(this.inflight);
    if (this.failure) throw this.failure;
  }

  /** Applies deferred work: nodes and xattrs, then directory modes and times (children first). */
  async finish(): Promise<ExtractResult> {
    await this.settle();
    await applyFsOps(this.root, this.ops);
    for (const n of this.nodeTimes) {
      // Only what is still a node: a later entry may have replaced it (lutimes follows no link).
      const s = lstatOrNull(n.path);
      if (s && (s.isCharacterDevice() || s.isBlockDevice() || s.isFIFO())) lutimesSync(n.path, n.mtime, n.mtime);
    }
    for (const d of this.dirs.reverse()) {
      // A directory a later entry replaced (by a symlink, say) keeps nothing of this entry: chown
      // and chmod follow symlinks, and must never reach outside the layer.
      if (d.path !== this.root && lstatOrNull(d.path)?.isDirectory() !== true) continue;
      // Only the calls that change something: most directories are root's 0755.
      if (d.uid !== 0 || d.gid !== 0) chownSync(d.path, d.uid, d.gid);
      if (!d.made || !isPlain(0, 0, d.mode) || (d.mode & 0o700) !== 0o700 || d.uid !== 0 || d.gid !== 0) chmodSync(d.path, d.mode);
      utimesSync(d.path, d.mtime, d.mtime);
    }
    return this.result;
  }
}

/** Stops feeding `to` and discards the rest of `from` (a request body), ignoring later errors. */
export function drain(from: Readable, to?: NodeJS.WritableStream): void {
  if (to) from.unpipe(to as never);
  from.on('error', () => {});
  from.resume();
}

export function isGzip(head: Buffer): boolean { return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b; }

/** The stream as it came (its first chunk read back in front) and whether it is gzip. */
export async function sniffGzip(source: Readable): Promise<{ input: Readable; gzip: boolean }> {
  const iter = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first = await iter.next();
  const input = Readable.from((async function* () {
    if (first.done) return;
    yield first.value;
    for (;;) {
      const n = await iter.next();
      if (n.done) return;
      yield n.value;
    }
  })(), { objectMode: false });
  return { input, gzip: !first.done && isGzip(first.value) };
}

/** Peeks at the first chunk to decompress gzip transparently. */
export async function maybeGunzip(source: Readable): Promise<Readable> {
  const { input: rest, gzip } = await sniffGzip(source);
  if (!gzip) return rest;
  // Big output chunks: each chunk is a thread-pool round trip and a tar-stream parse step.
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  rest.on('error', (e) => gunzip.destroy(e));
  return rest.pipe(gunzip);
}

/** Unpacks a (possibly gzipped) tar stream into `root`, which must exist and be empty. */
export async function extractLayer(source: Readable, root: string, policy: ExtractPolicy): Promise<ExtractResult> {
  const input = await maybeGunzip(source);
  const extractor = new LayerExtractor(root, policy);
  const tar = tarExtract();
  input.on('error', (e) => tar.destroy(e));
  input.pipe(tar);
  try {
    for await (const entry of tar) {
      await extractor.entry(entry.header, entry as unknown as Readable);
    }
  } catch (err) {
    // Writes in flight finish before the caller removes the half-unpacked directory.
    await extractor.settle().catch(() => {});
    // Read the rest of the request and drop it: destroying it would cut the connection before
    // the client gets the error.
    drain(input, tar);
    if (err instanceof LayerError) throw err;
    const msg = (err as Error).message;
    if (/tar|header|Unexpected end|invalid/i.test(msg)) throw new LayerError(`invalid layer tar: ${msg}`);
    throw err;
  }
  return extractor.finish();
}
