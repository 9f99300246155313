// Supervises the local berthd: uses one already answering /_ping on the socket, else starts it
// (directly as root, else through pkexec and the installed launcher), waits for /_ping, and
// restarts it with exponential backoff when it exits unexpectedly. Through pkexec every launch
// may ask for a password, so a refusal (pkexec's exit 126/127, the launcher's 64) or a socket
// closed to this user ends in phase 'failed' with the reason, not in retries; so do
// `maxElevatedFailures` launches in a row that never answered /_ping. Restart leaves 'failed'.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { writeSync } from 'node:fs';
import type { SupervisorState } from '../shared/contract.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { elevatedLaunchProblem, launchCommand, type LaunchCommand } from './launch-command.js';
import { probeSocket } from './ping.js';
import { socketAccessHelp } from './socket-access.js';

export interface SupervisorOptions {
  socketPath: string;
  command: string;
  /** The daemon's arguments; a function is asked again at every launch (settings may change). */
  args: string[] | (() => string[]);
  /** Not root: pkexec runs this launcher (absolute path, named by the polkit policy) with
   * `launcherArgs` instead of `command`; without it pkexec runs `command` itself. */
  launcher?: string | undefined;
  launcherArgs?: (() => string[]) | undefined;
  pkexec?: string | undefined;
  backoff?: Partial<BackoffPolicy>;
  /** How long a started daemon has to answer /_ping before it counts as failed. */
  startTimeoutMs?: number;
  /** While using an external daemon, how often to check it is still there. */
  watchIntervalMs?: number;
  /** Elevated launches in a row that never answered /_ping before the supervisor gives up. */
  maxElevatedFailures?: number;
  uid?: number | undefined;
  logFile?: number | 'ignore' | 'inherit';
}

/** pkexec's own exit codes (pkexec(1)) and the launcher's refusal (assets/berthd-launch). */
function elevatedRefusal(code: number | null, stderrTail: string): string | null {
  const said = stderrTail.trim().split('\n').filter((l) => l.trim() && !/incident has been reported/.test(l)).slice(-2).join(' ').trim();
  const detail = said ? `: ${said}` : '';
  if (code === 127) {
    const why = /Not authorized/.test(said) ? 'polkit does not allow this user org.berth.berthd.start'
      : /authentication agent/i.test(said) ? 'no polkit authentication agent is running to ask for the administrator password (a desktop session runs one; without one, start the app as root or allow org.berth.berthd.start in a polkit rule)'
        : 'not authorized for org.berth.berthd.start, or pkexec could not ask';
    return `pkexec did not start berthd: ${why} (exit 127)${detail}. Restart engine tries again`;
  }
  if (code === 126) return `pkexec did not start berthd: the password request was dismissed (exit 126)${detail}. Restart engine asks again`;
  if (code === 64) return `the berthd launcher refused its arguments${detail}`;
  return null;
}

export class BerthdSupervisor extends EventEmitter<{ state: [SupervisorState] }> {
  private child: ChildProcess | null = null;
  private childElevated = false;
  private childAnswered = false;
  private stderrTail = '';
  /** Set when the current child must not be relaunched once it exits, with the reason. */
  private giveUp: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private restarting = false;
  private failures = 0;
  private elevatedFailuresInRow = 0;
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

  private fail(message: string, lastExit?: SupervisorState['lastExit']): void {
    this.set({ phase: 'failed', pid: undefined, nextRetryMs: undefined, message, ...(lastExit ? { lastExit } : {}) });
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.set({ phase: 'probing', message: `checking ${this.opts.socketPath}` });
    const probe = await probeSocket(this.opts.socketPath);
    if (probe.ok) {
      this.set({ phase: 'external', pid: undefined, message: `using the berthd already answering on ${this.opts.socketPath}` });
      this.watchExternal();
      return;
    }
    // A socket we may not open may be a live berthd's: starting another would take its path.
    if (probe.code === 'EACCES') { this.fail(socketAccessHelp(this.opts.socketPath)); return; }
    this.launch();
  }

  private watchExternal(): void {
    this.timer = setTimeout(async () => {
      if (this.stopping) return;
      if ((await probeSocket(this.opts.socketPath)).ok) this.watchExternal();
      else { this.set({ message: 'the external berthd stopped answering; starting our own' }); this.launch(); }
    }, this.opts.watchIntervalMs ?? 5000);
  }

  private command(): LaunchCommand {
    const args = typeof this.opts.args === 'function' ? this.opts.args() : this.opts.args;
    const uid = this.opts.uid ?? process.getuid?.();
    const launcherArgs = uid !== 0 && this.opts.launcher ? this.opts.launcherArgs?.() ?? args : undefined;
    return launchCommand({ command: this.opts.command, args, launcher: this.opts.launcher, launcherArgs, pkexec: this.opts.pkexec }, uid);
  }

  private launch(): void {
    if (this.stopping) return;
    let cmd: LaunchCommand;
    try {
      cmd = this.command();
    } catch (err) {
      this.onExit(null, null, `build berthd arguments: ${(err as Error).message}`);
      return;
    }
    const problem = elevatedLaunchProblem(cmd);
    if (problem) { this.fail(problem); return; }
    const out = this.opts.logFile ?? 'ignore';
    let child: ChildProcess;
    try {
      // Elevated: stdin is the launcher's stop line (closing it stops berthd: we cannot signal
      // root), and stderr comes through us so pkexec's refusal can be quoted.
      child = spawn(cmd.command, cmd.args, { stdio: cmd.elevated ? ['pipe', out, 'pipe'] : ['ignore', out, out] });
    } catch (err) {
      this.onExit(null, null, `spawn ${cmd.command}: ${(err as Error).message}`);
      return;
    }
    this.child = child;
    this.childElevated = cmd.elevated;
    this.childAnswered = false;
    this.stderrTail = '';
    this.giveUp = null;
    this.startedAt = Date.now();
    if (cmd.elevated) {
      child.stdin?.on('error', () => { /* the launcher is gone; its exit tells why */ });
      child.stderr?.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4096);
        if (out === 'inherit') process.stderr.write(chunk);
        else if (typeof out === 'number') { try { writeSync(out, chunk); } catch { /* log file gone: keep supervising */ } }
      });
    }
    this.set({ phase: 'starting', pid: child.pid, nextRetryMs: undefined, message: cmd.elevated ? `asked pkexec to start ${cmd.args[0]} (pid ${child.pid})` : `started pid ${child.pid}` });
    child.once('error', (err) => this.onExit(null, null, `spawn ${cmd.command}: ${err.message}`, child));
    child.once('exit', (code, signal) => this.onExit(code, signal, undefined, child));
    void this.waitReady(child);
  }

  /** Asks a child to stop: SIGTERM as root; elevated, by closing the launcher's stdin (pkexec
   * still waiting for authorization runs with our real uid and takes the signal too). */
  private terminate(child: ChildProcess, elevated: boolean): void {
    if (!elevated) { child.kill('SIGTERM'); return; }
    child.stdin?.end();
    try { if (child.pid) process.kill(child.pid, 'SIGTERM'); } catch { /* EPERM: it is root now; the closed stdin stops it */ }
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 30_000);
    let deniedSince = 0;
    while (this.child === child && child.exitCode === null && child.signalCode === null) {
      const probe = await probeSocket(this.opts.socketPath, 500);
      if (this.child !== child) return;
      if (probe.ok) {
        this.childAnswered = true;
        this.elevatedFailuresInRow = 0;
        this.set({ phase: 'running', message: `berthd ${this.childElevated ? '(through pkexec) ' : ''}pid ${child.pid} answers /_ping` });
        return;
      }
      // berthd listens first and then gives the socket its group and mode: a refusal counts once
      // it outlasts that.
      if (probe.code !== 'EACCES') deniedSince = 0;
      else if (!deniedSince) deniedSince = Date.now();
      else if (Date.now() - deniedSince >= 2000) {
        this.giveUp = `berthd started, but ${socketAccessHelp(this.opts.socketPath)}`;
        this.set({ message: `${this.giveUp}; stopping it` });
        this.terminate(child, this.childElevated);
        return;
      }
      if (Date.now() > deadline) {
        this.set({ message: `berthd pid ${child.pid} did not answer /_ping in time; restarting it` });
        if (this.childElevated) this.terminate(child, true);
        else child.kill('SIGKILL');
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, why?: string, of?: ChildProcess): void {
    if (of && of !== this.child) return; // an 'exit' after the 'error' already handled it
    if (this.child && this.child.exitCode === null && this.child.signalCode === null && !why) return;
    const elevated = this.child !== null && this.childElevated;
    const answered = this.childAnswered;
    this.child = null;
    const lastExit = { code, signal, at: new Date().toISOString() };
    if (this.stopping) { this.set({ phase: 'stopped', pid: undefined, lastExit, message: 'stopped' }); return; }
    if (this.restarting) { this.set({ phase: 'starting', pid: undefined, lastExit }); return; }
    const refusal = this.giveUp ?? (elevated ? elevatedRefusal(code, this.stderrTail) : null);
    if (refusal) { this.fail(refusal, lastExit); return; }
    if (elevated && !answered && ++this.elevatedFailuresInRow >= (this.opts.maxElevatedFailures ?? 5)) {
      this.fail(`berthd exited ${this.elevatedFailuresInRow} times in a row before answering /_ping (last: ${signal ?? `code ${code}`}); not asking pkexec again until Restart engine. See berthd's log for why`, lastExit);
      return;
    }
    if (Date.now() - this.startedAt >= this.policy.stableMs) this.failures = 0;
    this.failures++;
    const delay = backoffDelay(this.failures, this.policy);
    this.set({
      phase: 'backoff', pid: undefined, lastExit, restarts: this.state.restarts + 1, nextRetryMs: delay,
      message: why ?? `berthd exited (${signal ?? `code ${code}`}); restarting in ${(delay / 1000).toFixed(1)} s`,
    });
    this.timer = setTimeout(() => this.launch(), delay);
  }

  private async awaitExit(child: ChildProcess, elevated: boolean, timeoutMs: number): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    this.terminate(child, elevated);
    // As root we escalate to SIGKILL; elevated, the launcher does (10 s after our stop), so we
    // only stop waiting a little after that.
    const timer = setTimeout(() => { if (!elevated) child.kill('SIGKILL'); }, timeoutMs);
    const giveUp = new Promise<void>((r) => { if (elevated) setTimeout(r, timeoutMs + 15_000).unref(); });
    await Promise.race([exited, giveUp]);
    clearTimeout(timer);
  }

  /** Stops the daemon we started and starts it again at once with fresh arguments (settings
   * that berthd reads at start, like registry mirrors); also the way out of 'failed'. A daemon
   * we did not start is not ours to restart: that is an error that says so. Resolves when the
   * new one answers /_ping. */
  async restart(timeoutMs = 30_000): Promise<SupervisorState> {
    if (this.state.phase === 'external') {
      throw new Error(`restart berthd: the berthd on ${this.opts.socketPath} was already running when the app started, so the app cannot restart it; restart it yourself (its own flags and /etc/berth/daemon.json apply)`);
    }
    const old = this.child;
    this.restarting = true;
    try {
      if (this.timer) { clearTimeout(this.timer); this.timer = null; }
      if (old) await this.awaitExit(old, this.childElevated, 10_000);
      this.failures = 0;
      this.elevatedFailuresInRow = 0;
      this.set({ message: 'restarting berthd with the current settings' });
    } finally {
      this.restarting = false;
    }
    this.launch();
    const until = Date.now() + timeoutMs;
    while (this.state.phase !== 'running') {
      if (this.state.phase === 'failed') throw new Error(`restart berthd: ${this.state.message ?? 'failed'}`);
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
    await this.awaitExit(child, this.childElevated, timeoutMs);
    if (this.child === child) this.set({ phase: 'stopped', pid: undefined, message: `berthd pid ${child.pid} did not exit within ${(timeoutMs + 15_000) / 1000} s of the stop request` });
  }
}
