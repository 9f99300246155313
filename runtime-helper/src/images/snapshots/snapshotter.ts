// Writable container snapshots on top of an image's layers. Two implementations: overlay2 (an
// overlay mount over the unpacked layers) and vfs (a full copy, where overlay is missing). Both
// answer the same questions, so the container lifecycle never needs to know which one runs.
import type { Readable } from 'node:stream';

export interface Snapshot {
  /** The container's root filesystem (mounted for overlay). */
  rootfs: string;
  /** Where the container's writes land (overlay upper dir; the whole copy for vfs). */
  upperDir: string;
}

/** A change, as GET /containers/{id}/changes reports it: 0 modified, 1 added, 2 deleted. */
export interface Change { Path: string; Kind: 0 | 1 | 2 }

export interface Snapshotter {
  readonly driver: 'overlay2' | 'vfs';
  /** Creates the snapshot if needed and makes sure it is mounted. Idempotent. */
  prepare(key: string, imageId: string): Promise<Snapshot>;
  /** Mounts an existing snapshot (after a reboot). */
  mount(key: string): Promise<Snapshot>;
  unmount(key: string): Promise<void>;
  /** Unmounts and deletes the snapshot. */
  remove(key: string): Promise<void>;
  /** What the container changed relative to its image. */
  changes(key: string): Promise<Change[]>;
  /** The changes as a layer tar (whiteouts in the .wh. form), for commit. */
  exportDiff(key: string): Promise<Readable>;
  /** Snapshots that exist, with the image they were made from. */
  list(): { key: string; imageId: string }[];
}
