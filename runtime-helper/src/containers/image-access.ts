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
  upperDir: string;
  parentImageId: string;
  config: ImageRunConfig;
  comment: string;
  author: string;
  repo?: string;
  tag?: string;
}

export interface ImageAccess {
  /** null when no image matches. */
  resolve(ref: string): Promise<ResolvedImage | null>;
  /** Creates (or mounts again, after a reboot or unmount) the container's writable snapshot. */
  prepare(key: string, imageId: string): Promise<Snapshot>;
  /** Unmounts and deletes the snapshot. */
  remove(key: string): Promise<void>;
  /** Turns an upper directory into a new image layer and image; returns the image ID. */
  commit?(req: CommitRequest): Promise<string>;
}
