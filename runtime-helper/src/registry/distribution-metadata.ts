// Which compressed blob a layer (diffID) came from, per registry repository, so push can skip
// or mount blobs the registry already has and reuse the exact bytes pulled (Docker keeps the
// same "v2 metadata"). One JSON file under the data root, written atomically on the thread pool
// (a pull adds an entry per layer while other layers still stream through the event loop).
import { existsSync, readFileSync } from 'node:fs';
import { writeJsonRecord, writeJsonRecordAsync } from '../images/durable-write.js';

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

  /** One write in flight at a time; a write not yet started is shared by every add before it starts. */
  private last: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  /** Resolves once a write holding this entry is durable; a failed write rejects (the entry stays in memory). */
  add(diffId: string, source: BlobSource): Promise<void> {
    const list = this.sources(diffId).filter((s) => !(s.digest === source.digest && s.repository === source.repository));
    list.unshift(source);
    this.byDiffId.set(diffId, list.slice(0, 8));
    if (this.queued) return this.queued;
    const write = this.last.then(async () => {
      this.queued = undefined;
      // The state when the write starts: it includes every add up to now.
      await writeJsonRecordAsync(this.file, Object.fromEntries(this.byDiffId));
    });
    this.queued = write;
    this.last = write.catch(() => {});
    return write;
  }

  /** Every diffID with an entry. */
  diffIds(): string[] { return [...this.byDiffId.keys()]; }

  /**
   * Garbage collection: drops every entry whose diffID is not in `liveDiffIds`, except sources
   * whose blob is in `pinned` (a load or pull between its commit and its image); the file is
   * durable before this returns, so the blobs can be deleted after it. Answers the digests of the
   * sources dropped.
   */
  retain(liveDiffIds: ReadonlySet<string>, pinned: ReadonlySet<string>): string[] {
    const dropped: string[] = [];
    let changed = false;
    for (const [diffId, list] of this.byDiffId) {
      if (liveDiffIds.has(diffId)) continue;
      const kept = list.filter((s) => pinned.has(s.digest));
      for (const s of list) if (!pinned.has(s.digest)) dropped.push(s.digest);
      if (kept.length === list.length) continue;
      changed = true;
      if (kept.length === 0) this.byDiffId.delete(diffId); else this.byDiffId.set(diffId, kept);
    }
    // Newer than any async write in flight: those drop their older content (durable-write.ts).
    if (changed) writeJsonRecord(this.file, Object.fromEntries(this.byDiffId));
    return dropped;
  }

  /** Waits for every write started or queued so far (their errors are the adders' to see). */
  async settled(): Promise<void> { await this.last; }
}
