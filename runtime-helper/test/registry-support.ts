// Shared set-up for the registry suites: a fresh image service on a temp data root, a registry
// context with test settings, a puller, and a progress recorder.
import { mkdtempSync, rmSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageService } from '../src/images/image-service.js';
import { EventBus } from '../src/events/bus.js';
import { silentLogger } from '../src/util/log.js';
import { RegistryContext } from '../src/registry/registry-client.js';
import { registrySettings, type RegistrySettings } from '../src/registry/config.js';
import { Puller } from '../src/registry/pull.js';
import { TrustPolicy } from '../src/registry/trust-policy.js';
import { ImageServicePullStore } from '../src/registry/image-service-store.js';
import type { ProgressMessage } from '../src/registry/progress.js';
import { parseReference, repositoryName } from '../src/registry/reference.js';
import type { Credentials } from '../src/registry/credentials.js';
import { Pusher } from '../src/registry/push.js';
import { pushSourceFor } from '../src/registry/image-service-push-source.js';

export interface Harness {
  dataRoot: string;
  svc: ImageService;
  ctx: RegistryContext;
  pull(ref: string, opts?: { credentials?: Credentials; platform?: string; policy?: TrustPolicy; signal?: AbortSignal }): Promise<{ imageId: string; manifestDigest: string; messages: ProgressMessage[] }>;
  push(imageId: string, target: string, opts?: { credentials?: Credentials; upload?: { chunkThreshold: number; chunkSize: number } }): Promise<{ digest: string; size: number; messages: ProgressMessage[] }>;
  /** Entries left in the store's temp and layer dirs that are not complete layers. */
  leftovers(): string[];
  close(): void;
}

export function makeHarness(settings: Partial<RegistrySettings> = {}): Harness {
  const dataRoot = mkdtempSync(join(tmpdir(), 'berth-reg-data-'));
  const svc = new ImageService(dataRoot, 'overlay2', new EventBus(), silentLogger());
  const ctx = new RegistryContext(registrySettings({ retryBaseMs: 20, ...settings }));
  return {
    dataRoot, svc, ctx,
    async pull(name, opts = {}) {
      const ref = parseReference(name);
      const messages: ProgressMessage[] = [];
      const { parsePlatform } = await import('../src/registry/manifest.js');
      const puller = new Puller(ctx, new ImageServicePullStore(svc, repositoryName(ref)), opts.policy ?? TrustPolicy.acceptAnything());
      const r = await puller.pull({
        reference: ref,
        progress: (m) => messages.push(m),
        ...(opts.credentials ? { credentials: opts.credentials } : {}),
        ...(opts.platform ? { platform: parsePlatform(opts.platform) } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return { imageId: r.imageId, manifestDigest: r.manifestDigest, messages };
    },
    async push(imageId, target, opts = {}) {
      const messages: ProgressMessage[] = [];
      const { source, mountFrom } = await pushSourceFor(svc, imageId);
      const r = await new Pusher(ctx).push({
        reference: parseReference(target), source, mountFrom,
        progress: (m) => messages.push(m),
        ...(opts.credentials ? { credentials: opts.credentials } : {}),
        ...(opts.upload ? { upload: opts.upload } : {}),
      });
      return { digest: r.digest, size: r.size, messages };
    },
    leftovers() {
      const out: string[] = [];
      const tmp = join(dataRoot, 'tmp');
      if (existsSync(tmp)) out.push(...readdirSync(tmp).map((f) => `tmp/${f}`));
      const layers = join(dataRoot, 'image', 'layers');
      if (existsSync(layers)) out.push(...readdirSync(layers).filter((f) => f.startsWith('.tmp-')).map((f) => `layers/${f}`));
      return out;
    },
    close() {
      ctx.close();
      rmSync(dataRoot, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
