// The daemon's shared state: configuration, logger, event bus, image service, host facts and the
// hooks other modules fill in (containers, registry). Routes receive it in their context.
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DaemonConfig } from '../config/config.js';
import type { Logger } from '../util/log.js';
import { writeFileAtomic } from '../util/atomic.js';
import { EventBus } from '../events/bus.js';
import { ImageService } from '../images/image-service.js';
import { chooseStorageDriver, type StorageDriverName } from '../images/storage-driver.js';
import { hostInfo, discoverRuntimes, type HostInfo, type RuntimeInfo } from './host-info.js';
import type { Handler } from '../api/context.js';
import type { ContainerConfig } from '../images/image-config.js';
import { seccompCacheCleanup } from './seccomp-cache-cleanup.js';

export const berthVersion = '0.1.0';

export interface DaemonHooks {
  /** POST /images/create?fromImage=...: set by the registry module. */
  pullImage?: Handler;
  /** POST /commit: the container lifecycle maps a container name or ID to its snapshot. */
  containerForCommit?: (nameOrId: string) => Promise<CommitTarget | undefined> | CommitTarget | undefined;
}

export interface CommitTarget {
  containerId: string; snapshotKey: string; imageId: string; config: ContainerConfig;
  /** For the commit event, as dockerd attributes it: the container's name, image and labels. */
  name: string; image: string; labels: Record<string, string>;
  /** Pauses the container if it runs (commit's pause=1, as dockerd); resolves to its unpause. */
  freeze?(): Promise<() => Promise<void>>;
}

/** A part of the daemon with work to do at start (after the store opens) and at stop. */
export interface DaemonService { name: string; start?(): Promise<void> | void; stop?(): Promise<void> | void }

export class Daemon {
  readonly version = berthVersion;
  readonly events = new EventBus();
  readonly images: ImageService;
  readonly storageDriver: StorageDriverName;
  readonly host: HostInfo;
  readonly runtimes: Record<string, RuntimeInfo>;
  readonly id: string;
  readonly startedAt = new Date();
  readonly warnings: string[] = [];
  readonly hooks: DaemonHooks = {};
  private readonly services: DaemonService[] = [];

  constructor(readonly config: DaemonConfig, readonly log: Logger) {
    mkdirSync(config.dataRoot, { recursive: true, mode: 0o711 });
    mkdirSync(join(config.dataRoot, 'tmp'), { recursive: true });
    this.id = loadEngineId(config.dataRoot);
    const chosen = chooseStorageDriver(config.storageDriver, join(config.dataRoot, 'tmp'));
    this.storageDriver = chosen.driver;
    if (chosen.warning) { this.warnings.push(`WARNING: ${chosen.warning}`); log.warn(chosen.warning); }
    this.host = hostInfo();
    this.runtimes = discoverRuntimes(config.runtimes);
    if (!(config.defaultRuntime in this.runtimes) && !config.defaultRuntime.startsWith('/')) {
      this.warnings.push(`WARNING: default runtime "${config.defaultRuntime}" not found`);
    }
    this.images = new ImageService(config.dataRoot, this.storageDriver, this.events, log.child({ module: 'images' }));
    this.addService(seccompCacheCleanup(config.dataRoot, this.events, log));
  }

  /** Registers a service; its start runs in Daemon.start, its stop in reverse order in Daemon.stop. */
  addService(service: DaemonService): void { this.services.push(service); }

  async start(): Promise<void> {
    for (const s of this.services) {
      await s.start?.();
      this.log.debug({ service: s.name }, 'service started');
    }
  }

  async stop(): Promise<void> {
    for (const s of [...this.services].reverse()) {
      try { await s.stop?.(); } catch (err) { this.log.error({ err, service: s.name }, 'service stop failed'); }
    }
  }
}

/** A stable engine ID per data root, like dockerd's engine-id file. */
function loadEngineId(dataRoot: string): string {
  const file = join(dataRoot, 'engine-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomUUID();
  writeFileAtomic(file, id, 0o600);
  return id;
}
