// Manifest formats the client understands (Docker schema 2 and manifest lists, OCI manifests and
// indexes), their validation, and platform selection from a list or index.
import { z } from 'zod';
import { RegistryError } from './errors.js';

export const mediaTypes = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
} as const;

/** Accept header for manifest requests: every type we can read. */
export const manifestAccept = [mediaTypes.ociIndex, mediaTypes.dockerList, mediaTypes.ociManifest, mediaTypes.dockerManifest].join(', ');

const digestSchema = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'expected a sha256 digest');

export const descriptorSchema = z.object({
  mediaType: z.string().max(255),
  digest: digestSchema,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: z.object({
    architecture: z.string(),
    os: z.string(),
    variant: z.string().optional(),
    'os.version': z.string().optional(),
    'os.features': z.array(z.string()).optional(),
  }).optional(),
});
export type Descriptor = z.infer<typeof descriptorSchema>;

const imageManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageManifest = z.infer<typeof imageManifestSchema>;

const indexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageIndex = z.infer<typeof indexSchema>;

export type ParsedManifest =
  | { kind: 'image'; mediaType: string; manifest: ImageManifest }
  | { kind: 'index'; mediaType: string; index: ImageIndex };

export function isIndexType(t: string): boolean { return t === mediaTypes.dockerList || t === mediaTypes.ociIndex; }
export function isImageType(t: string): boolean { return t === mediaTypes.dockerManifest || t === mediaTypes.ociManifest; }

/** Parses and validates a manifest; the Content-Type wins, the body's mediaType is the fallback. */
export function parseManifest(bytes: Buffer, contentType: string | undefined, what: string, maxLayers: number): ParsedManifest {
  let json: unknown;
  try { json = JSON.parse(bytes.toString('utf8')); } catch { throw new RegistryError('bad-response', `${what}: manifest is not valid JSON`); }
  const bodyType = typeof json === 'object' && json !== null && typeof (json as { mediaType?: unknown }).mediaType === 'string'
    ? (json as { mediaType: string }).mediaType : undefined;
  const headerType = contentType?.split(';')[0]?.trim();
  let mediaType = headerType && (isIndexType(headerType) || isImageType(headerType)) ? headerType : bodyType;
  if (!mediaType && typeof json === 'object' && json !== null) {
    // OCI allows mediaType to be absent: tell by shape.
    mediaType = 'manifests' in json ? mediaTypes.ociIndex : 'layers' in json ? mediaTypes.ociManifest : undefined;
  }
  if (mediaType === 'application/vnd.docker.distribution.manifest.v1+prettyjws' || mediaType === 'application/vnd.docker.distribution.manifest.v1+json') {
    throw new RegistryError('unsupported', `${what}: Docker schema 1 manifests are not supported`);
  }
  if (mediaType && isIndexType(mediaType)) {
    const r = indexSchema.safeParse(json);
    if (!r.success) throw new RegistryError('bad-response', `${what}: invalid ${mediaType}: ${r.error.issues[0]?.path.join('.')} ${r.error.issues[0]?.message}`);
    if (r.data.manifests.length > 1000) throw new RegistryError('too-large', `${what}: index lists ${r.data.manifests.length} manifests`);
    return { kind: 'index', mediaType, index: r.data };
  }
  if (mediaType && isImageType(mediaType)) {
    const layers = (json as { layers?: unknown }).layers;
    if (Array.isArray(layers) && layers.length > maxLayers) {
      throw new RegistryError('too-many-layers', `${what}: manifest has ${layers.length} layers, more than the limit of ${maxLayers}`);
    }
    const r = imageManifestSchema.safeParse(json);
    if (!r.success) throw new RegistryError('bad-response', `${what}: invalid ${mediaType}: ${r.error.issues[0]?.path.join('.')} ${r.error.issues[0]?.message}`);
    return { kind: 'image', mediaType, manifest: r.data };
  }
  throw new RegistryError('unsupported', `${what}: unsupported manifest type ${mediaType ?? '(none)'}`);
}

export interface Platform { os: string; architecture: string; variant?: string }

/** Parses "linux/arm64/v8", "linux/amd64", "arm64". */
export function parsePlatform(input: string | undefined): Platform {
  if (!input) return defaultPlatform();
  const parts = input.toLowerCase().split('/');
  if (parts.length === 1) return normalisePlatform({ os: 'linux', architecture: parts[0]! });
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/.test(p))) {
    throw new RegistryError('invalid-reference', `parse platform "${input}": expected os/arch[/variant]`);
  }
  return normalisePlatform({ os: parts[0]!, architecture: parts[1]!, ...(parts[2] ? { variant: parts[2] } : {}) });
}

export function defaultPlatform(): Platform {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return normalisePlatform({ os: 'linux', architecture: arch });
}

/** containerd's normalisation: aarch64 = arm64 (variant v8 implied), x86_64 = amd64. */
export function normalisePlatform(p: Platform): Platform {
  let architecture = p.architecture;
  let variant = p.variant;
  if (architecture === 'x86_64' || architecture === 'x86-64') architecture = 'amd64';
  if (architecture === 'aarch64') architecture = 'arm64';
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'arm' && variant === undefined) variant = 'v7';
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  return { os: p.os, architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** Picks the manifest for a platform: exact variant first; an entry without variant matches too. */
export function selectPlatform(index: ImageIndex, wanted: Platform, what: string): Descriptor {
  const w = normalisePlatform(wanted);
  const candidates = index.manifests.filter((d) => d.platform && isImageType(d.mediaType) || (d.platform && !d.mediaType));
  let best: Descriptor | undefined;
  let bestScore = -1;
  for (const d of candidates) {
    const p = normalisePlatform({ os: d.platform!.os, architecture: d.platform!.architecture, ...(d.platform!.variant ? { variant: d.platform!.variant } : {}) });
    if (p.os !== w.os || p.architecture !== w.architecture) continue;
    const score = p.variant === w.variant ? 2 : p.variant === undefined ? 1 : 0;
    if (score > 0 && score > bestScore) { best = d; bestScore = score; }
  }
  if (!best) {
    const offered = candidates.map((d) => formatPlatform(d.platform!)).join(', ') || 'none';
    throw new RegistryError('no-platform', `${what}: no manifest for platform ${formatPlatform(w)} (offered: ${offered})`);
  }
  return best;
}

export type Compression = 'gzip' | 'zstd' | 'none';

export function isForeignLayer(mediaType: string): boolean {
  return mediaType === mediaTypes.dockerForeignLayer || mediaType.startsWith('application/vnd.oci.image.layer.nondistributable.');
}

/** Compression named by a layer media type; undefined when the type says nothing. */
export function compressionOf(mediaType: string): Compression | undefined {
  if (mediaType.endsWith('+zstd')) return 'zstd';
  if (mediaType.endsWith('+gzip') || mediaType === mediaTypes.dockerLayer || mediaType === mediaTypes.dockerForeignLayer) return 'gzip';
  if (mediaType.endsWith('.tar') || mediaType === 'application/vnd.docker.image.rootfs.diff.tar') return 'none';
  return undefined;
}
