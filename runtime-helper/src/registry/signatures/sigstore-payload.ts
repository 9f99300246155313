// A sigstore (cosign) signature: the payload is a JSON claim naming the image by
// docker-manifest-digest and docker-reference; the signature is the base64 of a signature over
// the payload's bytes, SHA-256 (ECDSA ASN.1/DER, RSA PKCS#1 v1.5, or Ed25519 over the bytes), as
// containers/image's VerifySigstorePayload checks it. The payload is believed only once a trusted
// key verified it, and it is parsed as strictly as containers/image does: exactly "critical" and
// "optional" at the top, exactly type/image/identity in critical, an integer timestamp.
import { verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

export const sigstoreSignatureMediaType = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const sigstoreSignatureAnnotation = 'dev.cosignproject.cosign/signature';

const payloadSchema = z.object({
  critical: z.object({
    type: z.literal('cosign container image signature'),
    image: z.object({ 'docker-manifest-digest': z.string() }).strict(),
    identity: z.object({ 'docker-reference': z.string() }).strict(),
  }).strict(),
  // cosign writes "optional": null when there are no annotations; other keys are free-form.
  optional: z.object({ creator: z.string().optional(), timestamp: z.number().int().optional() }).passthrough().nullable(),
}).strict();

export interface SigstoreClaims {
  dockerReference: string;
  manifestDigest: string;
  /** Index of the trusted key that verified it (in the requirement's key list). */
  keyIndex: number;
}

/** Verifies one attached signature with the trusted keys; throws an Error saying why it is not acceptable. */
export function verifySigstoreSignature(payload: Buffer, base64Signature: string | undefined, keys: KeyObject[]): SigstoreClaims {
  if (base64Signature === undefined) throw new Error(`missing ${sigstoreSignatureAnnotation} annotation`);
  // Buffer.from(…, 'base64') skips junk; Go's StdEncoding refuses it, and so do we.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64Signature) || base64Signature.length % 4 !== 0) throw new Error('the signature annotation is not valid base64');
  const signature = Buffer.from(base64Signature, 'base64');
  const keyIndex = keys.findIndex((k) => verifiesWith(k, payload, signature));
  if (keyIndex < 0) throw new Error('cryptographic signature verification failed: it was not made by any of the trusted keys');
  let json: unknown;
  try { json = JSON.parse(payload.toString('utf8')); } catch { throw new Error('the signed payload is not JSON'); }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`the signed payload is not a cosign image claim: ${i?.path.join('.') || '(root)'}: ${i?.message}`);
  }
  return {
    dockerReference: parsed.data.critical.identity['docker-reference'],
    manifestDigest: parsed.data.critical.image['docker-manifest-digest'],
    keyIndex,
  };
}

function verifiesWith(key: KeyObject, payload: Buffer, signature: Buffer): boolean {
  try {
    if (key.asymmetricKeyType === 'ed25519') return verify(null, payload, key, signature);
    if (key.asymmetricKeyType === 'ec') return verify('sha256', payload, { key, dsaEncoding: 'der' }, signature);
    return verify('sha256', payload, key, signature);
  } catch {
    return false; // malformed DER and the like: not a signature by this key
  }
}
