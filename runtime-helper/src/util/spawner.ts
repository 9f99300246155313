// Runs short-lived programs (berth-shim, the OCI runtime's verbs, mount) the way execFile does,
// through one long-lived berth-spawner process (native/src/spawner): Node forks the whole daemon
// for each child, which costs 3-10 ms per spawn at berthd's size; the spawner's posix_spawn costs
// ~0.4 ms. When the spawner binary is missing (BERTH_SPAWNER=none, or not built) or dies, programs
// are started with execFile as before, so nothing depends on it being there.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface RunOptions {
  cwd?: string;
  /** SIGKILL after this long, as execFile's timeout (the rejection says `killed`). */
  timeoutMs?: number;
}

export interface RunOutput { stdout: string; stderr: string }

/** execFile's error shape: what callers already read (stderr, code, signal, killed). */
export class ProgramError extends Error {
  constructor(message: string, readonly code: number | string | null, readonly signal: string | null, readonly killed: boolean, readonly stdout: string, readonly stderr: string) {
    super(message);
  }
}

const SPAWN_RUN = 1;
const SPAWN_SIGNAL = 2;
const REPLY_EXITED = 1;
const REPLY_FAILED = 2;
const REPLY_FLAG_TRUNCATED = 0x80;

interface Pending { file: string; args: string[]; resolve(o: RunOutput): void; reject(e: Error): void; timer?: NodeJS.Timeout; killed: boolean }

const errnoNames: Record<number, string> = { 2: 'ENOENT', 13: 'EACCES', 8: 'ENOEXEC', 20: 'ENOTDIR', 7: 'E2BIG', 12: 'ENOMEM' };
const signalNames: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 15: 'SIGTERM' };

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(b.length);
  return Buffer.concat([len, b]);
}

export class ProgramSpawner {
  private child?: ChildProcess;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly binary: string | undefined) {}

  run(file: string, args: string[], opts: RunOptions): Promise<RunOutput> {
    const child = this.ensure();
    if (!child) return runWithExecFile(file, args, opts);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const p: Pending = { file, args, resolve, reject, killed: false };
      this.pending.set(id, p);
      if (opts.timeoutMs) p.timer = setTimeout(() => { p.killed = true; this.send(id, SPAWN_SIGNAL, [int32(9)]); }, opts.timeoutMs);
      const argc = Buffer.alloc(4);
      argc.writeUInt32LE(args.length + 1);
      this.send(id, SPAWN_RUN, [str(opts.cwd ?? ''), argc, str(file), ...args.map(str)]);
    });
  }

  /** Ends the spawner (EOF on its stdin); resolves with its exit code (tests check it under ASan). */
  close(): Promise<number | null> {
    const child = this.child;
    if (!child) return Promise.resolve(null);
    this.broken = true;
    return new Promise((resolve) => {
      if (child.exitCode !== null) { resolve(child.exitCode); return; }
      child.once('exit', (code) => resolve(code));
      child.stdin!.end();
    });
  }

  private send(id: number, op: number, parts: Buffer[]): void {
    const head = Buffer.alloc(9);
    const body = Buffer.concat(parts);
    head.writeUInt32LE(5 + body.length, 0);
    head.writeUInt32LE(id, 4);
    head[8] = op;
    this.child?.stdin?.write(Buffer.concat([head, body]));
  }

  private ensure(): ChildProcess | undefined {
    if (this.child || this.broken || !this.binary) return this.child;
    const child = spawn(this.binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout!.on('data', (d: Buffer) => this.onData(d));
    child.stdin!.on('error', () => {});
    child.on('error', () => this.lost(child));
    child.on('exit', () => this.lost(child));
    // The spawner must not keep berthd alive, nor be what keeps a test process running.
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    this.child = child;
    return child;
  }

  /** The spawner died: what it was running is reported failed, later runs use execFile. */
  private lost(child: ChildProcess): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.broken = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ProgramError(`${p.file}: berth-spawner exited while the program ran`, null, null, false, '', ''));
      this.pending.delete(id);
    }
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32LE(0);
      if (this.buf.length < 4 + len) return;
      this.onReply(this.buf.subarray(4, 4 + len));
      this.buf = this.buf.subarray(4 + len);
    }
  }

  private onReply(body: Buffer): void {
    const id = body.readUInt32LE(0);
    const kind = body[4]! & ~REPLY_FLAG_TRUNCATED;
    const value = body.readInt32LE(5);
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    const cmd = [p.file, ...p.args].join(' ');
    if (kind === REPLY_FAILED) {
      const code = errnoNames[value] ?? `errno ${value}`;
      p.reject(new ProgramError(`spawn ${p.file} ${code}`, code, null, false, '', ''));
      return;
    }
    if (kind !== REPLY_EXITED) { p.reject(new ProgramError(`${cmd}: unreadable reply from berth-spawner`, null, null, false, '', '')); return; }
    let at = 9;
    const outLen = body.readUInt32LE(at); at += 4;
    const stdout = body.subarray(at, at + outLen).toString('utf8'); at += outLen;
    const errLen = body.readUInt32LE(at); at += 4;
    const stderr = body.subarray(at, at + errLen).toString('utf8');
    // The wait status, decoded as WIFEXITED / WTERMSIG do.
    const termSig = value & 0x7f;
    if (termSig === 0) {
      const code = (value >> 8) & 0xff;
      if (code === 0) { p.resolve({ stdout, stderr }); return; }
      p.reject(new ProgramError(`Command failed: ${cmd}\n${stderr}`, code, null, p.killed, stdout, stderr));
      return;
    }
    const signal = signalNames[termSig] ?? `SIG${termSig}`;
    p.reject(new ProgramError(`Command failed: ${cmd}\n${stderr}`, null, signal, p.killed, stdout, stderr));
  }
}

function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
}

function runWithExecFile(file: string, args: string[], opts: RunOptions): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: opts.cwd, timeout: opts.timeoutMs ?? 0, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (!err) { resolve({ stdout, stderr }); return; }
      const e = err as Error & { code?: number | string; signal?: string; killed?: boolean };
      reject(new ProgramError(e.message, e.code ?? null, e.signal ?? null, e.killed ?? false, stdout, stderr));
    });
  });
}

function spawnerBinary(): string | undefined {
  const env = process.env.BERTH_SPAWNER;
  if (env === 'none') return undefined;
  const path = env ?? fileURLToPath(new URL('../../native/build/berth-spawner', import.meta.url));
  return existsSync(path) ? path : undefined;
}

let shared: ProgramSpawner | undefined;

/**
 * Runs `file` with `args` and resolves with its output once it exited 0; rejects with a
 * ProgramError (exit code or signal, stdout, stderr) otherwise, as execFile does.
 */
export function runProgram(file: string, args: string[], opts: RunOptions = {}): Promise<RunOutput> {
  shared ??= new ProgramSpawner(spawnerBinary());
  return shared.run(file, args, opts);
}
