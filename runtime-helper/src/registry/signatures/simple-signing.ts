// "Simple signing" (containers-signature(5)): an OpenPGP signed message whose literal data is a
// JSON document naming the image by docker-reference and docker-manifest-digest. The payload is
// trusted only once a key from the requirement's keyring verified it, and it is parsed as
// strictly as containers/image does: unknown critical fields make the signature invalid.
import type { Key } from 'openpgp';
import { z } from 'zod';

const payloadSchema = z.object({
  critical: z.object({
    type: z.literal('atomic container signature'),
    image: z.object({ 'docker-manifest-digest': z.string().min(1) }).strict(),
    identity: z.object({ 'docker-reference': z.string().min(1) }).strict(),
  }).strict(),
  optional: z.object({ creator: z.string().optional(), timestamp: z.number().optional() }).passthrough().optional(),
}).strict();

export interface SignedClaims {
  dockerReference: string;
  manifestDigest: string;
  /** Fingerprint of the key that made the signature (hex, upper case as gpg prints it). */
  signer: string;
}

/** Verifies one signature with the keyring; throws an Error saying why it is not acceptable. */
export async function verifySimpleSigning(signature: Buffer, keys: Key[]): Promise<SignedClaims> {
  const { readMessage, verify } = await import('openpgp'); // on first use, as in gpg-keys.ts
  let message;
  try { message = await readMessage({ binaryMessage: new Uint8Array(signature) }); } catch (err) {
    throw new Error(`not an OpenPGP message (${(err as Error).message})`);
  }
  const ids = message.getSigningKeyIDs().map((k) => k.toHex().toUpperCase());
  if (ids.length === 0) throw new Error('the OpenPGP message is not signed');
  let result;
  try {
    result = await verify({ message, verificationKeys: keys, expectSigned: true, format: 'binary' });
  } catch (err) {
    const known = keys.some((k) => k.getKeyIDs().some((id) => ids.includes(id.toHex().toUpperCase())));
    throw new Error(known ? `signature by key ${ids.join(', ')} does not verify (${(err as Error).message})` : `signed by key ${ids.join(', ')}, which is not in the trusted keys`);
  }
  // expectSigned already refused an unverified message; each result is checked all the same.
  let signer: string | undefined;
  for (const s of result.signatures) {
    if (await s.verified.catch(() => false)) {
      const id = s.keyID;
      const key = keys.find((k) => k.getKeyIDs().some((kid) => kid.equals(id)));
      signer = (key?.getFingerprint() ?? id.toHex()).toUpperCase();
      break;
    }
  }
  if (signer === undefined) throw new Error(`signature by key ${ids.join(', ')} does not verify`);
  let json: unknown;
  try { json = JSON.parse(Buffer.from(result.data).toString('utf8')); } catch { throw new Error('the signed payload is not JSON'); }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`the signed payload is not a simple-signing claim: ${i?.path.join('.') || '(root)'}: ${i?.message}`);
  }
  return {
    dockerReference: parsed.data.critical.identity['docker-reference'],
    manifestDigest: parsed.data.critical.image['docker-manifest-digest'],
    signer,
  };
}
