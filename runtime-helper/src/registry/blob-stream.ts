// A blob as a stream of verified bytes: sha256 and size are checked on the fly, a broken
// connection resumes with a Range request from the last byte received (bounded retries with
// backoff), and the stream ends only after the digest matched — on a mismatch it errors
// instead of ending, so nothing downstream can commit a bad layer.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { RegistryError } from './errors.js';
import type { Repository } from './registry-client.js';
import type { Descriptor } from './manifest.js';

export interface BlobStreamOptions {
  retries: number;
  baseMs: number;
  onBytes?: (received: number) => void;
  signal?: AbortSignal;
  /** Opens the blob from an offset; defaults to the repository's blob endpoint. */
  open?: (offset: number) => ReturnType<Repository['openBlob']>;
  /**
   * Set `skip` (before the stream ends) when the consumer checks the digest itself, as a store
   * that keeps and hashes the bytes does (LayerIngest.keepBlob): no hash here, and the stream
   * ends without comparing one. The size is still checked.
   */
  digest?: { skip: boolean };
}

/** The error for a blob whose bytes hash to `got` (here, or where the consumer hashed them). */
export function blobDigestMismatch(repo: Repository, desc: Descriptor, got: string): RegistryError {
  return new RegistryError('digest-mismatch', `${repo.client.label}: blob ${repo.path}@${desc.digest}: downloaded content has digest ${got}, refusing it`);
}

export async function* verifiedBlob(repo: Repository, desc: Descriptor, opts: BlobStreamOptions): AsyncGenerator<Buffer> {
  const what = `${repo.client.label}: blob ${repo.path}@${desc.digest}`;
  const hash = createHash('sha256');
  const open = opts.open ?? ((offset: number) => repo.openBlob(desc.digest, offset));
  let received = 0;
  let failures = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const res = await open(received);
      // A cancelled pull closes the connection at once, even if the server has gone quiet.
      const onAbort = () => res.body.destroy(opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('pull cancelled'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        // A server that ignores Range sends the whole blob again: skip what we already have.
        let skip = received > 0 && res.status === 200 ? received : 0;
        for await (const raw of chunksOf(res.body)) {
          let chunk = raw;
          if (skip > 0) {
            if (chunk.length <= skip) { skip -= chunk.length; continue; }
            chunk = chunk.subarray(skip);
            skip = 0;
          }
          received += chunk.length;
          if (received > desc.size) {
            res.body.destroy();
            throw new RegistryError('size-mismatch', `${what}: more than the ${desc.size} bytes the manifest declares`);
          }
          if (!opts.digest?.skip) hash.update(chunk);
          opts.onBytes?.(received);
          yield chunk;
        }
        if (received < desc.size) {
          throw new RegistryError('network', `${what}: connection ended after ${received} of ${desc.size} bytes`, { retryable: true });
        }
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
      }
      break;
    } catch (err) {
      const e = err instanceof RegistryError
        ? (err.code === 'timeout' ? new RegistryError('timeout', `${what}: stalled after ${received} of ${desc.size} bytes (${err.message})`, { retryable: true }) : err)
        : new RegistryError('network', `${what}: transfer failed after ${received} of ${desc.size} bytes (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { retryable: true });
      if (!e.retryable || opts.signal?.aborted) throw e;
      failures++;
      if (failures > opts.retries) {
        throw new RegistryError(e.code, `${e.message} (gave up after ${failures} attempts)`);
      }
      await sleep(Math.min(opts.baseMs * 2 ** (failures - 1), 10_000));
    }
  }
  if (opts.digest?.skip) return;
  const got = `sha256:${hash.digest('hex')}`;
  if (got !== desc.digest) throw blobDigestMismatch(repo, desc, got);
}

/**
 * The body's chunks one at a time, as 'data' delivers them (the socket's reads). A Readable's own
 * async iterator joins everything buffered into one new buffer at each step, which copies most
 * of a blob once more when the consumer is the slower side (profiled on pulls). At most a few
 * chunks wait here: the body is paused beyond that. Errors as the iterator's: the stream's own,
 * or ERR_STREAM_PREMATURE_CLOSE when it closes before its end.
 */
export async function* chunksOf(body: Readable): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const onData = (chunk: Buffer) => { queue.push(chunk); if (queue.length >= 8) body.pause(); wake?.(); };
  const onEnd = () => { ended = true; wake?.(); };
  const onError = (err: unknown) => { failure ??= err; wake?.(); };
  const onClose = () => {
    if (!ended) failure ??= Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    wake?.();
  };
  body.on('data', onData);
  body.on('end', onEnd);
  body.on('error', onError);
  body.on('close', onClose);
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk !== undefined) {
        if (queue.length < 2 && body.isPaused() && !ended) body.resume();
        yield chunk;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
    }
  } finally {
    body.off('data', onData);
    body.off('end', onEnd);
    body.off('error', onError);
    body.off('close', onClose);
    // Left early (an error downstream, a cancel): the connection is of no more use.
    if (!ended) { body.on('error', () => {}); body.destroy(); }
  }
}
