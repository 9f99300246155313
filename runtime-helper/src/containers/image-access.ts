// What the container manager needs from the image store, as one small interface; the daemon
// wires the real store behind it (containers/wiring.ts).
import type { ImageRunConfig } from './docker-types.js';

export interface ResolvedImage {
  /** sha256:<hex> */
  id: string;
  config: ImageRunConfig;
}

export interface Snapshot {
  /** The mounted overlay (the container's root). */
  rootfs: string;
  /** The writable upper directory (what diff, commit and export read). */
  upperDir: string;
}

export interface CommitRequest {
  snapshotKey: string;
  parentImageId: string;
  /** The container's config, the new image's config before `changes` apply. */
  config: ImageRunConfig;
  /** Dockerfile instructions (CMD, ENV, ...) applied on top. */
  changes: string[];
  comment: string;
  author: string;
  containerId: string;
  repo?: string;
  tag?: string;
}

/** 0 modified, 1 added, 2 deleted. */
export interface Change { Path: string; Kind: 0 | 1 | 2 }

export interface ImageAccess {
  /** null when no image matches. */
  resolve(ref: string): Promise<ResolvedImage | null>;
  /** Creates (or mounts again, after a reboot or unmount) the container's writable snapshot. */
  prepare(key: string, imageId: string): Promise<Snapshot>;
  /** Unmounts and deletes the snapshot. */
  remove(key: string): Promise<void>;
  /** What the container changed relative to its image. */
  changes(key: string): Promise<Change[]>;
  /** The snapshot's changes become a new top layer of a new image; returns the image ID. */
  commit(req: CommitRequest): Promise<string>;
  /** The image's unpacked size in bytes (its layers'); 0 for an image no longer in the store. */
  size(imageId: string): number;
}
