import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { decompressor, sniffCompression } from './decompress.js';

async function run(input: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from([input.subarray(0, 10), input.subarray(10)]), decompressor(sniffCompression(input)), new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  return Buffer.concat(out);
}

describe('decompression by magic bytes', () => {
  const data = Buffer.from('hello layer '.repeat(10_000));

  it('handles gzip, zstd (through the zstd program) and plain data', async () => {
    expect(sniffCompression(gzipSync(data))).toBe('gzip');
    const zst = execFileSync('zstd', ['-q', '-c'], { input: data });
    expect(sniffCompression(zst)).toBe('zstd');
    expect(sniffCompression(data)).toBe('none');
    expect((await run(gzipSync(data))).equals(data)).toBe(true);
    expect((await run(zst)).equals(data)).toBe(true);
    expect((await run(data)).equals(data)).toBe(true);
  });

  it('fails on corrupt zstd data', async () => {
    const zst = Buffer.from(execFileSync('zstd', ['-q', '-c'], { input: data }));
    zst.fill(0x41, 6, zst.length - 2);
    await expect(run(zst)).rejects.toThrow(/zstd decompression failed/);
  });
});
