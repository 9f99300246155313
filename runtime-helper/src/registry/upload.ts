// Blob upload, per the Distribution API: POST starts a session, then either one PUT with the
// whole body (monolithic) or PATCHes of fixed-size chunks with Content-Range and a closing PUT
// carrying the digest (chunked). Each upload restarts from byte 0 on a retryable failure.
// A layer held only as its uncompressed tar is gzipped while it streams in one PATCH (as dockerd
// does), its digest and size counted on the way, and the closing PUT names that digest.
import { createHash } from 'node:crypto';
import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { RegistryError } from './errors.js';
import { type Repository, statusError, headerString } from './registry-client.js';
import { readBody } from './transport.js';
import { withRetry } from './retry.js';

export interface UploadOptions {
  /** Blobs larger than this go in chunks of chunkSize. */
  chunkThreshold: number;
  chunkSize: number;
  onBytes?: (sent: number) => void;
}

export const defaultUploadOptions: UploadOptions = { chunkThreshold: 64 * 1024 * 1024, chunkSize: 16 * 1024 * 1024 };

export async function uploadBlob(repo: Repository, digest: string, size: number, open: () => Promise<Readable>, opts: UploadOptions): Promise<void> {
  const settings = repo.client.ctx.settings;
  const what = `${repo.client.label}: upload blob ${digest} to ${repo.path}`;
  await withRetry(what, { retries: settings.retries, baseMs: settings.retryBaseMs }, async () => {
    const location = await repo.startUpload();
    const body = await open();
    try {
      if (size <= opts.chunkThreshold) await monolithic(repo, location, digest, size, body, opts, what);
      else await chunked(repo, location, digest, size, body, opts, what);
    } finally {
      body.destroy();
    }
  });
}

export interface CompressedUpload {
  /** Progress in bytes of the uncompressed tar read. */
  onTarBytes?: (read: number) => void;
  /** A side copy of the compressed bytes (to cache them); ended when the upload ends, destroyed if it fails. */
  keep?: () => Writable;
}

/** Uploads gzip(tar) without knowing its digest in advance; answers the digest and size sent. */
export async function uploadCompressing(repo: Repository, what: string, openTar: () => Promise<Readable>, opts: CompressedUpload): Promise<{ digest: string; size: number }> {
  const settings = repo.client.ctx.settings;
  return withRetry(what, { retries: settings.retries, baseMs: settings.retryBaseMs }, async () => {
    const location = await repo.startUpload();
    const tar = await openTar();
    const side = opts.keep?.();
    const hash = createHash('sha256');
    let size = 0;
    let read = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) { read += chunk.length; opts.onTarBytes?.(read); cb(null, chunk); },
    });
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        if (side && !side.write(chunk)) side.once('drain', () => cb(null, chunk));
        else cb(null, chunk);
      },
    });
    const body = new PassThrough({ highWaterMark: 1 << 20 });
    // Level 6 and no name or time in the header: the same tar always gives the same blob.
    const piping = pipeline(tar, counter, createGzip({ level: 6 }), hasher, body);
    piping.catch(() => {});
    try {
      const res = await repo.client.request('PATCH', location.toString(), repo.scopes, {
        headers: { 'content-type': 'application/octet-stream' },
        body,
        noRedirect: true,
      });
      const errBody = res.status === 202 ? undefined : await readBody(res, 64 * 1024, what).catch(() => undefined);
      if (res.status !== 202) throw statusError(res, `${what} (streamed PATCH)`, errBody);
      res.body.resume();
      await piping;
      const next = headerString(res, 'location');
      if (!next) throw new RegistryError('bad-response', `${what}: upload accepted without a Location`);
      const digest = `sha256:${hash.digest('hex')}`;
      const done = await repo.client.request('PUT', withDigest(new URL(next, location), digest).toString(), repo.scopes, { body: Buffer.alloc(0), noRedirect: true });
      await finish(done, what);
      if (side) await new Promise<void>((resolve, reject) => side.end((err?: Error | null) => (err ? reject(err) : resolve())));
      return { digest, size };
    } catch (err) {
      tar.destroy();
      body.destroy();
      side?.destroy(err as Error);
      throw err;
    }
  });
}

function withDigest(location: URL, digest: string): URL {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u;
}

async function finish(res: Awaited<ReturnType<Repository['client']['request']>>, what: string): Promise<void> {
  const body = await readBody(res, 64 * 1024, what).catch(() => undefined);
  if (res.status !== 201 && res.status !== 204) throw statusError(res, what, body);
}

async function monolithic(repo: Repository, location: URL, digest: string, size: number, body: Readable, opts: UploadOptions, what: string): Promise<void> {
  let sent = 0;
  body.on('data', (c: Buffer) => { sent += c.length; opts.onBytes?.(sent); });
  const res = await repo.client.request('PUT', withDigest(location, digest).toString(), repo.scopes, {
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body,
    noRedirect: true,
  });
  await finish(res, what);
}

async function chunked(repo: Repository, location: URL, digest: string, size: number, body: Readable, opts: UploadOptions, what: string): Promise<void> {
  let offset = 0;
  let loc = location;
  for await (const chunk of chunksOf(body, opts.chunkSize)) {
    const end = offset + chunk.length - 1;
    const res = await repo.client.request('PATCH', loc.toString(), repo.scopes, {
      headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${end}` },
      body: chunk,
      noRedirect: true,
    });
    const errBody = res.status === 202 ? undefined : await readBody(res, 64 * 1024, what).catch(() => undefined);
    if (res.status !== 202) throw statusError(res, `${what} (chunk ${offset}-${end})`, errBody);
    res.body.resume();
    const next = headerString(res, 'location');
    if (!next) throw new RegistryError('bad-response', `${what}: chunk accepted without a Location`);
    loc = new URL(next, loc);
    offset = end + 1;
    opts.onBytes?.(offset);
  }
  if (offset !== size) throw new RegistryError('size-mismatch', `${what}: source gave ${offset} bytes, expected ${size}`);
  const res = await repo.client.request('PUT', withDigest(loc, digest).toString(), repo.scopes, { body: Buffer.alloc(0), noRedirect: true });
  await finish(res, what);
}

/** Re-slices a stream into buffers of exactly `size` bytes (the last may be shorter). */
async function* chunksOf(src: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let have = 0;
  for await (const raw of src as AsyncIterable<Buffer>) {
    let buf = raw;
    while (have + buf.length >= size) {
      const take = size - have;
      parts.push(buf.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      have = 0;
      buf = buf.subarray(take);
    }
    if (buf.length > 0) { parts.push(buf); have += buf.length; }
  }
  if (have > 0) yield Buffer.concat(parts);
}
