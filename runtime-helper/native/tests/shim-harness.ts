// What the berth-shim tests share: a bundle from `crun spec` plus a copy of the busybox rootfs,
// starting a shim the way berthd will (foreground call, JSON report on stdout), an attach client
// speaking the shim's framed protocol, and cleanup that leaves no container, cgroup or process.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { busyboxImage, runtimeBinary, shimBinary } from '../../../test-support/paths.js';

export { runtimeBinary, shimBinary };

export interface ShimBundleOptions {
  args: string[];
  terminal?: boolean;
  memoryLimit?: number;
}

export interface ShimBundle {
  id: string;
  dir: string;
  /** Short, so the shim's socket paths fit in sun_path. */
  stateDir: string;
  logPath: string;
  cgroupsPath: string;
  /** Deletes the container, waits for the shim, removes the files; throws on a sanitizer report. */
  cleanup(): Promise<void>;
}

let rootfs: string | undefined;

export function makeShimBundle(opts: ShimBundleOptions): ShimBundle {
  rootfs ??= busyboxImage().rootfs;
  const id = `berth-shim-t-${process.pid}-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'berth-shim-'));
  execFileSync('cp', ['-a', rootfs, join(dir, 'rootfs')]);
  execFileSync('crun', ['spec'], { cwd: dir });
  const configPath = join(dir, 'config.json');
  const spec = JSON.parse(readFileSync(configPath, 'utf8'));
  spec.process.args = opts.args;
  spec.process.terminal = opts.terminal ?? false;
  spec.process.env = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'];
  spec.root = { path: 'rootfs', readonly: false };
  // A top-level cgroup of its own: `runtime delete` removes it and leaves no parent behind.
  const cgroupsPath = `/${id}`;
  spec.linux.cgroupsPath = cgroupsPath;
  if (opts.memoryLimit !== undefined)
    spec.linux.resources = { ...spec.linux.resources, memory: { limit: opts.memoryLimit } };
  writeFileSync(configPath, JSON.stringify(spec, null, 2));
  const stateDir = join(dir, 's');
  return {
    id,
    dir,
    stateDir,
    logPath: join(dir, 'ctr.log'),
    cgroupsPath,
    async cleanup() {
      runtime(['delete', '--force', id], true);
      // The shim exits on its own once its container is gone; give it that chance, so a
      // sanitizer build gets to report at exit.
      const pidFile = join(stateDir, 'shim.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
      if (pid > 0) {
        const until = Date.now() + 3000;
        while (isAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
      // Every shim's diagnostics under the bundle (the container's and any exec's state dir).
      const diag = readdirSync(dir)
        .map((sub) => join(dir, sub, 'shim.log'))
        .filter((p) => existsSync(p))
        .map((p) => readFileSync(p, 'utf8'))
        .join('');
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      // AddressSanitizer, LeakSanitizer and UBSan write to the detached shim's stderr.
      if (/Sanitizer|runtime error:/.test(diag)) throw new Error(`berth-shim sanitizer report:\n${diag}`);
    },
  };
}

/** Runs the runtime under test; with `tolerant` a failure is ignored (cleanup). */
export function runtime(args: string[], tolerant = false): string {
  try {
    return execFileSync(runtimeBinary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (tolerant) return '';
    const err = e as { stderr?: string; message: string };
    throw new Error(`${runtimeBinary} ${args.join(' ')}: ${err.stderr || err.message}`);
  }
}

export interface ShimResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs berth-shim in the foreground as berthd does and returns its report. */
export function runShim(args: string[]): Promise<ShimResult> {
  return new Promise((resolve) => {
    execFile(shimBinary, args, { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export function shimArgs(b: ShimBundle, extra: string[] = []): string[] {
  return [
    '--id',
    b.id,
    '--bundle',
    b.dir,
    '--runtime',
    runtimeBinary,
    '--state-dir',
    b.stateDir,
    '--log-path',
    b.logPath,
    ...extra,
  ];
}

export interface Started {
  pid: number;
  shimPid: number;
}

/** Starts the shim (runtime create) and checks the ready report. */
export async function startShim(b: ShimBundle, extra: string[] = []): Promise<Started> {
  const r = await runShim(shimArgs(b, extra));
  if (r.code !== 0) throw new Error(`berth-shim failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Started;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ExitRecord {
  pid: number;
  exitCode: number;
  signal: number | null;
  oomKilled: boolean;
  finishedAt: string;
}

export function waitForExit(b: ShimBundle, timeoutMs = 15_000): Promise<ExitRecord> {
  const path = join(b.stateDir, 'exit.json');
  return waitFor(
    'exit.json',
    () => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ExitRecord) : undefined),
    timeoutMs,
  );
}

export interface LogRecord {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}

export function readLog(path: string): { raw: string; records: LogRecord[] } {
  const raw = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const records = raw
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LogRecord);
  return { raw, records };
}

/** Go's RFC3339Nano in UTC, as Docker writes it (fraction without trailing zeros). */
export const RFC3339_NANO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,8}[1-9])?Z$/;

export const FRAME = { stdin: 0, stdout: 1, stderr: 2, resize: 16, closeStdin: 17, stdinOnce: 18, start: 19, startResult: 20, interactive: 21 } as const;

/** A client of STATE_DIR/attach.sock. */
export class AttachClient {
  readonly frames: Array<{ type: number; data: Buffer }> = [];
  private pending = Buffer.alloc(0);
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= 8) {
        const len = this.pending.readUInt32BE(4);
        if (this.pending.length < 8 + len) break;
        this.frames.push({ type: this.pending[0]!, data: this.pending.subarray(8, 8 + len) });
        this.pending = this.pending.subarray(8 + len);
      }
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {
      this.closed = true;
    });
  }

  static connect(b: ShimBundle): Promise<AttachClient> {
    return new Promise((resolve, reject) => {
      const s = connect(join(b.stateDir, 'attach.sock'));
      s.once('connect', () => resolve(new AttachClient(s)));
      s.once('error', reject);
    });
  }

  /** Payload bytes received so far in frames of one type (stdout by default). */
  bytes(type: number = FRAME.stdout): number {
    let n = 0;
    for (const f of this.frames) if (f.type === type) n += f.data.length;
    return n;
  }

  /** Text of every frame of one type (stdout by default), in order. */
  text(type: number = FRAME.stdout): string {
    return Buffer.concat(this.frames.filter((f) => f.type === type).map((f) => f.data)).toString('utf8');
  }

  send(type: number, payload: Buffer | string = Buffer.alloc(0)): void {
    const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const hdr = Buffer.alloc(8);
    hdr[0] = type;
    hdr.writeUInt32BE(data.length, 4);
    this.socket.write(Buffer.concat([hdr, data]));
  }

  write(text: string): void {
    this.send(FRAME.stdin, text);
  }

  resize(rows: number, cols: number): void {
    const p = Buffer.alloc(4);
    p.writeUInt16BE(rows, 0);
    p.writeUInt16BE(cols, 2);
    this.send(FRAME.resize, p);
  }

  waitForText(pattern: RegExp, type: number = FRAME.stdout, timeoutMs = 15_000): Promise<string> {
    return waitFor(
      `${pattern} on attach stream ${type} (have ${JSON.stringify(this.text(type))})`,
      () => pattern.test(this.text(type)) && this.text(type),
      timeoutMs,
    );
  }

  /** Stops reading: the shim's sends to this client start to fail with EAGAIN. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Half-close: no more input from this client. */
  endInput(): void {
    this.socket.end();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Session id of a process, from /proc/PID/stat. */
export function sessionOf(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

/** Processes whose command line mentions `needle` (to prove nothing was left running). */
export function processesMentioning(needle: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(needle) && !l.includes('ps -eo'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

/**
 * The bundles and attach clients a test file makes, for it to push onto: after each test the
 * clients are closed, then the bundles (and their containers) cleaned up.
 */
export function cleanedAfterEach(): { bundles: ShimBundle[]; clients: AttachClient[] } {
  const bundles: ShimBundle[] = [];
  const clients: AttachClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const b of bundles.splice(0)) await b.cleanup();
  });
  return { bundles, clients };
}
