// Calls the OCI runtime under test (runc's command line) with a private --root state dir, and
// returns what it printed and how it exited. Output goes through temp files rather than pipes:
// `create` hands its stdio to the container, which would hold a pipe open long after the
// runtime itself has exited.
import { spawn } from 'node:child_process';
import {
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
  readdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OciProcess, OciResources, OciState } from '../runtime-helper/src/oci/spec.js';
import { runtimeBinary } from './paths.js';

export interface RunResult {
  /** The exit code, or null when the runtime died by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The command line, for failure messages. */
  command: string;
}

export interface InvokeOptions {
  /** The runtime's stdin, from a file (otherwise stdin is closed). */
  input?: string;
  /** Kill the runtime with SIGKILL after this long (default 30 s). */
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface CreateOptions extends InvokeOptions {
  pidFile?: string;
  consoleSocket?: string;
}

export interface ExecOptions extends InvokeOptions {
  /** A process JSON written to a file and passed with --process; otherwise args are used. */
  process?: OciProcess;
  tty?: boolean;
  detach?: boolean;
  pidFile?: string;
  consoleSocket?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Throws with the runtime's own words when a call did not exit 0. */
export function assertOk(r: RunResult): RunResult {
  if (r.code !== 0) {
    throw new Error(
      `${r.command} exited ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}: ${r.stderr.trim() || r.stdout.trim()}`,
    );
  }
  return r;
}

export class RuntimeCli {
  readonly root: string;
  private readonly scratch: string;
  private seq = 0;

  /**
   * `wrapper` prefixes every call (e.g. ['unshare', '--uts', '--']) so a test can confine what a
   * faulty runtime could do to the host.
   */
  constructor(
    readonly binary: string = runtimeBinary,
    private readonly wrapper: string[] = [],
  ) {
    this.scratch = mkdtempSync(join(tmpdir(), 'berth-rtcli-'));
    this.root = join(this.scratch, 'state');
  }

  /** Runs `<binary> --root <root> ...args`. */
  invoke(args: string[], o: InvokeOptions = {}): Promise<RunResult> {
    const n = ++this.seq;
    const outPath = join(this.scratch, `${n}.out`);
    const errPath = join(this.scratch, `${n}.err`);
    const out = openSync(outPath, 'w');
    const err = openSync(errPath, 'w');
    // Input comes from a file, not a node pipe (a socket): `--resources -` opens /dev/stdin,
    // which fails with ENXIO on a socket.
    const inPath = join(this.scratch, `${n}.in`);
    if (o.input !== undefined) writeFileSync(inPath, o.input);
    const inp = o.input === undefined ? 'ignore' : openSync(inPath, 'r');
    const argv = [...this.wrapper, this.binary, '--root', this.root, ...args];
    const [file, ...full] = argv as [string, ...string[]];
    const command = argv.join(' ');
    return new Promise((resolve, reject) => {
      const child = spawn(file, full, {
        stdio: [inp, out, err],
        cwd: o.cwd,
        env: o.env ?? process.env,
      });
      closeSync(out);
      closeSync(err);
      if (typeof inp === 'number') closeSync(inp);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, o.timeoutMs ?? 30_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`spawn ${command}: ${e.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        const stdout = readFileSync(outPath, 'utf8');
        const stderr = readFileSync(errPath, 'utf8');
        rmSync(outPath, { force: true });
        rmSync(errPath, { force: true });
        rmSync(inPath, { force: true });
        resolve({ code, signal, stdout, stderr, timedOut, command });
      });
    });
  }

  create(id: string, bundle: string, o: CreateOptions = {}): Promise<RunResult> {
    const args = ['create', '--bundle', bundle];
    if (o.pidFile) args.push('--pid-file', o.pidFile);
    if (o.consoleSocket) args.push('--console-socket', o.consoleSocket);
    return this.invoke([...args, id], o);
  }

  start(id: string, o?: InvokeOptions): Promise<RunResult> {
    return this.invoke(['start', id], o);
  }

  /** Runs a container in the foreground (or detached) and returns when the runtime exits. */
  run(id: string, bundle: string, o: CreateOptions & { detach?: boolean } = {}): Promise<RunResult> {
    const args = ['run', '--bundle', bundle];
    if (o.detach) args.push('--detach');
    if (o.pidFile) args.push('--pid-file', o.pidFile);
    if (o.consoleSocket) args.push('--console-socket', o.consoleSocket);
    return this.invoke([...args, id], o);
  }

  stateRaw(id: string, o?: InvokeOptions): Promise<RunResult> {
    return this.invoke(['state', id], o);
  }

  /** The parsed `state` JSON; throws when the runtime fails. */
  async state(id: string): Promise<OciState> {
    const r = assertOk(await this.stateRaw(id));
    return JSON.parse(r.stdout) as OciState;
  }

  kill(
    id: string,
    signal: string | number = 'SIGTERM',
    o: InvokeOptions & { all?: boolean } = {},
  ): Promise<RunResult> {
    return this.invoke(['kill', ...(o.all ? ['--all'] : []), id, String(signal)], o);
  }

  delete(id: string, o: InvokeOptions & { force?: boolean } = {}): Promise<RunResult> {
    return this.invoke(['delete', ...(o.force ? ['--force'] : []), id], o);
  }

  exec(id: string, args: string[], o: ExecOptions = {}): Promise<RunResult> {
    const flags: string[] = [];
    if (o.tty) flags.push('--tty');
    if (o.detach) flags.push('--detach');
    if (o.pidFile) flags.push('--pid-file', o.pidFile);
    if (o.consoleSocket) flags.push('--console-socket', o.consoleSocket);
    if (o.process) {
      const file = join(this.scratch, `process-${++this.seq}.json`);
      writeFileSync(file, JSON.stringify(o.process));
      return this.invoke(['exec', ...flags, '--process', file, id], o);
    }
    return this.invoke(['exec', ...flags, id, ...args], o);
  }

  pause(id: string, o?: InvokeOptions): Promise<RunResult> {
    return this.invoke(['pause', id], o);
  }

  resume(id: string, o?: InvokeOptions): Promise<RunResult> {
    return this.invoke(['resume', id], o);
  }

  /** `update --resources <file>` with a linux.resources JSON. */
  update(id: string, resources: OciResources, o?: InvokeOptions): Promise<RunResult> {
    const file = join(this.scratch, `resources-${++this.seq}.json`);
    writeFileSync(file, JSON.stringify(resources));
    return this.invoke(['update', '--resources', file, id], o);
  }

  /** `ps --format json`: the host pids of the container's processes. */
  async ps(id: string): Promise<number[]> {
    const r = assertOk(await this.invoke(['ps', '--format', 'json', id]));
    return JSON.parse(r.stdout) as number[];
  }

  /** `list --format json` (null/empty lists become []). */
  async list(): Promise<Array<{ id: string; pid: number; status: string; bundle: string }>> {
    const r = assertOk(await this.invoke(['list', '--format', 'json']));
    const text = r.stdout.trim();
    return text && text !== 'null'
      ? (JSON.parse(text) as Array<{ id: string; pid: number; status: string; bundle: string }>)
      : [];
  }

  /** Ids with a state entry under our --root (read from disk, not from the runtime). */
  stateEntries(): string[] {
    return existsSync(this.root) ? readdirSync(this.root) : [];
  }

  /** Force-deletes every container this root knows, then removes the temp dirs. */
  async destroy(): Promise<void> {
    for (const id of this.stateEntries()) {
      await this.delete(id, { force: true, timeoutMs: 15_000 }).catch(() => undefined);
    }
    rmSync(this.scratch, { recursive: true, force: true, maxRetries: 3 });
  }
}
