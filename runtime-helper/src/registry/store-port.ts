// What the pull and push pipelines need from the image store. The daemon's store implements it
// (see images/); the pipelines never touch the store's files themselves.
import type { Readable, Writable } from 'node:stream';

export interface LayerDescriptor {
  /** Digest of the blob as the registry serves it (compressed). */
  digest: string;
  mediaType: string;
  size: number;
}

export interface LayerIngest {
  /** The layer's uncompressed tar is written here, as it arrives. */
  tar: Writable;
  /** Optional: the compressed blob, byte for byte, for later push or save. */
  blob?: Writable;
  /**
   * Optional: present when the store hashes the uncompressed tar itself as it unpacks it. Answers
   * that diffID once the tar is unpacked; a layer whose hash differs from the diffID it was begun
   * with is never made visible. The pipeline then does not hash the tar a second time.
   */
  diffId?: () => Promise<string>;
  /** The store also takes a gzip-compressed tar on `tar` and inflates it itself. */
  gunzips?: boolean;
  /**
   * Optional, with gunzips: called before the first byte is written to `tar`, the store keeps
   * the bytes written there, as they are, as the layer's blob, and checks their digest itself
   * (diffId() then fails with a KeptBlobMismatch if it differs, and nothing is kept). The
   * pipeline then neither hashes them nor writes `blob`.
   */
  keepBlob?: () => void;
  /**
   * Makes the layer visible. Called only after the blob's digest verified and the tar stream
   * finished; diffId is the sha256 of the uncompressed tar.
   */
  commit(info: { diffId: string }): Promise<void>;
  /** Throws away everything written (digest mismatch, broken transfer, cancel). */
  abort(): Promise<void>;
}

/** The bytes a store kept as a blob (LayerIngest.keepBlob) hash to `actual`, not to the layer's digest. */
export class KeptBlobMismatch extends Error {
  constructor(readonly actual: string) { super(`the blob received has digest ${actual}`); }
}

export interface PulledImage {
  /** Canonical references to tag (docker.io/library/busybox:latest); empty for digest-only pulls. */
  tags: string[];
  /** repo@digest names (docker.io/library/busybox@sha256:…). */
  digests: string[];
  manifestDigest: string;
  manifestMediaType: string;
  manifestBytes: Buffer;
  configDigest: string;
  configBytes: Buffer;
  layers: (LayerDescriptor & { diffId: string })[];
}

export interface ChainedLayer extends LayerDescriptor {
  diffId: string;
  /** OCI ChainID of this layer on top of the ones below it. */
  chainId: string;
  parentChainId: string | null;
}

export interface PullStore {
  /** Is this layer (on this parent chain) already unpacked? Then it is not downloaded again. */
  hasLayer(layer: ChainedLayer): Promise<boolean>;
  beginLayer(layer: ChainedLayer): Promise<LayerIngest>;
  /** Records the image (config, manifest, tags) once all its layers are committed; answers the image id. */
  saveImage(image: PulledImage): Promise<string>;
  /** The image id a reference (canonical name:tag or @digest) names now, if any. */
  imageIdFor(reference: string): Promise<string | undefined>;
}

export interface PushLayer extends LayerDescriptor {
  diffId: string;
  /** Opens the compressed blob whose digest and size are above. */
  open(): Promise<Readable>;
}

export interface PushSource {
  manifestBytes: Buffer;
  manifestMediaType: string;
  configDigest: string;
  configBytes: Buffer;
  layers: PushLayer[];
}
