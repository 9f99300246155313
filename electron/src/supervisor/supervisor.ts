// Supervises the local berthd: uses one already answering /_ping on the socket, else starts it,
// waits for /_ping, and restarts it with exponential backoff when it exits unexpectedly.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { SupervisorState } from '../shared/contract.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { launchCommand } from './launch-command.js';
import { pingSocket } from './ping.js';

export interface SupervisorOptions {
  socketPath: string;
  command: string;
  /** The daemon's arguments; a function is asked again at every launch (settings may change). */
  args: string[] | (() => string[]);
  backoff?: Partial<BackoffPolicy>;
  /** How long a started daemon has to answer /_ping before it counts as failed. */
  startTimeoutMs?: number;
  /** While using an external daemon, how often to check it is still there. */
  watchIntervalMs?: number;
  uid?: number | undefined;
  logFile?: number | 'ignore' | 'inherit';
}

export class BerthdSupervisor extends EventEmitter<{ state: [SupervisorState] }> {
  private child: ChildProcess | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private restarting = false;
  private failures = 0;
  private startedAt = 0;
  private readonly policy: BackoffPolicy;
  state: SupervisorState = { phase: 'idle', restarts: 0 };

  constructor(private readonly opts: SupervisorOptions) {
    super();
    this.policy = { ...DEFAULT_BACKOFF, ...(opts.backoff ?? {}) };
  }

  private set(patch: Partial<SupervisorState>): void {
    this.state = { ...this.state, ...patch };
    this.emit('state', this.state);
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.set({ phase: 'probing', message: `checking ${this.opts.socketPath}` });
    if (await pingSocket(this.opts.socketPath)) {
      this.set({ phase: 'external', pid: undefined, message: `using the berthd already answering on ${this.opts.socketPath}` });
      this.watchExternal();
      return;
    }
    this.launch();
  }

  private watchExternal(): void {
    this.timer = setTimeout(async () => {
      if (this.stopping) return;
      if (await pingSocket(this.opts.socketPath)) this.watchExternal();
      else { this.set({ message: 'the external berthd stopped answering; starting our own' }); this.launch(); }
    }, this.opts.watchIntervalMs ?? 5000);
  }

  private launch(): void {
    if (this.stopping) return;
    let args: string[];
    try {
      args = typeof this.opts.args === 'function' ? this.opts.args() : this.opts.args;
    } catch (err) {
      this.onExit(null, null, `build berthd arguments: ${(err as Error).message}`);
      return;
    }
    const cmd = launchCommand(this.opts.command, args, this.opts.uid ?? process.getuid?.());
    const out = this.opts.logFile ?? 'ignore';
    let child: ChildProcess;
    try {
      child = spawn(cmd.command, cmd.args, { stdio: ['ignore', out, out] });
    } catch (err) {
      this.onExit(null, null, `spawn ${cmd.command}: ${(err as Error).message}`);
      return;
    }
    this.child = child;
    this.startedAt = Date.now();
    this.set({ phase: 'starting', pid: child.pid, nextRetryMs: undefined, message: `started ${cmd.elevated ? 'through pkexec ' : ''}pid ${child.pid}` });
    child.once('error', (err) => this.onExit(null, null, `spawn ${cmd.command}: ${err.message}`));
    child.once('exit', (code, signal) => this.onExit(code, signal));
    void this.waitReady(child);
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 30_000);
    while (this.child === child && child.exitCode === null && child.signalCode === null) {
      if (await pingSocket(this.opts.socketPath, 500)) {
        if (this.child === child) this.set({ phase: 'running', message: `berthd pid ${child.pid} answers /_ping` });
        return;
      }
      if (Date.now() > deadline) {
        this.set({ message: `berthd pid ${child.pid} did not answer /_ping in time; restarting it` });
        child.kill('SIGKILL');
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, why?: string): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null && !why) return;
    this.child = null;
    const lastExit = { code, signal, at: new Date().toISOString() };
    if (this.stopping) { this.set({ phase: 'stopped', pid: undefined, lastExit, message: 'stopped' }); return; }
    if (this.restarting) { this.set({ phase: 'starting', pid: undefined, lastExit }); return; }
    if (Date.now() - this.startedAt >= this.policy.stableMs) this.failures = 0;
    this.failures++;
    const delay = backoffDelay(this.failures, this.policy);
    this.set({
      phase: 'backoff', pid: undefined, lastExit, restarts: this.state.restarts + 1, nextRetryMs: delay,
      message: why ?? `berthd exited (${signal ?? `code ${code}`}); restarting in ${(delay / 1000).toFixed(1)} s`,
    });
    this.timer = setTimeout(() => this.launch(), delay);
  }

  /** Stops the daemon we started and starts it again at once with fresh arguments (settings
   * that berthd reads at start, like registry mirrors). A daemon we did not start is not ours to
   * restart: that is an error that says so. Resolves when the new one answers /_ping. */
  async restart(timeoutMs = 30_000): Promise<SupervisorState> {
    if (this.state.phase === 'external') {
      throw new Error(`restart berthd: the berthd on ${this.opts.socketPath} was already running when the app started, so the app cannot restart it; restart it yourself (its own flags and /etc/berth/daemon.json apply)`);
    }
    const old = this.child;
    this.restarting = true;
    try {
      if (this.timer) { clearTimeout(this.timer); this.timer = null; }
      if (old) {
        const exited = new Promise<void>((r) => old.once('exit', () => r()));
        old.kill('SIGTERM');
        const kill = setTimeout(() => old.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(kill);
      }
      this.failures = 0;
      this.set({ message: 'restarting berthd with the current settings' });
    } finally {
      this.restarting = false;
    }
    this.launch();
    const until = Date.now() + timeoutMs;
    while (this.state.phase !== 'running') {
      if (Date.now() > until) throw new Error(`restart berthd: it did not answer /_ping within ${timeoutMs / 1000} s (${this.state.message ?? this.state.phase})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.state;
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const child = this.child;
    if (!child) { this.set({ phase: 'stopped', pid: undefined }); return; }
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
