// The berth-shim monitor (native/src/shim/README.md): the shim creates the container through the
// runtime, detaches, holds its stdio or pty, writes the json-file log and records the exit. berthd
// talks to it through its attach socket (Docker's 8-byte frames both ways) and reads exit.json.
// Containers started this way outlive berthd; a restarted berthd reconnects by the state dir.
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerMonitor, ExecStartOptions, ExitInfo, MonitoredProcess, MonitorStartOptions } from './monitor.js';
import type { RuntimeCli } from './runtime-cli.js';
import { InProcessMonitor } from './inprocess-monitor.js';

const FRAME_STDIN = 0;
const FRAME_RESIZE = 16;
const FRAME_CLOSE_STDIN = 17;

function frame(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

interface ShimExit { exitCode: number; oomKilled: boolean; signal?: number | null }

class ShimProcess extends EventEmitter implements MonitoredProcess {
  readonly backlog: [('stdout' | 'stderr'), Buffer][] = [];
  private backlogBytes = 0;
  private socket?: Socket;
  private pending: Buffer = Buffer.alloc(0);
  readonly exited: Promise<ExitInfo>;
  private resolveExit!: (e: ExitInfo) => void;
  private done = false;

  constructor(public pid: number, readonly tty: boolean, readonly stateDir: string) {
    super();
    this.exited = new Promise((r) => (this.resolveExit = r));
  }

  async connect(): Promise<void> {
    const path = join(this.stateDir, 'attach.sock');
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    this.socket = socket;
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => {});
    socket.on('close', () => void this.onClose());
  }

  private onData(d: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, d]) : d;
    while (this.pending.length >= 8) {
      const len = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + len) break;
      const type = this.pending[0];
      const payload = Buffer.from(this.pending.subarray(8, 8 + len));
      this.pending = this.pending.subarray(8 + len);
      if (type !== 1 && type !== 2) continue;
      const stream = type === 1 ? 'stdout' : 'stderr';
      if (this.backlogBytes < 1 << 20) { this.backlog.push([stream, payload]); this.backlogBytes += payload.length; }
      this.emit('output', stream, payload);
    }
  }

  /** The shim closes the socket after writing exit.json; a broken connection is retried via polling. */
  private async onClose(): Promise<void> {
    for (let i = 0; i < 600 && !this.done; i++) {
      const info = readExit(this.stateDir);
      if (info) { this.finish(info); return; }
      if (i > 30 && !shimAlive(this.stateDir)) { this.finish({ exitCode: 255, oomKilled: false, error: 'the container\'s shim died without recording the exit' }); return; }
      await sleep(i < 20 ? 25 : 500);
    }
  }

  finish(info: ExitInfo): void {
    if (this.done) return;
    this.done = true;
    this.resolveExit(info);
  }

  writeStdin(data: Buffer): void { this.socket?.write(frame(FRAME_STDIN, data)); }
  closeStdin(): void { this.socket?.write(frame(FRAME_CLOSE_STDIN, Buffer.alloc(0))); }
  resize(height: number, width: number): void {
    const p = Buffer.alloc(4);
    p.writeUInt16BE(Math.min(height, 65535), 0);
    p.writeUInt16BE(Math.min(width, 65535), 2);
    this.socket?.write(frame(FRAME_RESIZE, p));
  }
}

function readExit(stateDir: string): ExitInfo | null {
  try {
    const e = JSON.parse(readFileSync(join(stateDir, 'exit.json'), 'utf8')) as ShimExit;
    return { exitCode: e.exitCode, oomKilled: e.oomKilled };
  } catch { return null; }
}

function shimAlive(stateDir: string): boolean {
  try {
    const pid = Number(readFileSync(join(stateDir, 'shim.pid'), 'utf8').trim());
    return pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('berth-shim');
  } catch { return false; }
}

function runShim(binary: string, args: string[]): Promise<{ pid: number; shimPid: number }> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) { reject(new Error(stderr.trim().replace(/^berth-shim: /, '') || err.message)); return; }
      try { resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as { pid: number; shimPid: number }); } catch { reject(new Error(`berth-shim: unreadable report: ${stdout}`)); }
    });
  });
}

export class ShimMonitor implements ContainerMonitor {
  readonly name = 'berth-shim';
  readonly runtimeTerminal = true;
  private readonly execMonitor: InProcessMonitor;

  /** stateRoot must be short: the shim's console socket path has to fit 107 bytes. */
  constructor(private readonly shimBinary: string, private readonly runtime: RuntimeCli, private readonly stateRoot: string) {
    this.execMonitor = new InProcessMonitor(runtime);
    mkdirSync(stateRoot, { recursive: true, mode: 0o700 });
  }

  stateDir(id: string): string {
    return join(this.stateRoot, id.slice(0, 32));
  }

  async start(opts: MonitorStartOptions): Promise<MonitoredProcess> {
    const dir = this.stateDir(opts.id);
    rmSync(dir, { recursive: true, force: true }); // an earlier run's exit.json
    const args = ['--id', opts.id, '--runtime', this.runtime.binary, '--runtime-root', this.runtime.stateRoot, '--state-dir', dir, '--bundle', opts.bundle, '--log-path', opts.logPath];
    if (opts.tty) args.push('--terminal');
    if (opts.openStdin) args.push('--stdin');
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
    try {
      await this.runtime.run('start', opts.id, ['start', opts.id]);
    } catch (e) {
      await this.runtime.delete(opts.id).catch(() => {});
      proc.pid = 0;
      proc.finish({ exitCode: 128, oomKilled: false, error: (e as Error).message });
    }
    return proc;
  }

  /** Exec sessions run as children of berthd: they end with berthd (the container does not). */
  exec(opts: ExecStartOptions): Promise<MonitoredProcess> {
    return this.execMonitor.exec(opts);
  }

  forget(id: string): void {
    rmSync(this.stateDir(id), { recursive: true, force: true });
  }

  async reconnect(opts: MonitorStartOptions): Promise<MonitoredProcess | null> {
    const dir = this.stateDir(opts.id);
    if (!existsSync(dir)) return null;
    const pidText = (() => { try { return readFileSync(join(dir, 'container.pid'), 'utf8').trim(); } catch { return '0'; } })();
    const proc = new ShimProcess(Number(pidText) || 0, opts.tty, dir);
    const exit = readExit(dir);
    if (exit) { proc.finish(exit); return proc; }
    if (!shimAlive(dir)) return null;
    try { await proc.connect(); } catch { return null; }
    return proc;
  }
}
