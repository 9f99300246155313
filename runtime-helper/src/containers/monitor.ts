// The seam between berthd and whatever holds a running container's stdio and collects its exit
// status: berth-shim (outlives berthd) or, where no shim is built, an in-process monitor.
import type { EventEmitter } from 'node:events';

export interface ExitInfo {
  exitCode: number;
  oomKilled: boolean;
  /** A start failure the runtime reported (the container never ran). */
  error?: string;
}

export interface MonitorStartOptions {
  id: string;
  bundle: string;
  tty: boolean;
  openStdin: boolean;
  stdinOnce: boolean;
  logPath: string;
  /** Rotate the log at this size (bytes), keeping logMaxFiles files. */
  logMaxSize?: number;
  logMaxFiles?: number;
  exitFile: string;
  consoleSize?: { height: number; width: number };
  cgroupMemoryPath?: string;
  /** Run once the runtime created the container (its init is `pid`), before its process starts;
   * a throw ends the start: the container is deleted and the error is start's. Monitors that
   * start in one step do not call it. */
  beforeStart?: (pid: number) => Promise<void>;
}

/** Output is emitted as 'output' (stream: 'stdout' | 'stderr', data: Buffer). */
export interface MonitoredProcess extends EventEmitter {
  readonly pid: number;
  readonly tty: boolean;
  writeStdin(data: Buffer): void;
  closeStdin(): void;
  resize(height: number, width: number): void;
  readonly exited: Promise<ExitInfo>;
  /** Output emitted so far (bounded), replayed to a client that attached before the start. */
  readonly backlog?: readonly [('stdout' | 'stderr'), Buffer][];
}

export interface ExecStartOptions {
  id: string;
  execId: string;
  processJson: string; // path of the OCI process JSON
  tty: boolean;
  openStdin: boolean;
  consoleSize?: { height: number; width: number };
}

export interface ContainerMonitor {
  readonly name: string;
  /** Whether config.json should ask the runtime for a terminal (true) or the monitor supplies one. */
  readonly runtimeTerminal: boolean;
  start(opts: MonitorStartOptions): Promise<MonitoredProcess>;
  exec(opts: ExecStartOptions): Promise<MonitoredProcess>;
  /** Drops what the monitor kept for a removed container or ended exec (state dirs, exit records). */
  forget?(id: string): Promise<void>;
  /** Reconnects to a container started before berthd restarted; null when it cannot. */
  reconnect(opts: MonitorStartOptions): Promise<MonitoredProcess | null>;
  /** The same for an exec session (only monitors whose exec sessions outlive berthd). */
  reconnectExec?(execId: string, tty: boolean): Promise<MonitoredProcess | null>;
  /** Ends an exec session started without a session file (berthd died in between): kills its
   * process and monitor if they still run, removes its state. */
  reapOrphanExec?(execId: string): void;
  /** Where an exec's process JSON goes (default: the container's exec folder). */
  execProcessFile?(execId: string): string;
}
