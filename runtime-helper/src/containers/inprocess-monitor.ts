// A monitor that runs `<runtime> run` as a child of berthd and holds its stdio (pipes, or a
// pty from node-pty for Tty containers), writing the json-file log itself. Used where berth-shim
// is not built: it works for everything except outliving berthd (a restarted berthd finds such
// containers still running through `runtime state`, but without their output or exit code).
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, openSync, readFileSync, readSync, existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { constants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import * as pty from 'node-pty';
import { JsonLogWriter } from './json-log.js';
import type { ContainerMonitor, ExecStartOptions, ExitInfo, MonitoredProcess, MonitorStartOptions } from './monitor.js';
import type { RuntimeCli } from './runtime-cli.js';
import { writeFileAtomic } from '../util/atomic.js';

class ChildProcessHandle extends EventEmitter implements MonitoredProcess {
  pid = 0;
  exited: Promise<ExitInfo>;
  private resolveExit!: (e: ExitInfo) => void;
  /** Output from before anyone listened (a fast `echo` can finish before attach hooks in). */
  readonly backlog: [('stdout' | 'stderr'), Buffer][] = [];
  private backlogBytes = 0;
  writeStdin: (data: Buffer) => void = () => {};
  closeStdin: () => void = () => {};
  resize: (h: number, w: number) => void = () => {};

  constructor(readonly tty: boolean) {
    super();
    this.exited = new Promise((r) => (this.resolveExit = r));
  }

  record(stream: 'stdout' | 'stderr', data: Buffer): void {
    if (this.backlogBytes > 1 << 20) return;
    this.backlog.push([stream, data]);
    this.backlogBytes += data.length;
  }

  finish(e: ExitInfo): void {
    this.resolveExit(e);
  }
}

/** Reads /dev/kmsg for the kernel's OOM kill record naming this memory cgroup. */
export function oomKilledIn(cgroupPath: string): boolean {
  let fd: number;
  try { fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK); } catch { return false; }
  const buf = Buffer.alloc(8192);
  let found = false;
  try {
    for (;;) {
      let n: number;
      try { n = readSync(fd, buf, 0, buf.length, null); } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') continue; // overwritten records
        break; // EAGAIN: end of the buffer
      }
      if (n <= 0) break;
      const rec = buf.toString('utf8', 0, n);
      if (rec.includes('oom-kill:') && (rec.includes(`oom_memcg=${cgroupPath},`) || rec.includes(`oom_memcg=${cgroupPath}\n`))) found = true;
    }
  } finally {
    closeSync(fd);
  }
  return found;
}

async function waitForPid(file: string, child: { exited: boolean }): Promise<number> {
  for (let i = 0; i < 3000 && !child.exited; i++) {
    if (existsSync(file)) {
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid > 0) return pid;
    }
    await sleep(i < 100 ? 2 : 10);
  }
  return 0;
}

export class InProcessMonitor implements ContainerMonitor {
  readonly name = 'in-process';
  readonly runtimeTerminal = false;

  constructor(private readonly runtime: RuntimeCli) {}

  private launch(args: string[], opts: { tty: boolean; openStdin: boolean; consoleSize?: { height: number; width: number }; pidFile: string }, onOutput?: (s: 'stdout' | 'stderr', d: Buffer) => void): { handle: ChildProcessHandle; stderr: () => string; done: Promise<number> } {
    const handle = new ChildProcessHandle(opts.tty);
    const state = { exited: false };
    let errText = '';
    const emit = (s: 'stdout' | 'stderr', d: Buffer): void => { onOutput?.(s, d); handle.record(s, d); handle.emit('output', s, d); };
    let done: Promise<number>;
    const argv = [...this.runtime.globalArgs(), ...args];
    if (opts.tty) {
      const p = pty.spawn(this.runtime.binary, argv, { cols: opts.consoleSize?.width || 80, rows: opts.consoleSize?.height || 24, encoding: null, name: 'xterm' });
      p.onData((d) => emit('stdout', Buffer.from(d as unknown as Uint8Array)));
      handle.writeStdin = (d) => p.write(d as unknown as string);
      handle.closeStdin = () => p.write(Buffer.from([4]) as unknown as string); // EOF at line start
      handle.resize = (h, w) => { try { p.resize(w, h); } catch { /* exited */ } };
      done = new Promise((resolve) => p.onExit(({ exitCode, signal }) => { state.exited = true; resolve(signal ? 128 + signal : exitCode); }));
    } else {
      const child = spawn(this.runtime.binary, argv, { stdio: [opts.openStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], detached: true });
      child.stdout!.on('data', (d: Buffer) => emit('stdout', d));
      child.stderr!.on('data', (d: Buffer) => { if (!handle.pid) errText += d.toString(); emit('stderr', d); });
      child.stdin?.on('error', () => {});
      handle.writeStdin = (d) => { child.stdin?.write(d); };
      handle.closeStdin = () => { child.stdin?.end(); };
      done = new Promise((resolve) => child.on('close', (code, signal) => {
        state.exited = true;
        resolve(code ?? (signal ? 128 + (osConstants.signals as Record<string, number>)[signal]! : 255));
      }));
    }
    void waitForPid(opts.pidFile, state).then((pid) => { handle.pid = pid; });
    return { handle, stderr: () => errText, done };
  }

  async start(opts: MonitorStartOptions): Promise<MonitoredProcess> {
    const log = opts.logPath ? new JsonLogWriter(opts.logPath) : null; // none under --log-driver none
    const pidFile = `${opts.bundle}/init.pid`;
    const { handle, done, stderr } = this.launch(['run', '--bundle', opts.bundle, '--pid-file', pidFile, opts.id], { ...opts, pidFile }, (s, d) => log?.write(s, d));
    const state = { exited: false };
    void done.then(() => { state.exited = true; });
    handle.pid = await waitForPid(pidFile, state);
    void done.then(async (code) => {
      await log?.close();
      const oomKilled = code === 137 && !!opts.cgroupMemoryPath && oomKilledIn(opts.cgroupMemoryPath);
      const info: ExitInfo = { exitCode: code, oomKilled, ...(handle.pid ? {} : { error: stderr().trim() || `runtime exited with ${code}` }) };
      writeFileAtomic(opts.exitFile, JSON.stringify(info));
      handle.finish(info);
    });
    return handle;
  }

  async exec(opts: ExecStartOptions): Promise<MonitoredProcess> {
    const pidFile = `${opts.processJson}.pid`;
    const { handle, done, stderr } = this.launch(['exec', '--process', opts.processJson, '--pid-file', pidFile, opts.id], { ...opts, pidFile });
    void done.then((code) => handle.finish({ exitCode: code, oomKilled: false, ...(handle.pid ? {} : { error: stderr().trim() }) }));
    return handle;
  }

  async reconnect(): Promise<MonitoredProcess | null> {
    return null; // the child died with the old berthd's pipes; only `runtime state` is left
  }
}
