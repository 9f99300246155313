// One process under berth-shim as berthd sees it: the attach socket (Docker's 8-byte frames both
// ways: output in, stdin/resize/close out) and the exit record the shim writes in its state dir.
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExitInfo, MonitoredProcess } from './monitor.js';
import { runProgram, type ProgramError } from '../util/spawner.js';
import { liveShimPid } from './shim-pid.js';
import type { LogMark } from './attach-logs.js';

const FRAME_STDIN = 0;
const FRAME_RESIZE = 16;
const FRAME_CLOSE_STDIN = 17;
const FRAME_START = 19;
const FRAME_START_RESULT = 20;
const FRAME_INTERACTIVE = 21;
const FRAME_MARK = 22;
/** The first output kept for clients hooked after it was written (`docker run` attaches at the start). */
const BACKLOG_MAX = 1 << 20;

function frame(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

interface ShimExit { exitCode: number; oomKilled: boolean; signal?: number | null }

export class ShimProcess extends EventEmitter implements MonitoredProcess {
  readonly backlog: [('stdout' | 'stderr'), Buffer][] = [];
  private backlogBytes = 0;
  private socket?: Socket;
  private pending: Buffer = Buffer.alloc(0);
  readonly exited: Promise<ExitInfo>;
  private resolveExit!: (e: ExitInfo) => void;
  private done = false;
  /** Mark requests (frame 22) in the order sent; the shim answers them in that order. */
  private readonly markWaiters: ((mark: LogMark | null) => void)[] = [];

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
    this.pending = Buffer.alloc(0);
    this.waitedFor = false; // a new connection starts read-only
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => {});
    // The shim half-closes its clients once the exit is recorded: reading it at this end, rather
    // than at the close that follows our own end, saves a round trip on every exec and run.
    socket.on('end', () => { if (socket === this.socket && !this.done) { const info = readExit(this.stateDir); if (info) this.finish(info); } });
    socket.on('close', () => void this.onClose(socket));
    this.updateWaitedFor();
  }

  /**
   * Parses the frames in `d`. The output frames of one read that follow each other on the same
   * stream are emitted as one chunk: the shim sends a frame per read of the container's pipe or
   * terminal (a terminal gives a few hundred bytes per read under a flood), and a write per frame
   * to every client made ~30,000 socket writes, and as many WebSocket messages in the app, for
   * 50 MB of `cat`. Order across streams and against control frames is kept.
   */
  private onData(d: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, d]) : d;
    let run: Buffer[] = [];
    let runType = 0;
    const flush = (): void => {
      if (run.length === 0) return;
      // A copy either way: the frames are slices of a larger read that would stay referenced.
      this.output(runType === 1 ? 'stdout' : 'stderr', run.length === 1 ? Buffer.from(run[0]!) : Buffer.concat(run));
      run = [];
    };
    while (this.pending.length >= 8) {
      const len = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + len) break;
      const type = this.pending[0]!;
      const body = this.pending.subarray(8, 8 + len);
      this.pending = this.pending.subarray(8 + len);
      if (type === 1 || type === 2) {
        if (type !== runType) { flush(); runType = type; }
        run.push(body);
        continue;
      }
      // A mark describes the output emitted before it: what came first goes out first.
      flush();
      if (type === FRAME_START_RESULT) this.onStartResult(Buffer.from(body));
      else if (type === FRAME_MARK) this.markWaiters.shift()?.(parseMark(Buffer.from(body)));
    }
    flush();
  }

  private output(stream: 'stdout' | 'stderr', payload: Buffer): void {
    if (this.backlogBytes < BACKLOG_MAX) {
      this.backlog.push([stream, payload]);
      this.backlogBytes += payload.length;
      if (this.backlogBytes >= BACKLOG_MAX) this.updateWaitedFor();
    }
    this.emit('output', stream, payload);
  }

  /**
   * Asks the shim where the output stands in the log (frame 22). `onMark` runs while the answer
   * is parsed, before any later output event: output emitted after it is output the marked log
   * does not hold. Null when the connection closed first.
   */
  requestMark(onMark: (mark: LogMark | null) => void): void {
    if (!this.socket || this.socket.destroyed) { onMark(null); return; }
    this.markWaiters.push(onMark);
    this.socket.write(frame(FRAME_MARK, Buffer.alloc(0)));
  }

  /**
   * The shim closes the socket after writing exit.json. Closed without one while the shim runs,
   * the shim dropped this connection (berthd fell 1 MiB behind while no client was attached, so
   * nothing waited for it): connect again, so later attaches, stdin and the exit still work.
   * Otherwise the exit is polled for.
   */
  private async onClose(socket: Socket): Promise<void> {
    for (const w of this.markWaiters.splice(0)) w(null);
    if (socket !== this.socket) return;
    let reconnects = 0;
    // Until the exit is known: a container that outlives every reconnect must not stay 'running'
    // in berthd for ever once its shim records the exit (or dies) minutes later.
    for (let i = 0; !this.done; i++) {
      const info = readExit(this.stateDir);
      if (info) { this.finish(info); return; }
      if (reconnects < 3 && shimAlive(this.stateDir)) {
        reconnects++;
        try {
          await this.connect();
          this.restoreConnectionState();
          return;
        } catch { /* the shim is ending: poll for its exit record */ }
      }
      if (i > 30 && !shimAlive(this.stateDir)) { this.finish({ exitCode: 255, oomKilled: false, error: 'the container\'s shim died without recording the exit' }); return; }
      // Unreferenced: the watch alone does not keep a stopping berthd alive.
      await sleep(i < 20 ? 25 : i < 600 ? 500 : 2000, undefined, { ref: false });
    }
  }

  finish(info: ExitInfo): void {
    if (this.done) return;
    this.done = true;
    this.resolveExit(info);
  }

  private startWaiters: ((r: { status: number; message: string }) => void)[] = [];

  private onStartResult(payload: Buffer): void {
    const result = payload.length >= 4
      ? { status: payload.readInt32BE(0), message: payload.subarray(4).toString('utf8') }
      : { status: -1, message: 'berth-shim: malformed start result' };
    this.startWaiters.shift()?.(result);
  }

  /**
   * Asks the shim to run `runtime start` (after the frames sent before, e.g. a resize); resolves
   * with the runtime's exit status and message. The socket closing first means the shim died.
   */
  requestStart(): Promise<{ status: number; message: string }> {
    return new Promise((resolve) => {
      if (!this.socket || this.socket.destroyed) { resolve({ status: -1, message: 'berth-shim: not connected' }); return; }
      const onClose = (): void => resolve({ status: -1, message: 'berth-shim: the attach socket closed before the start result' });
      this.socket.once('close', onClose);
      this.startWaiters.push((r) => { this.socket?.off('close', onClose); resolve(r); });
      this.socket.write(frame(FRAME_START, Buffer.alloc(0)));
    });
  }

  /** Docker clients attached through this connection, and those of them (with stdin) whose socket is full. */
  private readonly attachedClients = new Set<object>();
  private readonly fullClients = new Set<object>();

  /**
   * A Docker client was hooked to this process's output (or left). While any is, the shim waits
   * for this connection (frame 21) instead of dropping it at 1 MiB: berthd reads it as fast as it
   * can and applies each client's backpressure itself (a read-only client is dropped at 1 MiB, one
   * with stdin holds this connection back: setClientFull). With none attached (and the backlog
   * full), a connection that falls behind is dropped and made again (onClose), and the container
   * never waits for berthd.
   */
  setAttached(client: object, on: boolean): void {
    if (on) this.attachedClients.add(client);
    else { this.attachedClients.delete(client); this.setClientFull(client, false); }
    this.updateWaitedFor();
  }

  /** Whether the shim waits for this connection (frame 21 sent with 1). */
  private waitedFor = false;

  /** Waited for while a client is attached, and until the backlog is full (so a client hooked
   * just after the start, as `docker run`'s is, misses none of the first output). */
  private updateWaitedFor(): void {
    const want = this.attachedClients.size > 0 || this.backlogBytes < BACKLOG_MAX;
    if (want === this.waitedFor || !this.socket || this.socket.destroyed) return;
    this.waitedFor = want;
    this.socket.write(frame(FRAME_INTERACTIVE, Buffer.from([want ? 1 : 0])));
  }

  /** After a reconnect: the shim takes a new connection as read-only, so whether it is waited for
   * is said again (a client may have attached while there was none), and a connection this
   * berthd holds back stays held back. */
  private restoreConnectionState(): void {
    this.waitedFor = false;
    this.updateWaitedFor();
    if (this.fullClients.size > 0) this.socket?.pause();
  }

  /** An attached client's socket is full (or drained): read nothing from the shim while any
   * is full, so the shim stops reading the container and the container blocks on write. */
  setClientFull(client: object, full: boolean): void {
    if (full && this.attachedClients.has(client) && !this.exitRecorded) this.fullClients.add(client);
    else this.fullClients.delete(client);
    if (this.fullClients.size > 0) {
      this.socket?.pause();
      // A paused socket never sees the shim close it: watch for the exit record instead. Once
      // the process ended (the shim waits for a lagging client only briefly then) read on, so
      // the exit is seen even while the client stays stuck.
      this.exitWatch ??= setInterval(() => {
        if (!existsSync(join(this.stateDir, 'exit.json'))) return;
        this.exitRecorded = true;
        this.fullClients.clear();
        this.setClientFull(client, false);
      }, 250).unref();
    } else {
      clearInterval(this.exitWatch);
      this.exitWatch = undefined;
      this.socket?.resume();
    }
  }

  private exitWatch: NodeJS.Timeout | undefined;
  private exitRecorded = false;

  writeStdin(data: Buffer): void { this.socket?.write(frame(FRAME_STDIN, data)); }
  closeStdin(): void { this.socket?.write(frame(FRAME_CLOSE_STDIN, Buffer.alloc(0))); }
  resize(height: number, width: number): void {
    const p = Buffer.alloc(4);
    p.writeUInt16BE(Math.min(height, 65535), 0);
    p.writeUInt16BE(Math.min(width, 65535), 2);
    this.socket?.write(frame(FRAME_RESIZE, p));
  }
}

/** Frame 22's payload: the log's size (uint64), then each stream's unlogged bytes (uint32 length, bytes). */
function parseMark(p: Buffer): LogMark | null {
  if (p.length < 16) return null;
  const logSize = Number(p.readBigUInt64BE(0));
  const outLen = p.readUInt32BE(8);
  if (p.length < 16 + outLen) return null;
  const errLen = p.readUInt32BE(12 + outLen);
  if (p.length !== 16 + outLen + errLen) return null;
  return { logSize, unlogged: { stdout: p.subarray(12, 12 + outLen), stderr: p.subarray(16 + outLen) } };
}

export function readExit(stateDir: string): ExitInfo | null {
  try {
    const e = JSON.parse(readFileSync(join(stateDir, 'exit.json'), 'utf8')) as ShimExit;
    return { exitCode: e.exitCode, oomKilled: e.oomKilled };
  } catch { return null; }
}

/** Whether this state dir's shim still runs (its pid file names berth-shim on this very dir). */
export function shimAlive(stateDir: string): boolean {
  return liveShimPid(stateDir) > 0;
}

export async function runShim(binary: string, args: string[]): Promise<{ pid: number; shimPid: number }> {
  let stdout: string;
  try {
    ({ stdout } = await runProgram(binary, args, { timeoutMs: 60_000 }));
  } catch (e) {
    const err = e as ProgramError;
    throw new Error(err.stderr?.trim().replace(/^berth-shim: /, '') || err.message);
  }
  try { return JSON.parse(stdout.trim().split('\n').pop() ?? '') as { pid: number; shimPid: number }; } catch { throw new Error(`berth-shim: unreadable report: ${stdout}`); }
}
