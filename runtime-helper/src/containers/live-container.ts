// What the manager keeps per container and what it is built from.
import type { BridgeNetwork } from '../network/bridge/bridge-network.js';
import type { ContainerRecord } from './record.js';
import type { ImageAccess, Snapshot } from './image-access.js';
import type { ContainerMonitor, MonitoredProcess } from './monitor.js';
import type { RuntimeCli } from './runtime-cli.js';
import type { OciSeccomp } from '../oci/spec.js';
import type { VolumeStore } from '../volumes/volume-store.js';

export interface EventSink {
  publish(type: 'container' | 'volume' | 'image', action: string, id: string, attributes?: Record<string, string>): unknown;
}

export interface ManagerOptions {
  dataRoot: string;
  images: ImageAccess;
  volumes: VolumeStore;
  events: EventSink;
  /** Runtime name -> binary path; `defaultRuntime` names one of them. */
  runtimes: Record<string, string>;
  defaultRuntime: string;
  monitorFor(runtime: RuntimeCli): ContainerMonitor;
  seccompProfile?: (capabilities: string[]) => OciSeccomp;
  initBinary?: string;
  cgroupParent?: string;
  /** berthd's bridge (--bridge): bridge-mode containers get an eth0 on it while it is up. */
  bridge?: BridgeNetwork;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';
export interface WaitResult { StatusCode: number; Error: { Message: string } | null }
export interface Waiter { condition: WaitCondition; resolve(v: WaitResult): void }

export interface LiveContainer {
  record: ContainerRecord;
  process?: MonitoredProcess;
  waiters: Waiter[];
  restartTimer?: NodeJS.Timeout;
  stopping?: boolean;
  /** The latest snapshot prepare (create may leave it running while the client goes on). */
  snapshotReady?: Promise<Snapshot>;
  /** The runtime's delete after an exit, run after the waiters were told; awaited before the
   * container is launched or removed again. */
  runtimeCleanup?: Promise<void>;
}
