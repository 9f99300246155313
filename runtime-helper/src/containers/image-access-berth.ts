// ImageAccess over berthd's image service: names resolve through it; each container's writable
// root is a snapshot of the image store's snapshotter (overlay2, or vfs where overlay is missing).
import type { ImageService } from '../images/image-service.js';
import type { ImageAccess, ResolvedImage, Snapshot, CommitRequest, Change } from './image-access.js';

export class BerthImageAccess implements ImageAccess {
  constructor(private readonly service: ImageService) {}

  async resolve(ref: string): Promise<ResolvedImage | null> {
    try {
      const img = this.service.resolve(ref);
      return { id: img.id, config: (img.config.config ?? {}) as ResolvedImage['config'] };
    } catch (e) {
      if ((e as { status?: number }).status === 404) return null;
      throw e;
    }
  }

  prepare(key: string, imageId: string): Promise<Snapshot> {
    return this.service.snapshots.prepare(key, imageId);
  }

  remove(key: string): Promise<void> {
    return this.service.snapshots.remove(key);
  }

  changes(key: string): Promise<Change[]> {
    return this.service.snapshots.changes(key);
  }

  size(imageId: string): number {
    try { return this.service.size(this.service.images.get(imageId)); } catch { return 0; }
  }

  commit(req: CommitRequest): Promise<string> {
    return this.service.commit({
      snapshotKey: req.snapshotKey, parentImageId: req.parentImageId, config: req.config as never, changes: req.changes,
      comment: req.comment, author: req.author, containerId: req.containerId,
      ...(req.repo ? { repo: req.repo } : {}), ...(req.tag ? { tag: req.tag } : {}),
    });
  }
}
