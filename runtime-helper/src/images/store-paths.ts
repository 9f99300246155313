// Where the image store keeps things under the data root.
import { join } from 'node:path';
import { hexOf } from '../util/digest.js';

export class StorePaths {
  constructor(readonly dataRoot: string) {}
  get tmp(): string { return join(this.dataRoot, 'tmp'); }
  get blobs(): string { return join(this.dataRoot, 'image', 'blobs', 'sha256'); }
  blob(digest: string): string { return join(this.blobs, hexOf(digest)); }
  get layers(): string { return join(this.dataRoot, 'image', 'layers'); }
  layer(chainId: string): string { return join(this.layers, hexOf(chainId)); }
  /** Short names for layer dirs so overlay's lowerdir list fits in one page. */
  get links(): string { return join(this.dataRoot, 'image', 'l'); }
  get imageMeta(): string { return join(this.dataRoot, 'image', 'meta'); }
  imageMetaFile(id: string): string { return join(this.imageMeta, `${hexOf(id)}.json`); }
  get references(): string { return join(this.dataRoot, 'image', 'repositories.json'); }
  /** diffID -> compressed blobs it was pulled, loaded or pushed as (registry/distribution-metadata.ts). */
  get distribution(): string { return join(this.dataRoot, 'image', 'distribution.json'); }
  /** Present while a garbage collection is deleting: a restart finds it and collects again. */
  get gcJournal(): string { return join(this.dataRoot, 'image', 'gc-in-progress.json'); }
  get snapshots(): string { return join(this.dataRoot, 'snapshots'); }
  snapshot(key: string): string { return join(this.snapshots, key); }
}
