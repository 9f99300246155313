// Registry settings from berthd's config file and flags (dockerd's names where they exist):
// mirrors, insecure registries, per-host CA directories, non-distributable artifacts, limits.
import { z } from 'zod';

export const registrySettingsSchema = z.object({
  /** dockerd's --registry-mirror: mirrors of Docker Hub, tried in order before it. */
  registryMirrors: z.array(z.string().url()).default([]),
  /** Mirrors for any registry host, tried in order before that host. */
  mirrors: z.record(z.string(), z.array(z.string().url())).default({}),
  /** dockerd's --insecure-registry: host[:port] names or CIDRs allowed plain HTTP / unverified TLS. */
  insecureRegistries: z.array(z.string()).default([]),
  /** Like /etc/docker/certs.d: <dir>/<host[:port]>/ca.crt (and *.crt) are trusted for that host. */
  certsDir: z.string().optional(),
  /** Hosts whose foreign (non-distributable) layer URLs may be fetched, and pushed to. */
  allowNondistributableArtifacts: z.array(z.string()).default([]),
  maxConcurrentDownloads: z.number().int().min(1).max(32).default(3),
  maxConcurrentUploads: z.number().int().min(1).max(32).default(5),
  /** Path of the trust policy (policy.json format); none = accept anything. */
  policyFile: z.string().optional(),
  /** containers-registries.d(5) directory: per-scope lookaside (signature store) URLs for signedBy. */
  registriesDir: z.string().optional(),
  /** Lookaside base URLs by scope (host[:port][/path]), consulted before registriesDir. */
  lookaside: z.record(z.string(), z.string().url()).default({}),
  /** Registry whose _catalog answers /images/search when it has no search API. */
  searchRegistry: z.string().optional(),
  /** Socket idle time before a transfer counts as stalled. */
  idleTimeoutMs: z.number().int().min(100).default(30_000),
  retries: z.number().int().min(0).max(20).default(5),
  /** Delay before the first retry; doubled each time, capped at 10 s. */
  retryBaseMs: z.number().int().min(0).default(250),
  maxManifestBytes: z.number().int().min(1024).default(4 * 1024 * 1024),
  maxConfigBytes: z.number().int().min(1024).default(16 * 1024 * 1024),
  maxLayers: z.number().int().min(1).default(127),
});

export type RegistrySettings = z.infer<typeof registrySettingsSchema>;

export function registrySettings(input: Partial<z.input<typeof registrySettingsSchema>> = {}): RegistrySettings {
  return registrySettingsSchema.parse(input);
}
