// repo:tag and repo@digest -> image ID, kept in one JSON file written atomically. Keys are the
// canonical names (docker.io/library/busybox:latest); the API shows the familiar ones.
import { existsSync, readFileSync } from 'node:fs';
import { writeJsonRecord, writeJsonRecordAsync } from './durable-write.js';
import { parseReference, withDefaultTag, canonicalString, familiarString, type ImageReference } from '../registry/reference.js';
import { InvalidParameter } from '../api/errors.js';

export interface StoredReference { canonical: string; familiar: string; ref: ImageReference; imageId: string }

export function parseImageName(name: string): ImageReference {
  try { return parseReference(name); } catch (err) {
    throw new InvalidParameter((err as Error).message);
  }
}

export class ReferenceStore {
  private refs = new Map<string, string>();

  constructor(private readonly file: string) {
    if (existsSync(file)) {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { references?: Record<string, string> };
      this.refs = new Map(Object.entries(data.references ?? {}));
    }
  }

  private save(): void {
    writeJsonRecord(this.file, { references: Object.fromEntries(this.refs) });
  }

  /**
   * Points several references at `imageId` with one write on the thread pool (a pull's tag and
   * digest); answers the previous image of each. The map changes once the file is durable.
   */
  async addAllAsync(refs: readonly ImageReference[], imageId: string): Promise<(string | undefined)[]> {
    const keys = refs.map((r) => canonicalString(withDefaultTag(r)));
    const next = new Map(this.refs);
    for (const k of keys) next.set(k, imageId);
    const written = await writeJsonRecordAsync(this.file, { references: Object.fromEntries(next) });
    // Applied to the map as it is now (a tag may have changed meanwhile).
    const previous = keys.map((k) => this.refs.get(k));
    for (const k of keys) this.refs.set(k, imageId);
    // A newer write (a tag meanwhile) replaced ours without these references: write them again.
    if (!written) await writeJsonRecordAsync(this.file, { references: Object.fromEntries(this.refs) });
    return previous;
  }

  /** Points `ref` (tag defaults to latest) at `imageId`; returns the previous image, if any. */
  add(ref: ImageReference, imageId: string): string | undefined {
    const key = canonicalString(withDefaultTag(ref));
    const previous = this.refs.get(key);
    this.refs.set(key, imageId);
    this.save();
    return previous;
  }

  get(ref: ImageReference): string | undefined {
    return this.refs.get(canonicalString(withDefaultTag(ref)));
  }

  delete(ref: ImageReference): boolean {
    const removed = this.refs.delete(canonicalString(withDefaultTag(ref)));
    if (removed) this.save();
    return removed;
  }

  /** Every reference to an image, tags and digests. */
  forImage(imageId: string): StoredReference[] {
    const out: StoredReference[] = [];
    for (const [canonical, id] of this.refs) {
      if (id !== imageId) continue;
      const ref = parseReference(canonical);
      out.push({ canonical, familiar: familiarString(ref), ref, imageId });
    }
    // dockerd's order (its lexicalRefs): by the full name, bytewise (docker.io/library/ok:1 before localhost:5000/x).
    return out.sort((a, b) => (a.canonical < b.canonical ? -1 : a.canonical > b.canonical ? 1 : 0));
  }

  all(): StoredReference[] {
    return [...this.refs].map(([canonical, imageId]) => {
      const ref = parseReference(canonical);
      return { canonical, familiar: familiarString(ref), ref, imageId };
    });
  }
}
