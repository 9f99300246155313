// The trust policy, in the format of containers' policy.json: a default requirement list and
// per-scope lists under transports.docker, where a scope is host[:port][/path][:tag|@digest] and
// the most specific matching scope wins. Requirements: insecureAcceptAnything, reject, signedBy
// (GPG "simple signing" signatures from a lookaside store) and sigstoreSigned (cosign signatures
// attached in the registry, verified with public keys; Fulcio/Rekor are refused).
//
// Signature requirements are checked before any layer is fetched by signatures/verify-pull.ts,
// which resolves the reference to a manifest digest, verifies the signatures, records the digest
// here and has the pull go ahead by that digest. checkPull lets such an image through only by a
// recorded digest, so a pull that skipped the check is refused, never let through.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { RegistryError } from './errors.js';
import { type ImageReference, repositoryName } from './reference.js';
import { signedIdentitySchema } from './signatures/signed-identity.js';

const requirementSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('insecureAcceptAnything') }),
  z.object({ type: z.literal('reject') }),
  z.object({ type: z.literal('signedBy'), keyType: z.string(), keyPath: z.string().optional(), keyData: z.string().optional(), keyPaths: z.array(z.string()).optional(), signedIdentity: signedIdentitySchema.optional() }),
  z.object({
    type: z.literal('sigstoreSigned'),
    keyPath: z.string().optional(),
    keyPaths: z.array(z.string()).optional(),
    keyData: z.string().optional(),
    keyDatas: z.array(z.string()).optional(),
    // Keyless (Fulcio) and transparency-log (Rekor) checks are parsed so that a policy naming
    // them is refused at pull time with a clear reason, never silently weakened.
    fulcio: z.record(z.string(), z.unknown()).optional(),
    rekorPublicKeyPath: z.string().optional(),
    rekorPublicKeyPaths: z.array(z.string()).optional(),
    rekorPublicKeyData: z.string().optional(),
    rekorPublicKeyDatas: z.array(z.string()).optional(),
    pki: z.record(z.string(), z.unknown()).optional(),
    signedIdentity: signedIdentitySchema.optional(),
  }).strict(),
]);
export type Requirement = z.infer<typeof requirementSchema>;

const policySchema = z.object({
  default: z.array(requirementSchema).min(1),
  transports: z.record(z.string(), z.record(z.string(), z.array(requirementSchema).min(1))).optional(),
});
export type TrustPolicyFile = z.infer<typeof policySchema>;

export type SignedByRequirement = Extract<Requirement, { type: 'signedBy' }>;
export type SigstoreSignedRequirement = Extract<Requirement, { type: 'sigstoreSigned' }>;
export type SignatureRequirement = SignedByRequirement | SigstoreSignedRequirement;

function isSignatureRequirement(r: Requirement): r is SignatureRequirement {
  return r.type === 'signedBy' || r.type === 'sigstoreSigned';
}

export class TrustPolicy {
  /** repo@digest names whose signatures verified for this policy (see verify-pull.ts). */
  private readonly verified = new Set<string>();

  /** dir: where relative keyPath entries are found (the policy file's directory). */
  constructor(private readonly policy: TrustPolicyFile, readonly dir: string = process.cwd()) {}

  static acceptAnything(): TrustPolicy {
    return new TrustPolicy({ default: [{ type: 'insecureAcceptAnything' }] });
  }

  static parse(json: unknown, source: string, dir?: string): TrustPolicy {
    const r = policySchema.safeParse(json);
    if (!r.success) {
      const i = r.error.issues[0];
      throw new Error(`read trust policy ${source}: ${i?.path.join('.') || '(root)'}: ${i?.message}`);
    }
    return new TrustPolicy(r.data, dir);
  }

  static async load(path: string | undefined): Promise<TrustPolicy> {
    if (!path) return TrustPolicy.acceptAnything();
    let text: string;
    try { text = await readFile(path, 'utf8'); } catch (err) { throw new Error(`read trust policy ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`); }
    let json: unknown;
    try { json = JSON.parse(text); } catch { throw new Error(`read trust policy ${path}: not valid JSON`); }
    return TrustPolicy.parse(json, path, dirname(resolve(path)));
  }

  /** The requirements for a reference and the scope they came from. */
  requirementsFor(ref: ImageReference): { scope: string; requirements: Requirement[] } {
    const scopes = this.policy.transports?.docker ?? {};
    for (const scope of candidateScopes(ref)) {
      const reqs = scopes[scope];
      if (reqs) return { scope, requirements: reqs };
    }
    const wildcard = Object.keys(scopes)
      .filter((s) => s.startsWith('*.') && ref.domain.split(':')[0]!.endsWith(s.slice(1)))
      .sort((a, b) => b.length - a.length)[0];
    if (wildcard) return { scope: wildcard, requirements: scopes[wildcard]! };
    if (scopes['']) return { scope: 'transports.docker ""', requirements: scopes['']! };
    return { scope: 'default', requirements: this.policy.default };
  }

  /** The signedBy and sigstoreSigned requirements for a reference (empty: no signatures needed). */
  signatureRequirementsFor(ref: ImageReference): { scope: string; requirements: SignatureRequirement[] } {
    const { scope, requirements } = this.requirementsFor(ref);
    return { scope, requirements: requirements.filter(isSignatureRequirement) };
  }

  /** Records that the manifest `digest` of `ref`'s repository passed every signature requirement. */
  markVerified(ref: ImageReference, digest: string): void {
    this.verified.add(`${repositoryName(ref)}@${digest}`);
  }

  /**
   * Throws a policy error when the reference may not be pulled. signaturesPending: signatures are
   * about to be checked by the caller, so only the other requirements count.
   */
  checkPull(ref: ImageReference, opts: { signaturesPending?: boolean } = {}): void {
    const { scope, requirements } = this.requirementsFor(ref);
    for (const r of requirements) {
      if (r.type === 'insecureAcceptAnything') continue;
      if (r.type === 'reject') {
        throw new RegistryError('policy', `trust policy: pulling ${repositoryName(ref)} is rejected (scope ${scope})`);
      }
      if (opts.signaturesPending) continue;
      if (ref.digest !== undefined && this.verified.has(`${repositoryName(ref)}@${ref.digest}`)) continue;
      throw new RegistryError('policy', `trust policy: ${repositoryName(ref)} requires ${r.type} signatures (scope ${scope}), and they were not verified for this pull`);
    }
  }
}

/** Most specific first: repo:tag or repo@digest, repo, each parent namespace, host. */
function candidateScopes(ref: ImageReference): string[] {
  const repo = repositoryName(ref);
  const out: string[] = [];
  if (ref.digest) out.push(`${repo}@${ref.digest}`);
  if (ref.tag) out.push(`${repo}:${ref.tag}`);
  let s = repo;
  for (;;) {
    out.push(s);
    const i = s.lastIndexOf('/');
    if (i < 0) break;
    s = s.slice(0, i);
  }
  return out;
}
