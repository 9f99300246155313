// Decompression as a stream, chosen by the content's magic bytes (as Docker does; media types
// lie): gzip with zlib, zstd with the `zstd` program, else none.
//
// zstd: Node 20's zlib has no zstd (it arrives in Node 22.15/23.8). We stream through the
// `zstd -dc` binary (Debian package zstd, installed by setup) rather than add an npm decoder:
// the pure-JS decoders on npm (fzstd, zstddec) decode whole buffers or are WASM without
// streaming back-pressure, and native addons would need a compiler at install time. A child
// process streams with back-pressure, runs on the other core, and fails loudly when absent.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Compression } from './manifest.js';

export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

export function decompressor(kind: Compression): Duplex {
  // 1 MiB output chunks: each one is a hash update, a pipe write to the unpacker and a wakeup of
  // it; at 256 KiB a pull spent measurably more main-thread CPU on them.
  if (kind === 'gzip') return createGunzip({ chunkSize: 1 << 20 });
  if (kind === 'zstd') return zstdDecoder();
  return new PassThrough();
}

function zstdDecoder(): Duplex {
  return new ZstdDecoder();
}

/**
 * `zstd -dc` as a Duplex. The readable side ends only after the program exited 0, so corrupt
 * input (zstd exits non-zero, possibly after a clean-looking end of output) is an error.
 */
class ZstdDecoder extends Duplex {
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private outputEnded = false;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor() {
    super({ readableHighWaterMark: 1 << 20 });
    this.child = spawn('zstd', ['-dcq', '--no-progress'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => { if (this.stderr.length < 2000) this.stderr += d.toString('utf8'); });
    this.child.stdout.on('data', (c: Buffer) => { if (!this.push(c)) this.child.stdout.pause(); });
    this.child.stdout.on('end', () => { this.outputEnded = true; this.settle(); });
    this.child.on('close', (code, signal) => { this.exit = { code, signal }; this.settle(); });
    this.child.on('error', (err) => {
      this.destroy(new Error(`zstd decompression: cannot run zstd (${(err as NodeJS.ErrnoException).code ?? err.message}); install the zstd package`));
    });
    // A write after zstd died fails with EPIPE; the exit status is the error we report.
    this.child.stdin.on('error', () => {});
  }

  private settle(): void {
    if (!this.outputEnded || !this.exit || this.destroyed) return;
    if (this.exit.code === 0) this.push(null);
    else this.destroy(new Error(`zstd decompression failed (${this.exit.signal ?? `exit ${this.exit.code}`}): ${this.stderr.trim().split('\n')[0] ?? ''}`));
  }

  override _read(): void { this.child.stdout.resume(); }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.child.stdin.write(chunk)) cb();
    else this.child.stdin.once('drain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.child.stdin.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    cb(err);
  }
}
