// The signedBy gate before a pull: resolves the reference to its manifest digest, reads the
// signatures stored for that digest in the repository's lookaside, and accepts the image only if
// every signedBy requirement of its scope has one signature that (1) verifies with the
// requirement's keys, (2) signs that manifest digest and (3) names an identity signedIdentity
// accepts. The pull then goes ahead by that digest (tagging the name asked for), so what is
// unpacked is exactly what was signed — as Docker's content trust pins a tag to a digest.
import { RegistryError } from '../errors.js';
import type { Credentials } from '../credentials.js';
import { EndpointClient, Repository, type RegistryContext } from '../registry-client.js';
import { type ImageReference, canonicalString, familiarString, manifestReference, withDefaultTag } from '../reference.js';
import { safeUrl } from '../transport.js';
import type { SignedByRequirement, TrustPolicy } from '../trust-policy.js';
import { LookasideConfig } from './registries-d.js';
import { fetchSignatures } from './lookaside.js';
import { loadGpgKeys } from './gpg-keys.js';
import { verifySimpleSigning } from './simple-signing.js';
import { identityMismatch } from './signed-identity.js';

/**
 * The reference the pull should use: unchanged when no signature is required, else pinned to
 * the verified manifest digest (the tag is kept for tagging). Throws a policy error naming the
 * image and the reason when the image is refused; nothing has been stored then.
 */
export async function verifiedPullReference(ctx: RegistryContext, policy: TrustPolicy, reference: ImageReference, credentials?: Credentials): Promise<ImageReference> {
  const ref = withDefaultTag(reference);
  // reject (and unsupported requirements) refuse before any request.
  policy.checkPull(ref, { signaturesPending: true });
  const { scope, requirements } = policy.signedByFor(ref);
  if (requirements.length === 0) return ref;
  const refused = (why: string) => new RegistryError('policy', `trust policy: ${canonicalString(ref)} is refused (scope ${scope}): ${why}`);

  const digest = await resolveDigest(ctx, ref, credentials);
  const source = LookasideConfig.load(ctx.settings.registriesDir, ctx.settings.lookaside).sourceFor(ref);
  if (!source) throw refused('no signature lookaside is configured for this repository (registries-d or registry-lookaside)');
  const signatures = await fetchSignatures(ctx.transport, source.url, ref.path, digest).catch((err: Error) => {
    throw refused(`cannot read its signatures: ${err.message}`);
  });
  if (signatures.length === 0) throw refused(`the image (${digest}) has no signatures in the lookaside ${safeUrl(source.url)}`);
  for (const req of requirements) {
    const reasons = await unmetReasons(req, policy.dir, scope, ref, digest, signatures);
    if (reasons !== undefined) throw refused(`no signature is acceptable: ${reasons.join('; ')}`);
  }
  policy.markVerified(ref, digest);
  return { ...ref, digest };
}

/** undefined when one signature meets the requirement, else why each one does not. */
async function unmetReasons(req: SignedByRequirement, policyDir: string, scope: string, ref: ImageReference, digest: string, signatures: Buffer[]): Promise<string[] | undefined> {
  const keys = await loadGpgKeys(req, policyDir, scope);
  const reasons: string[] = [];
  for (const [i, sig] of signatures.entries()) {
    try {
      const claims = await verifySimpleSigning(sig, keys);
      if (claims.manifestDigest !== digest) { reasons.push(`signature ${i + 1} is for manifest ${claims.manifestDigest}, not ${digest}`); continue; }
      const mismatch = identityMismatch(req.signedIdentity, ref, claims.dockerReference);
      if (mismatch !== undefined) { reasons.push(`signature ${i + 1} has the wrong identity: ${mismatch}`); continue; }
      return undefined;
    } catch (err) {
      reasons.push(`signature ${i + 1}: ${(err as Error).message}`);
    }
  }
  return reasons;
}

/** The digest of the manifest the reference names now: mirrors first, then the origin, as a pull. */
async function resolveDigest(ctx: RegistryContext, ref: ImageReference, credentials: Credentials | undefined): Promise<string> {
  const endpoints = ctx.resolver.endpointsFor(ref.domain);
  let lastErr: unknown = new RegistryError('not-found', `verify signatures of ${familiarString(ref)}: no registry endpoint`);
  for (const [i, endpoint] of endpoints.entries()) {
    const repo = new Repository(new EndpointClient(ctx, endpoint, credentials), ref.path, 'pull');
    try {
      return (await repo.getManifest(manifestReference(ref))).digest;
    } catch (err) {
      lastErr = err;
      if (!endpoint.mirror || i === endpoints.length - 1) throw err;
    }
  }
  throw lastErr;
}
