// The daemon's registry service: one RegistryContext (keep-alive connections, token cache,
// endpoint rules) built from berthd's config, and the trust policy, read at each pull so an edit
// takes effect without a restart.
import type { DaemonConfig } from '../config/config.js';
import { registrySettings, type RegistrySettings } from './config.js';
import { RegistryContext } from './registry-client.js';
import { TrustPolicy } from './trust-policy.js';

/** Config-file keys beyond dockerd's that the registry reads (see config.ts in config/). */
interface RegistryConfigKeys {
  'allow-nondistributable-artifacts'?: string[];
  'registry-certs-dir'?: string;
  'trust-policy'?: string;
  'search-registry'?: string;
  'registry-mirrors-by-host'?: Record<string, string[]>;
  'registries-d'?: string;
  'registry-lookaside'?: Record<string, string>;
  'max-concurrent-downloads'?: number;
  'max-concurrent-uploads'?: number;
}

export function settingsFromConfig(config: DaemonConfig): RegistrySettings {
  const raw = config.raw as RegistryConfigKeys;
  return registrySettings({
    registryMirrors: config.registryMirrors,
    insecureRegistries: config.insecureRegistries,
    mirrors: raw['registry-mirrors-by-host'] ?? {},
    certsDir: raw['registry-certs-dir'] ?? '/etc/berth/certs.d',
    allowNondistributableArtifacts: raw['allow-nondistributable-artifacts'] ?? [],
    ...(raw['max-concurrent-downloads'] ? { maxConcurrentDownloads: raw['max-concurrent-downloads'] } : {}),
    ...(raw['max-concurrent-uploads'] ? { maxConcurrentUploads: raw['max-concurrent-uploads'] } : {}),
    ...(raw['trust-policy'] ? { policyFile: raw['trust-policy'] } : {}),
    ...(raw['search-registry'] ? { searchRegistry: raw['search-registry'] } : {}),
    registriesDir: raw['registries-d'] ?? '/etc/containers/registries.d',
    lookaside: raw['registry-lookaside'] ?? {},
    ...(process.env.BERTH_REGISTRY_IDLE_TIMEOUT_MS ? { idleTimeoutMs: Number(process.env.BERTH_REGISTRY_IDLE_TIMEOUT_MS) } : {}),
  });
}

export class RegistryService {
  readonly ctx: RegistryContext;
  constructor(readonly settings: RegistrySettings) {
    this.ctx = new RegistryContext(settings);
  }

  policy(): Promise<TrustPolicy> {
    return TrustPolicy.load(this.settings.policyFile);
  }

  close(): void { this.ctx.close(); }
}
