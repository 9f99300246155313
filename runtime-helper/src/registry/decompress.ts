// Decompression as a stream, chosen by the content's magic bytes (as Docker does; media types
// lie): gzip with zlib, zstd with the `zstd` program, else none.
//
// zstd: Node 20's zlib has no zstd (it arrives in Node 22.15/23.8). We stream through the
// `zstd -dc` binary (Debian package zstd, installed by setup) rather than add an npm decoder:
// the pure-JS decoders on npm (fzstd, zstddec) decode whole buffers or are WASM without
// streaming back-pressure, and native addons would need a compiler at install time. A child
// process streams with back-pressure, runs on the other core, and fails loudly when absent.
import { spawn } from 'node:child_process';
import { Duplex, PassThrough, type Readable, type Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Compression } from './manifest.js';

export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

export function decompressor(kind: Compression): Duplex {
  if (kind === 'gzip') return createGunzip({ chunkSize: 256 * 1024 });
  if (kind === 'zstd') return zstdDecoder();
  return new PassThrough();
}

function zstdDecoder(): Duplex {
  const child = spawn('zstd', ['-dcq', '--no-progress'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { if (stderr.length < 2000) stderr += d.toString('utf8'); });
  const stdin = child.stdin as Writable;
  const stdout = child.stdout as Readable;
  const duplex = Duplex.from({ writable: stdin, readable: stdout });
  let exitError: Error | undefined;
  child.on('error', (err) => {
    duplex.destroy(new Error(`zstd decompression: cannot run zstd (${(err as NodeJS.ErrnoException).code ?? err.message}); install the zstd package`));
  });
  child.on('close', (code, signal) => {
    if (code !== 0 && !duplex.destroyed) {
      exitError = new Error(`zstd decompression failed (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n')[0] ?? ''}`);
      duplex.destroy(exitError);
    }
  });
  stdin.on('error', () => { /* reported through the exit status */ });
  duplex.on('close', () => { if (child.exitCode === null) child.kill('SIGKILL'); });
  return duplex;
}
