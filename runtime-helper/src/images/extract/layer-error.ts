// A layer that cannot be applied safely: a 400 with a message naming the entry.
import { InvalidParameter } from '../../api/errors.js';

export class LayerError extends InvalidParameter {}

/**
 * The bytes an unpacker was given to keep as a blob (ExtractPolicy.blobCopy) hash to `actual`,
 * not to the digest they were meant to have; nothing was kept.
 */
export class BlobDigestMismatch extends Error {
  constructor(readonly expected: string, readonly actual: string) {
    super(`blob ${expected}: the bytes received have digest ${actual}`);
  }
}
