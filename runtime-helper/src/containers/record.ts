// What berthd knows about one container: everything `inspect` shows, persisted as JSON in the
// container's directory so a restarted berthd finds it as it was.
import type { BridgeEndpoint } from '../network/bridge/veth.js';
import type { UserEndpoint } from '../network/user/user-network.js';
import type { DockerConfig, DockerHostConfig } from './docker-types.js';
import type { ResolvedMount } from '../oci/from-docker-config.js';
import type { ForwarderState } from '../network/ports/forwarder.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** One probe's result in State.Health.Log (times in RFC 3339). */
export interface HealthLogEntry { Start: string; End: string; ExitCode: number; Output: string }

export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: HealthLogEntry[];
}

export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  /** Only for a container with a health check (containers/health/). */
  Health?: HealthState;
}

export interface ContainerRecord {
  Id: string;
  Name: string; // with the leading slash, as Docker shows it
  Created: string;
  Image: string; // image ID (sha256:...)
  ImageRef: string; // what the user asked for
  Config: DockerConfig;
  HostConfig: DockerHostConfig;
  Mounts: ResolvedMount[];
  State: ContainerState;
  RestartCount: number;
  /** The user stopped it on purpose (unless-stopped and always do not restart it then). */
  ManuallyStopped: boolean;
  Runtime: string;
  /** Overlay snapshot dirs from the image store. */
  Rootfs: string;
  UpperDir: string;
  SnapshotKey: string;
  /** Container ids whose exec sessions and volumes this container uses. */
  ExecIDs: string[];
  HostnamePath: string;
  HostsPath: string;
  ResolvConfPath: string;
  LogPath: string;
  /** The published ports' forwarder while the container runs (network/ports/). */
  PortForwarder?: ForwarderState | undefined;
  /** The container's address on berthd's bridge while it runs (network/bridge/). */
  BridgeEndpoint?: BridgeEndpoint | undefined;
  /** The user-defined networks it is on, by network ID (network/user/). */
  UserNetworks?: Record<string, UserEndpoint> | undefined;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function initialState(): ContainerState {
  return {
    Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
    Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME,
  };
}

/** RFC 3339 with nanoseconds, as Docker prints times. */
export function nowNano(): string {
  const d = new Date();
  const ns = process.hrtime.bigint() % 1_000_000n;
  return d.toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}${ns.toString().padStart(6, '0')}Z`);
}
