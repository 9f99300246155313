// Exec sessions: `docker exec` creates one, starts it (hijacked or detached), resizes it and reads
// its exit code through inspect. The process is built from the container's own config.json.
import { readFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ContainerManager, LiveContainer } from './manager.js';
import type { MonitoredProcess } from './monitor.js';
import { ContainerError, conflict, notRunning } from './errors.js';
import { newId } from './names.js';
import { resolveUser } from './passwd.js';
import { hostCapabilities } from './host-features.js';
import type { OciSpec } from '../oci/spec.js';

export const execCreateSchema = z.object({
  AttachStdin: z.boolean().optional().default(false),
  AttachStdout: z.boolean().optional().default(true),
  AttachStderr: z.boolean().optional().default(true),
  DetachKeys: z.string().optional().default(''),
  Tty: z.boolean().optional().default(false),
  ConsoleSize: z.array(z.number().int().min(0)).length(2).nullish(),
  Env: z.array(z.string()).nullish(),
  Cmd: z.array(z.string()).min(1, 'No exec command specified'),
  Privileged: z.boolean().optional().default(false),
  User: z.string().optional().default(''),
  WorkingDir: z.string().optional().default(''),
}).passthrough();

export type ExecConfig = z.infer<typeof execCreateSchema>;

export interface ExecSession {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  exitCode: number | null;
  pid: number;
  process?: MonitoredProcess;
  done: Promise<void>;
  markDone(): void;
}

export class ExecSessions {
  readonly sessions = new Map<string, ExecSession>();

  constructor(private readonly manager: ContainerManager) {}

  create(ref: string, config: ExecConfig): string {
    const c = this.manager.get(ref);
    if (!c.record.State.Running) throw notRunning(c.record.Id);
    if (c.record.State.Paused) throw conflict(`Container ${c.record.Id} is paused, unpause the container before exec`);
    const id = newId();
    let markDone!: () => void;
    const done = new Promise<void>((r) => (markDone = r));
    this.sessions.set(id, { id, containerId: c.record.Id, config, running: false, exitCode: null, pid: 0, done, markDone });
    c.record.ExecIDs.push(id);
    this.manager.emit(c.record, `exec_create: ${config.Cmd.join(' ')}`, { execID: id });
    return id;
  }

  get(id: string): ExecSession {
    const s = this.sessions.get(id);
    if (!s) throw new ContainerError(404, `No such exec instance: ${id}`);
    return s;
  }

  private processSpec(c: LiveContainer, s: ExecSession, tty: boolean, consoleSize?: number[] | null): NonNullable<OciSpec['process']> {
    const spec = JSON.parse(readFileSync(join(this.manager.store.dir(c.record.Id), 'config.json'), 'utf8')) as OciSpec;
    const base = spec.process!;
    const cfg = s.config;
    const user = cfg.User ? resolveUser(c.record.Rootfs, cfg.User) : null;
    const env = [...(base.env ?? [])];
    for (const e of cfg.Env ?? []) {
      const k = e.split('=')[0];
      const i = env.findIndex((x) => x.split('=')[0] === k);
      if (i >= 0) env[i] = e; else env.push(e);
    }
    if (tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
    const caps = cfg.Privileged ? hostCapabilities() : (base.capabilities?.bounding ?? []);
    return {
      ...base,
      // With a tty the runtime makes the pty inside the container and relays it to its own stdio
      // (a node-pty terminal here), so the shell gets a real controlling terminal.
      terminal: tty,
      args: cfg.Cmd,
      env,
      cwd: cfg.WorkingDir || base.cwd,
      user: user ? { uid: user.uid, gid: user.gid, ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}) } : base.user,
      capabilities: { bounding: caps, effective: user && user.uid !== 0 ? [] : caps, permitted: user && user.uid !== 0 ? [] : caps },
      ...(tty && consoleSize && consoleSize[0] && consoleSize[1] ? { consoleSize: { height: consoleSize[0], width: consoleSize[1] } } : {}),
    };
  }

  /** Starts the process; resolves once it runs (or failed to start). */
  async start(id: string, opts: { tty?: boolean; consoleSize?: number[] | null }): Promise<ExecSession> {
    const s = this.get(id);
    if (s.running || s.exitCode !== null) throw conflict(`Error: Exec command ${id} has already run`);
    const c = this.manager.get(s.containerId);
    if (!c.record.State.Running) throw notRunning(c.record.Id);
    const tty = opts.tty ?? s.config.Tty;
    const proc = this.processSpec(c, s, tty, opts.consoleSize ?? s.config.ConsoleSize);
    const dir = join(this.manager.store.dir(c.record.Id), 'exec');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${id}.json`);
    writeFileSync(file, JSON.stringify(proc), { mode: 0o600 }); // transient: read once by the runtime
    const monitor = this.manager.opts.monitorFor(this.manager.runtime(c.record.Runtime));
    s.running = true;
    const p = await monitor.exec({ id: c.record.Id, execId: id, processJson: file, tty, openStdin: s.config.AttachStdin, ...(proc.consoleSize ? { consoleSize: proc.consoleSize } : {}) });
    s.process = p;
    this.manager.emit(c.record, `exec_start: ${s.config.Cmd.join(' ')}`, { execID: id });
    void p.exited.then((info) => {
      s.running = false;
      s.pid = p.pid;
      s.exitCode = info.exitCode;
      rmSync(file, { force: true });
      rmSync(`${file}.pid`, { force: true });
      this.manager.emit(c.record, 'exec_die', { execID: id, exitCode: String(info.exitCode) });
      s.markDone();
    });
    return s;
  }

  inspect(id: string): Record<string, unknown> {
    const s = this.get(id);
    return {
      ID: s.id, Running: s.running, ExitCode: s.exitCode, ProcessConfig: {
        tty: s.config.Tty, entrypoint: s.config.Cmd[0], arguments: s.config.Cmd.slice(1), privileged: s.config.Privileged, user: s.config.User,
      },
      OpenStdin: s.config.AttachStdin, OpenStderr: s.config.AttachStderr, OpenStdout: s.config.AttachStdout, CanRemove: false,
      ContainerID: s.containerId, DetachKeys: s.config.DetachKeys, Pid: s.process?.pid ?? s.pid,
    };
  }

  resize(id: string, height: number, width: number): void {
    const s = this.get(id);
    if (!s.process || !s.running) throw conflict(`exec ${id} is not running`);
    s.process.resize(height, width);
  }
}
