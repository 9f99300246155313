// Image references normalised the way Docker does: "busybox" is docker.io/library/busybox:latest,
// "user/app" is docker.io/user/app, a first component with a dot, a colon or "localhost" is a
// registry host. Tags and digests follow the distribution grammar.
import { RegistryError } from './errors.js';

export const defaultDomain = 'docker.io';
/** Docker Hub's API host; docker.io is only the name people write. */
export const dockerHubApiHost = 'registry-1.docker.io';

export interface ImageReference {
  /** Registry host[:port] as written after normalisation (docker.io for Hub). */
  domain: string;
  /** Repository path inside the registry (library/busybox). */
  path: string;
  tag?: string;
  digest?: string;
}

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const sha256Pattern = /^sha256:[a-f0-9]{64}$/;
const domainPattern = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

function invalid(ref: string, why: string): RegistryError {
  return new RegistryError('invalid-reference', `parse image reference "${ref}": ${why}`);
}

export function parseReference(input: string): ImageReference {
  const ref = input.trim();
  if (ref === '' || ref.length > 4096) throw invalid(ref.slice(0, 80), 'empty or too long');
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) throw invalid(ref, 'invalid digest');
    if (digest.startsWith('sha256:') && !sha256Pattern.test(digest)) throw invalid(ref, 'invalid sha256 digest');
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!tagPattern.test(tag)) throw invalid(ref, 'invalid tag');
  }
  let domain = defaultDomain;
  let path = rest;
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    domain = first;
    path = rest.slice(slash + 1);
    if (!domainPattern.test(domain)) throw invalid(ref, `invalid registry host "${domain}"`);
  }
  if (domain === 'index.docker.io') domain = defaultDomain;
  if (path === '') throw invalid(ref, 'missing repository name');
  for (const part of path.split('/')) {
    if (!pathComponent.test(part)) {
      throw invalid(ref, part.toLowerCase() === part ? `invalid repository name component "${part}"` : 'repository name must be lowercase');
    }
  }
  if (domain === defaultDomain && !path.includes('/')) path = `library/${path}`;
  if (domain.length + path.length + 1 > 255) throw invalid(ref, 'repository name longer than 255 characters');
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Adds "latest" when neither a tag nor a digest was given (docker pull's default). */
export function withDefaultTag(ref: ImageReference): ImageReference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: 'latest' } : ref;
}

/** Full name without tag or digest: docker.io/library/busybox. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The name Docker shows: "busybox" for official Hub images, "user/app", "host:5000/app". */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== defaultDomain) return `${ref.domain}/${ref.path}`;
  return ref.path.startsWith('library/') ? ref.path.slice('library/'.length) : ref.path;
}

export function familiarString(ref: ImageReference): string {
  let s = familiarName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

export function canonicalString(ref: ImageReference): string {
  let s = repositoryName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** What a manifest request names: the digest when there is one, else the tag. */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

export function isSha256Digest(s: string): boolean {
  return sha256Pattern.test(s);
}

/** Normalises a registry host given in config or on /auth ("https://index.docker.io/v1/" -> docker.io). */
export function normaliseRegistryHost(input: string): string {
  let host = input.trim().replace(/^[a-z]+:\/\//i, '');
  host = host.split('/')[0] ?? '';
  if (host === '' || host === 'index.docker.io' || host === dockerHubApiHost) return defaultDomain;
  return host.toLowerCase();
}
