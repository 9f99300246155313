// Exec sessions: `docker exec` creates one, starts it (hijacked or detached), resizes it and reads
// its exit code through inspect. Under berth-shim a session outlives berthd: its state is kept in
// `<container dir>/exec/<id>.session.json` from its start, and a restarted berthd reconnects to
// its shim (or reads the exit the shim recorded meanwhile).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ContainerManager } from './manager.js';
import type { LiveContainer } from './live-container.js';
import type { ContainerMonitor, ExitInfo, MonitoredProcess } from './monitor.js';
import { ContainerError, conflict, notRunning } from './errors.js';
import { newId } from './names.js';
import { execProcess } from './exec-process.js';
import { ShimProcess } from './shim-process.js';
import type { ExecConfig } from './exec-schema.js';

export { execCreateSchema, type ExecConfig } from './exec-schema.js';

export interface ExecSession {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  exitCode: number | null;
  pid: number;
  tty: boolean;
  process?: MonitoredProcess;
  done: Promise<void>;
  markDone(): void;
  /** The session's file writes, in order: off the exec's critical path, never overtaking. */
  saving: Promise<void>;
}

/** What is persisted of a session. */
interface SessionFile { id: string; containerId: string; config: ExecConfig; running: boolean; exitCode: number | null; pid: number; tty: boolean }

function newSession(fields: SessionFile): ExecSession {
  let markDone!: () => void;
  const done = new Promise<void>((r) => (markDone = r));
  return { ...fields, done, markDone, saving: Promise.resolve() };
}

/** dockerd's text of an exec's command in its events: the program, a space, then the arguments. */
function eventCommand(cmd: string[]): string {
  return `${cmd[0] ?? ''} ${cmd.slice(1).join(' ')}`;
}

export class ExecSessions {
  readonly sessions = new Map<string, ExecSession>();

  constructor(private readonly manager: ContainerManager) {}

  create(ref: string, config: ExecConfig): string {
    const c = this.manager.get(ref);
    if (!c.record.State.Running) throw notRunning(c.record.Id);
    if (c.record.State.Paused) throw conflict(`Container ${ref} is paused, unpause the container before exec`);
    const id = newId();
    this.sessions.set(id, newSession({ id, containerId: c.record.Id, config, running: false, exitCode: null, pid: 0, tty: config.Tty }));
    c.record.ExecIDs.push(id);
    this.manager.emit(c.record, `exec_create: ${eventCommand(config.Cmd)}`, { execID: id });
    return id;
  }

  get(id: string): ExecSession {
    const s = this.sessions.get(id);
    if (!s) throw new ContainerError(404, `No such exec instance: ${id}`);
    return s;
  }

  private dir(containerId: string): string {
    return join(this.manager.store.dir(containerId), 'exec');
  }

  private sessionFile(s: ExecSession): [string, string] {
    const file: SessionFile = { id: s.id, containerId: s.containerId, config: s.config, running: s.running, exitCode: s.exitCode, pid: s.pid, tty: s.tty };
    return [join(this.dir(s.containerId), `${s.id}.session.json`), JSON.stringify(file)];
  }

  private persist(s: ExecSession): void {
    const [path, text] = this.sessionFile(s);
    // No fsync: losing it in a host crash loses nothing that still runs.
    try { writeFileSync(path, text, { mode: 0o600 }); } catch { /* container removed */ }
  }

  /**
   * persist() without blocking: an exec's start and end answer the client first (the CLI's exec
   * inspect follows at once). Writes of one session stay in order. A berthd killed before the
   * start's write landed finds the exec's process file alone and reaps that exec (reapOrphans, or
   * reapOrphanExecShims for a shim's), as it did for a kill just before the write.
   */
  private persistLater(s: ExecSession, extra?: () => Promise<unknown>): void {
    const [path, text] = this.sessionFile(s);
    s.saving = s.saving
      .then(() => writeFile(path, text, { mode: 0o600 }))
      .catch(() => { /* container removed */ })
      .then(async () => { await extra?.(); })
      .catch(() => {});
  }

  /** Where the exec's process JSON is written: the monitor's choice, else the container's exec folder. */
  private processFile(containerId: string, execId: string, monitor: ContainerMonitor): string {
    return monitor.execProcessFile?.(execId) ?? join(this.dir(containerId), `${execId}.json`);
  }

  /** Starts the process; resolves once it runs (or failed to start). */
  async start(id: string, opts: { tty?: boolean; consoleSize?: number[] | null; detach?: boolean }): Promise<ExecSession> {
    const s = this.get(id);
    if (s.running || s.exitCode !== null) throw conflict(`Error: Exec command ${id} has already run`);
    const c = this.manager.get(s.containerId);
    if (!c.record.State.Running) throw notRunning(c.record.Id);
    const tty = opts.tty ?? s.config.Tty;
    const bundle = this.manager.store.dir(c.record.Id);
    let proc;
    try {
      proc = execProcess(bundle, c.record, s.config, tty, opts.consoleSize ?? s.config.ConsoleSize);
    } catch (e) {
      // As dockerd: a user or group missing from the image fails the exec, not the request: the
      // message in its output (CRLF) and exit code 126.
      if (!/^unable to find (user|group) /.test((e as Error).message)) throw e;
      if (opts.detach) throw new ContainerError(400, (e as Error).message); // no stream to tell it on
      return this.failedStart(c, s, tty, (e as Error).message);
    }
    const monitor = this.manager.opts.monitorFor(this.manager.runtime(c.record.Runtime));
    const file = this.processFile(c.record.Id, id, monitor);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // The session file's folder, when the process file lives elsewhere (a shim's state dir).
    if (dirname(file) !== this.dir(c.record.Id)) mkdirSync(this.dir(c.record.Id), { recursive: true });
    writeFileSync(file, JSON.stringify(proc), { mode: 0o600 }); // transient: read once by the runtime
    s.running = true;
    s.tty = tty;
    const p = await monitor.exec({ id: c.record.Id, execId: id, processJson: file, tty, openStdin: s.config.AttachStdin, ...(proc.consoleSize ? { consoleSize: proc.consoleSize } : {}) });
    s.process = p;
    s.pid = p.pid;
    this.persistLater(s);
    this.manager.emit(c.record, `exec_start: ${eventCommand(s.config.Cmd)}`, { execID: id });
    void p.exited.then((info) => this.finished(c, s, p, info));
    return s;
  }

  private failedStart(c: LiveContainer, s: ExecSession, tty: boolean, message: string): ExecSession {
    const p = new ShimProcess(0, tty, '');
    p.backlog.push(['stdout', Buffer.from(`${message}\r\n`)]);
    p.finish({ exitCode: 126, oomKilled: false, error: message });
    s.running = true;
    s.tty = tty;
    s.process = p;
    this.manager.emit(c.record, `exec_start: ${eventCommand(s.config.Cmd)}`, { execID: s.id });
    void p.exited.then((info) => this.finished(c, s, p, info));
    return s;
  }

  private finished(c: LiveContainer, s: ExecSession, p: MonitoredProcess, info: ExitInfo): void {
    s.running = false;
    s.pid = p.pid || s.pid;
    s.exitCode = info.exitCode;
    const monitor = this.manager.opts.monitorFor(this.manager.runtime(c.record.Runtime));
    const file = this.processFile(s.containerId, s.id, monitor);
    this.persistLater(s, async () => {
      // The exit is in the session file now. A process file in the monitor's state dir goes with
      // that dir (forget); one in the container's exec folder is removed by itself.
      if (!monitor.execProcessFile) await Promise.all([rm(file, { force: true }), rm(`${file}.pid`, { force: true })]);
      await monitor.forget?.(s.id);
    });
    this.manager.emit(c.record, 'exec_die', { execID: s.id, exitCode: String(info.exitCode) });
    s.markDone();
  }

  /** After a berthd restart: the sessions of every container, running ones reconnected. */
  async restore(): Promise<void> {
    for (const c of this.manager.containers.values()) {
      let files: string[];
      try { files = readdirSync(this.dir(c.record.Id)); } catch { continue; }
      this.reapOrphans(c, files);
      const names = files.filter((n) => n.endsWith('.session.json'));
      for (const name of names) {
        let saved: SessionFile;
        try { saved = JSON.parse(readFileSync(join(this.dir(c.record.Id), name), 'utf8')) as SessionFile; } catch { continue; }
        const s = newSession(saved);
        this.sessions.set(s.id, s);
        if (!s.running) { s.markDone(); continue; }
        const monitor = this.manager.opts.monitorFor(this.manager.runtime(c.record.Runtime));
        const p = await monitor.reconnectExec?.(s.id, s.tty).catch(() => null);
        if (p) {
          s.process = p;
          void p.exited.then((info) => this.finished(c, s, p, info));
          continue;
        }
        // No shim and no exit record: the exit status is lost.
        s.running = false;
        this.persist(s);
        s.markDone();
      }
    }
  }

  /**
   * `<exec id>.json` in the container's exec folder (written before the process starts, removed
   * at the session's end; berth-shim's sessions keep it in their state dir instead, see
   * reapOrphanExecShims, and berthds before that kept it here) without a session file: berthd
   * died after starting the process and before recording the session. Its monitor and process
   * are ended and their files removed; no client ever got that session's id.
   */
  private reapOrphans(c: LiveContainer, files: string[]): void {
    const present = new Set(files);
    for (const name of files) {
      const m = /^([0-9a-f]{64})\.json$/.exec(name);
      if (!m || present.has(`${m[1]}.session.json`)) continue;
      const execId = m[1]!;
      this.manager.opts.monitorFor(this.manager.runtime(c.record.Runtime)).reapOrphanExec?.(execId);
      const file = join(this.dir(c.record.Id), name);
      rmSync(file, { force: true });
      rmSync(`${file}.pid`, { force: true });
    }
  }

  /**
   * Drops a session the daemon made for itself (a health probe) once it ended and its files were
   * written: it leaves no session, no file and no ExecIDs entry behind, so probes every few
   * seconds do not pile up.
   */
  discardWhenDone(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    const drop = (): void => {
      void s.saving.then(async () => {
        this.sessions.delete(id);
        const c = this.manager.containers.get(s.containerId);
        if (c) c.record.ExecIDs = c.record.ExecIDs.filter((x) => x !== id);
        await rm(this.sessionFile(s)[0], { force: true });
      });
    };
    if (s.running) void s.done.then(drop); else drop();
  }

  /** A removed container's sessions go with it (as dockerd drops them). */
  forgetContainer(containerId: string): void {
    for (const [id, s] of this.sessions) if (s.containerId === containerId) this.sessions.delete(id);
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
