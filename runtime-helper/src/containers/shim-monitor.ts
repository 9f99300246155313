// The berth-shim monitor (native/src/shim/README.md): the shim creates the container through the
// runtime (or runs an exec session in it), detaches, holds its stdio or pty, writes the json-file
// log and records the exit. berthd talks to it through its attach socket and reads exit.json.
// Containers and exec sessions started this way outlive berthd; a restarted berthd reconnects by
// the state dir.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerMonitor, ExecStartOptions, MonitoredProcess, MonitorStartOptions } from './monitor.js';
import type { RuntimeCli } from './runtime-cli.js';
import { readExit, runShim, shimAlive, ShimProcess } from './shim-process.js';
import { EXEC_PROCESS_FILE, killOrphanExecShim } from './orphan-shim.js';

export class ShimMonitor implements ContainerMonitor {
  readonly name = 'berth-shim';
  readonly runtimeTerminal = true;

  /** stateRoot must be short: the shim's console socket path has to fit 107 bytes. */
  constructor(private readonly shimBinary: string, private readonly runtime: RuntimeCli, private readonly stateRoot: string) {
    mkdirSync(stateRoot, { recursive: true, mode: 0o700 });
  }

  /** One dir per container or exec session (both ids are 64 random hex digits). */
  stateDir(id: string): string {
    return join(this.stateRoot, id.slice(0, 32));
  }

  /** What every shim of a container is told: its container, runtime, state dir and stdio. */
  private shimArgs(id: string, stateDir: string, stdio: { tty?: boolean | undefined; openStdin?: boolean | undefined }): string[] {
    const args = ['--id', id, '--runtime', this.runtime.binary, '--runtime-root', this.runtime.stateRoot, '--state-dir', stateDir];
    if (stdio.tty) args.push('--terminal');
    if (stdio.openStdin) args.push('--stdin');
    return args;
  }

  async start(opts: MonitorStartOptions): Promise<MonitoredProcess> {
    const dir = this.stateDir(opts.id);
    rmSync(dir, { recursive: true, force: true }); // an earlier run's exit.json
    const args = [...this.shimArgs(opts.id, dir, opts), '--bundle', opts.bundle];
    // No path under --log-driver none: the shim then keeps no log.
    if (opts.logPath) args.push('--log-path', opts.logPath);
    if (opts.logMaxSize && opts.logPath) args.push('--log-max-size', String(opts.logMaxSize), '--log-max-files', String(opts.logMaxFiles ?? 1));
    let report;
    try {
      report = await runShim(this.shimBinary, args);
    } catch (e) {
      const p = new ShimProcess(0, opts.tty, dir);
      p.finish({ exitCode: 128, oomKilled: false, error: (e as Error).message });
      return p;
    }
    const proc = new ShimProcess(report.pid, opts.tty, dir);
    await proc.connect();
    if (opts.consoleSize && opts.tty) proc.resize(opts.consoleSize.height, opts.consoleSize.width);
    if (opts.beforeStart) {
      try {
        await opts.beforeStart(report.pid);
      } catch (e) {
        await this.runtime.delete(opts.id).catch(() => {});
        proc.pid = 0;
        proc.finish({ exitCode: 128, oomKilled: false, error: (e as Error).message });
        throw e;
      }
    }
    // The shim runs `runtime start` (berthd spawns one process less per start).
    const started = await proc.requestStart();
    if (started.status !== 0) {
      await this.runtime.delete(opts.id).catch(() => {});
      proc.pid = 0;
      proc.finish({ exitCode: 128, oomKilled: false, error: `runtime start ${opts.id}: ${started.message.trim().split('\n').pop() || `exit status ${started.status}`}` });
    }
    return proc;
  }

  /**
   * An exec session under its own shim (`runtime exec --detach`): it outlives berthd, the shim
   * holds its pty (so resize works on every runtime) and records its exit code. The shim holds
   * the output back until we attached, so nothing written before that is lost. No log: Docker
   * keeps none for exec.
   */
  async exec(opts: ExecStartOptions): Promise<MonitoredProcess> {
    const dir = this.stateDir(opts.execId);
    const args = ['--exec', '--process', opts.processJson, ...this.shimArgs(opts.id, dir, opts), '--hold-output'];
    let report;
    try {
      report = await runShim(this.shimBinary, args);
    } catch (e) {
      // As dockerd: the runtime's message in the output stream (stdout, CRLF) and exit code 126
      // (the process never ran).
      const msg = (e as Error).message;
      const status = /exit status \d+\): /.exec(msg);
      const text = `OCI runtime exec failed: ${(status ? msg.slice(status.index + status[0].length) : msg).trim()}\r\n`;
      const p = new ShimProcess(0, opts.tty, dir);
      p.backlog.push(['stdout', Buffer.from(text)]);
      p.finish({ exitCode: 126, oomKilled: false, error: msg });
      return p;
    }
    const proc = new ShimProcess(report.pid, opts.tty, dir);
    await proc.connect();
    return proc;
  }

  /**
   * In the exec's state dir, on tmpfs: the file is written on every exec's path (creating it on the
   * data root's disk cost ~0.3 ms here), and it marks the dir as an exec's. A dir with it that no
   * session names after a restart is an orphan (reapOrphanExecShims).
   */
  execProcessFile(execId: string): string {
    return join(this.stateDir(execId), EXEC_PROCESS_FILE);
  }

  /** In the thread pool: a state dir is a handful of entries, but every exec ends with one. */
  async forget(id: string): Promise<void> {
    await rm(this.stateDir(id), { recursive: true, force: true });
  }

  reapOrphanExec(execId: string): void {
    const dir = this.stateDir(execId);
    if (!existsSync(dir)) return;
    killOrphanExecShim(dir);
    rmSync(dir, { recursive: true, force: true });
  }

  async reconnect(opts: MonitorStartOptions): Promise<MonitoredProcess | null> {
    return this.reconnectDir(this.stateDir(opts.id), opts.tty);
  }

  reconnectExec(execId: string, tty: boolean): Promise<MonitoredProcess | null> {
    return this.reconnectDir(this.stateDir(execId), tty);
  }

  private async reconnectDir(dir: string, tty: boolean): Promise<MonitoredProcess | null> {
    if (!existsSync(dir)) return null;
    const pidText = (() => { try { return readFileSync(join(dir, 'container.pid'), 'utf8').trim(); } catch { return '0'; } })();
    const proc = new ShimProcess(Number(pidText) || 0, tty, dir);
    const exit = readExit(dir);
    if (exit) { proc.finish(exit); return proc; }
    if (!shimAlive(dir)) return null;
    try { await proc.connect(); } catch { return null; }
    return proc;
  }
}
