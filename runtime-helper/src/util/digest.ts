// sha256 digests in the "sha256:<64 hex>" form images use.
import { createHash } from 'node:crypto';

export const sha256Pattern = /^sha256:[a-f0-9]{64}$/;

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function isSha256(s: string): boolean {
  return sha256Pattern.test(s);
}

export function hexOf(digest: string): string {
  return digest.slice('sha256:'.length);
}

/** ChainID per the OCI image spec: ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? diffId : sha256Digest(`${prev} ${diffId}`));
  }
  return out;
}
