// signedIdentity of containers-policy.json(5): which docker-reference a signature must name for
// the image being pulled. Default matchRepoDigestOrExact: a tag reference needs a signature for
// exactly that name:tag; a digest reference needs one for the same repository.
import { z } from 'zod';
import { type ImageReference, canonicalString, parseReference, repositoryName } from '../reference.js';

export const signedIdentitySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('matchExact') }).strict(),
  z.object({ type: z.literal('matchRepoDigestOrExact') }).strict(),
  z.object({ type: z.literal('matchRepository') }).strict(),
  z.object({ type: z.literal('exactReference'), dockerReference: z.string() }).strict(),
  z.object({ type: z.literal('exactRepository'), dockerRepository: z.string() }).strict(),
  z.object({ type: z.literal('remapIdentity'), prefix: z.string().min(1), signedPrefix: z.string().min(1) }).strict(),
]);
export type SignedIdentity = z.infer<typeof signedIdentitySchema>;

/** Answers undefined when the signed reference is acceptable, else the reason it is not. */
export function identityMismatch(identity: SignedIdentity | undefined, pulled: ImageReference, signedText: string): string | undefined {
  let signed: ImageReference;
  try { signed = parseReference(signedText); } catch { return `it names "${signedText}", which is not a valid image reference`; }
  const id = identity ?? { type: 'matchRepoDigestOrExact' as const };
  const named = `it names ${canonicalString(signed)}`;
  switch (id.type) {
    case 'matchExact':
      return exactName(pulled) === exactName(signed) ? undefined : `${named}, not ${exactName(pulled)}`;
    case 'matchRepoDigestOrExact':
      return repoDigestOrExact(pulled, signed);
    case 'matchRepository':
      return repositoryName(pulled) === repositoryName(signed) ? undefined : `${named}, not repository ${repositoryName(pulled)}`;
    case 'exactReference': {
      const want = parseReference(id.dockerReference);
      return exactName(want) === exactName(signed) ? undefined : `${named}, not ${exactName(want)} (signedIdentity exactReference)`;
    }
    case 'exactRepository': {
      const want = repositoryName(parseReference(id.dockerRepository));
      return want === repositoryName(signed) ? undefined : `${named}, not repository ${want} (signedIdentity exactRepository)`;
    }
    case 'remapIdentity': {
      const remapped = remap(pulled, id.prefix, id.signedPrefix);
      return repoDigestOrExact(remapped, signed);
    }
  }
}

function repoDigestOrExact(pulled: ImageReference, signed: ImageReference): string | undefined {
  // A tag is checked exactly (a signature for :1.0 must not vouch for :latest); a digest is
  // already pinned by the manifest digest check, so the repository suffices.
  if (pulled.tag !== undefined) {
    return exactName(pulled) === exactName(signed) ? undefined : `it names ${canonicalString(signed)}, not ${exactName(pulled)}`;
  }
  return repositoryName(pulled) === repositoryName(signed) ? undefined : `it names ${canonicalString(signed)}, not repository ${repositoryName(pulled)}`;
}

/** name:tag when there is a tag, else name@digest — one reference form, as containers/image compares. */
function exactName(ref: ImageReference): string {
  if (ref.tag !== undefined) return `${repositoryName(ref)}:${ref.tag}`;
  return ref.digest !== undefined ? `${repositoryName(ref)}@${ref.digest}` : repositoryName(ref);
}

/** prefix (a host, namespace or repository, matched at a component boundary) -> signedPrefix. */
function remap(ref: ImageReference, prefix: string, signedPrefix: string): ImageReference {
  const name = repositoryName(ref);
  const p = prefix.replace(/\/+$/, '');
  if (name !== p && !name.startsWith(`${p}/`)) return ref;
  const suffix = canonicalString(ref).slice(p.length);
  try { return parseReference(`${signedPrefix.replace(/\/+$/, '')}${suffix}`); } catch { return ref; }
}
