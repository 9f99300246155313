// Which compressed blob a layer (diffID) came from, per registry repository, so push can skip
// or mount blobs the registry already has and reuse the exact bytes pulled (Docker keeps the
// same "v2 metadata"). One JSON file under the data root, written atomically.
import { existsSync, readFileSync } from 'node:fs';
import { writeJsonAtomic } from '../util/atomic.js';

export interface BlobSource { digest: string; mediaType: string; size: number; repository: string }

export class DistributionMetadata {
  private byDiffId = new Map<string, BlobSource[]>();
  constructor(private readonly file: string) {
    if (existsSync(file)) {
      try {
        const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, BlobSource[]>;
        this.byDiffId = new Map(Object.entries(data));
      } catch { /* a torn or foreign file: start empty, it is only a cache */ }
    }
  }

  sources(diffId: string): BlobSource[] { return this.byDiffId.get(diffId) ?? []; }

  add(diffId: string, source: BlobSource): void {
    const list = this.sources(diffId).filter((s) => !(s.digest === source.digest && s.repository === source.repository));
    list.unshift(source);
    this.byDiffId.set(diffId, list.slice(0, 8));
    writeJsonAtomic(this.file, Object.fromEntries(this.byDiffId));
  }
}
