// The signature gate before a pull (signedBy and sigstoreSigned): resolves the reference to the
// manifest the pull will unpack, reads its signatures, and accepts the image only if every
// signature requirement of its scope has one signature that (1) verifies with the requirement's
// keys, (2) signs that manifest's digest and (3) names an identity signedIdentity accepts.
//
// Which manifest: as containers/image evaluates the policy when it copies one image out of a
// list (podman pull), the platform's own manifest, not the index: the signature must be for the
// instance digest (`skopeo copy --all --sign-by` signs every instance and the list). The pull
// then goes ahead by the index digest it resolved (tagging the name asked for); the index is
// content-addressed, so the same platform selects the same verified instance.
import { RegistryError } from '../errors.js';
import type { Credentials } from '../credentials.js';
import { EndpointClient, Repository, type RegistryContext } from '../registry-client.js';
import { defaultPlatform, formatPlatform, parseManifest, selectPlatform, type Platform } from '../manifest.js';
import { type ImageReference, canonicalString, familiarString, manifestReference, withDefaultTag } from '../reference.js';
import { safeUrl } from '../transport.js';
import type { SignatureRequirement, SignedByRequirement, SigstoreSignedRequirement, TrustPolicy } from '../trust-policy.js';
import { LookasideConfig } from './registries-d.js';
import { fetchSignatures } from './lookaside.js';
import { loadGpgKeys } from './gpg-keys.js';
import { verifySimpleSigning } from './simple-signing.js';
import { identityMismatch } from './signed-identity.js';
import { fetchAttachedSignatures, type Attachments } from './sigstore-attachments.js';
import { loadSigstoreKeys } from './sigstore-keys.js';
import { verifySigstoreSignature } from './sigstore-payload.js';

/** What the gate verified: the manifest signed, and how it was reached. */
interface SignedTarget {
  repo: Repository;
  /** The digest the reference resolved to (the index's for a list). */
  topDigest: string;
  /** The digest the signatures must be for (the platform's manifest for a list). */
  digest: string;
  /** "the image (sha256:…)" or "the linux/amd64 image sha256:… of index sha256:…". */
  subject: string;
}

type Refusal = (why: string) => RegistryError;

/**
 * The reference the pull should use: unchanged when no signature is required, else pinned to
 * the verified manifest digest (the tag is kept for tagging). Throws a policy error naming the
 * image and the reason when the image is refused; nothing has been stored then.
 */
export async function verifiedPullReference(ctx: RegistryContext, policy: TrustPolicy, reference: ImageReference, credentials?: Credentials, platform?: Platform): Promise<ImageReference> {
  const ref = withDefaultTag(reference);
  // reject refuses before any request.
  policy.checkPull(ref, { signaturesPending: true });
  const { scope, requirements } = policy.signatureRequirementsFor(ref);
  if (requirements.length === 0) return ref;
  const refused: Refusal = (why) => new RegistryError('policy', `trust policy: ${canonicalString(ref)} is refused (scope ${scope}): ${why}`);
  const target = await resolveSigned(ctx, ref, credentials, platform ?? defaultPlatform());
  const sources = new SignatureSources(ctx, ref, target, refused);
  for (const req of requirements) {
    const reasons = req.type === 'signedBy'
      ? await unmetSignedBy(req, policy.dir, scope, ref, target, await sources.lookaside())
      : await unmetSigstore(req, policy.dir, scope, ref, target, await sources.attached());
    if (reasons !== undefined) throw refused(`no ${req.type} signature is acceptable: ${reasons.join('; ')}`);
  }
  policy.markVerified(ref, target.topDigest);
  return { ...ref, digest: target.topDigest };
}

/** Each kind of signature is read once, and only when a requirement asks for it. */
class SignatureSources {
  private lookasideSigs?: Promise<Buffer[]>;
  private attachments?: Promise<Attachments>;
  constructor(private readonly ctx: RegistryContext, private readonly ref: ImageReference, private readonly target: SignedTarget, private readonly refused: Refusal) {}

  lookaside(): Promise<Buffer[]> {
    this.lookasideSigs ??= (async () => {
      const source = LookasideConfig.load(this.ctx.settings.registriesDir, this.ctx.settings.lookaside).sourceFor(this.ref);
      if (!source) throw this.refused('no signature lookaside is configured for this repository (registries-d or registry-lookaside)');
      const sigs = await fetchSignatures(this.ctx.transport, source.url, this.ref.path, this.target.digest).catch((err: Error) => {
        throw this.refused(`cannot read its signatures: ${err.message}`);
      });
      if (sigs.length === 0) throw this.refused(`${this.target.subject} has no signatures in the lookaside ${safeUrl(source.url)}`);
      return sigs;
    })();
    return this.lookasideSigs;
  }

  attached(): Promise<Attachments> {
    this.attachments ??= (async () => {
      const a = await fetchAttachedSignatures(this.target.repo, this.target.digest).catch((err: Error) => {
        throw this.refused(`cannot read its sigstore signatures: ${err.message}`);
      });
      if (a.signatures.length === 0) {
        const others = a.otherLayers > 0 ? ` (${a.otherLayers} attachments that are not signatures)` : '';
        throw this.refused(`${this.target.subject} has no sigstore signatures attached (tag ${a.tag})${others}`);
      }
      return a;
    })();
    return this.attachments;
  }
}

/** undefined when one signature meets the requirement, else why each one does not. */
async function unmetSignedBy(req: SignedByRequirement, policyDir: string, scope: string, ref: ImageReference, target: SignedTarget, signatures: Buffer[]): Promise<string[] | undefined> {
  const keys = await loadGpgKeys(req, policyDir, scope);
  return unlessOneHolds(signatures, (sig) => verifySimpleSigning(sig, keys), (claims) => claimMismatch(req, ref, target, claims));
}

async function unmetSigstore(req: SigstoreSignedRequirement, policyDir: string, scope: string, ref: ImageReference, target: SignedTarget, attachments: Attachments): Promise<string[] | undefined> {
  const keys = await loadSigstoreKeys(req, policyDir, scope);
  return unlessOneHolds(attachments.signatures, (sig) => verifySigstoreSignature(sig.payload, sig.base64Signature, keys), (claims) => claimMismatch(req, ref, target, claims));
}

type Claims = { manifestDigest: string; dockerReference: string };

/**
 * undefined as soon as one signature verifies and its claims match; otherwise why each failed
 * ("signature 2: ..."), for the refusal's message.
 */
async function unlessOneHolds<S>(signatures: S[], verify: (sig: S) => Claims | Promise<Claims>, mismatch: (claims: Claims) => string | undefined): Promise<string[] | undefined> {
  const reasons: string[] = [];
  for (const [i, sig] of signatures.entries()) {
    try {
      const bad = mismatch(await verify(sig));
      if (bad === undefined) return undefined;
      reasons.push(`signature ${i + 1} ${bad}`);
    } catch (err) {
      reasons.push(`signature ${i + 1}: ${(err as Error).message}`);
    }
  }
  return reasons;
}

/** Why a verified claim does not vouch for this pull, or undefined when it does. */
function claimMismatch(req: SignatureRequirement, ref: ImageReference, target: SignedTarget, claims: Claims): string | undefined {
  if (claims.manifestDigest !== target.digest) return `is for manifest ${claims.manifestDigest}, not ${target.digest}`;
  const mismatch = identityMismatch(req.signedIdentity, ref, claims.dockerReference);
  return mismatch === undefined ? undefined : `has the wrong identity: ${mismatch}`;
}

/** The manifest the pull will unpack: mirrors first, then the origin, as a pull; a list's platform entry. */
async function resolveSigned(ctx: RegistryContext, ref: ImageReference, credentials: Credentials | undefined, platform: Platform): Promise<SignedTarget> {
  const endpoints = ctx.resolver.endpointsFor(ref.domain);
  let lastErr: unknown = new RegistryError('not-found', `verify signatures of ${familiarString(ref)}: no registry endpoint`);
  for (const [i, endpoint] of endpoints.entries()) {
    const repo = new Repository(new EndpointClient(ctx, endpoint, credentials), ref.path, 'pull');
    try {
      const what = `verify signatures of ${familiarString(ref)}`;
      const top = await repo.getManifest(manifestReference(ref));
      const parsed = parseManifest(top.bytes, top.mediaType, what, ctx.settings.maxLayers);
      if (parsed.kind === 'image') return { repo, topDigest: top.digest, digest: top.digest, subject: `the image (${top.digest})` };
      const chosen = selectPlatform(parsed.index, platform, what);
      const p = chosen.platform ? formatPlatform(chosen.platform) : formatPlatform(platform);
      return { repo, topDigest: top.digest, digest: chosen.digest, subject: `the ${p} image ${chosen.digest} of index ${top.digest}` };
    } catch (err) {
      lastErr = err;
      if (!endpoint.mirror || i === endpoints.length - 1) throw err;
    }
  }
  throw lastErr;
}
