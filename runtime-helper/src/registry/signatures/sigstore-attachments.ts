// Reads the sigstore signatures attached to a manifest in the registry, laid out as cosign and
// containers/image write them: the tag `sha256-<hex>.sig` in the same repository names an OCI
// manifest whose layers are the signed payloads (media type
// application/vnd.dev.cosign.simplesigning.v1+json), each with its base64 signature in the
// annotation dev.cosignproject.cosign/signature. Other layers (attestations, …) are counted and
// left alone. Every payload is fetched by digest and checked against it.
import { RegistryError } from '../errors.js';
import { z } from 'zod';
import { descriptorSchema, mediaTypes } from '../manifest.js';
import type { Repository } from '../registry-client.js';
import { maxSignatureBytes, maxSignatures } from './lookaside.js';
import { sigstoreSignatureAnnotation, sigstoreSignatureMediaType } from './sigstore-payload.js';

export interface AttachedSignature {
  payload: Buffer;
  base64Signature: string | undefined;
}

export interface Attachments {
  tag: string;
  signatures: AttachedSignature[];
  /** Layers of the attachment manifest that are not signatures. */
  otherLayers: number;
}

const attachmentManifestSchema = z.object({
  schemaVersion: z.literal(2),
  layers: z.array(descriptorSchema),
});

export function attachmentTag(manifestDigest: string): string {
  const m = /^(sha256):([a-f0-9]{64})$/.exec(manifestDigest);
  if (!m) throw new RegistryError('bad-response', `sigstore signature lookup: invalid manifest digest ${manifestDigest}`);
  return `${m[1]}-${m[2]}.sig`;
}

/** The signatures attached to `manifestDigest`; none (no such tag) is an empty list. */
export async function fetchAttachedSignatures(repo: Repository, manifestDigest: string): Promise<Attachments> {
  const tag = attachmentTag(manifestDigest);
  const what = `sigstore signatures ${repo.path}:${tag}`;
  let fetched;
  try {
    fetched = await repo.getManifest(tag, mediaTypes.ociManifest);
  } catch (err) {
    if (err instanceof RegistryError && err.code === 'not-found') return { tag, signatures: [], otherLayers: 0 };
    throw err;
  }
  let json: unknown;
  try { json = JSON.parse(fetched.bytes.toString('utf8')); } catch { throw new RegistryError('bad-response', `${what}: the manifest is not JSON`); }
  const parsed = attachmentManifestSchema.safeParse(json);
  if (!parsed.success) throw new RegistryError('bad-response', `${what}: not an OCI manifest (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  const layers = parsed.data.layers;
  const sigLayers = layers.filter((l) => l.mediaType === sigstoreSignatureMediaType);
  if (sigLayers.length > maxSignatures) throw new RegistryError('too-large', `${what}: more than ${maxSignatures} signatures`);
  const signatures: AttachedSignature[] = [];
  for (const l of sigLayers) {
    if (l.size > maxSignatureBytes) throw new RegistryError('too-large', `${what}: payload ${l.digest} is larger than ${maxSignatureBytes} bytes`);
    const payload = await repo.getSmallBlob(l.digest, maxSignatureBytes);
    signatures.push({ payload, base64Signature: l.annotations?.[sigstoreSignatureAnnotation] });
  }
  return { tag, signatures, otherLayers: layers.length - sigLayers.length };
}
