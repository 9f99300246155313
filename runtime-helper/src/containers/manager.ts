// The container lifecycle: create, start, stop, kill, restart, pause, wait, remove, rename,
// and what happens when a container exits (state, events, restart policy, auto-remove).
import { existsSync, mkdirSync, readFileSync, writeFileSync, accessSync, constants as fsc, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventEmitter } from 'node:events';
import type { DockerCreateBody, DockerConfig, ImageRunConfig } from './docker-types.js';
import { ContainerStore } from './state-store.js';
import { initialState, nowNano, ZERO_TIME, type ContainerRecord } from './record.js';
import { conflict, ContainerError, invalid, notFound, notModified, notRunning } from './errors.js';
import { generateName, isValidName, newId, parseSignal } from './names.js';
import type { ImageAccess } from './image-access.js';
import type { ContainerMonitor, ExitInfo, MonitoredProcess } from './monitor.js';
import { RuntimeCli } from './runtime-cli.js';
import { resolveMounts } from './mounts.js';
import { resolveInRoot } from './safe-path.js';
import { InvalidConfigError, translateToOci } from '../oci/from-docker-config.js';
import type { OciSeccomp } from '../oci/spec.js';
import { assertVolumeName, type VolumeStore } from '../volumes/volume-store.js';
import { hostCapabilities, swapLimitSupported } from './host-features.js';

export interface EventSink {
  publish(type: 'container' | 'volume' | 'image', action: string, id: string, attributes?: Record<string, string>): unknown;
}

export interface ManagerOptions {
  dataRoot: string;
  images: ImageAccess;
  volumes: VolumeStore;
  events: EventSink;
  /** Runtime name -> binary path; `defaultRuntime` names one of them. */
  runtimes: Record<string, string>;
  defaultRuntime: string;
  monitorFor(runtime: RuntimeCli): ContainerMonitor;
  seccompProfile?: (capabilities: string[]) => OciSeccomp;
  initBinary?: string;
  cgroupParent?: string;
}

interface Waiter { condition: 'not-running' | 'next-exit' | 'removed'; resolve(v: { StatusCode: number; Error: { Message: string } | null }): void }

export interface LiveContainer {
  record: ContainerRecord;
  process?: MonitoredProcess;
  waiters: Waiter[];
  restartTimer?: NodeJS.Timeout;
  stopping?: boolean;
}

export class ContainerManager {
  readonly store: ContainerStore;
  readonly containers = new Map<string, LiveContainer>();
  private readonly runtimeClis = new Map<string, RuntimeCli>();
  /** 'started' (id, process): lets an attach made before start pick up the process. */
  readonly started = new EventEmitter();

  constructor(readonly opts: ManagerOptions) {
    this.store = new ContainerStore(join(opts.dataRoot, 'containers'));
    this.started.setMaxListeners(0);
  }

  runtime(name: string): RuntimeCli {
    const path = this.opts.runtimes[name] ?? (name.startsWith('/') ? name : undefined);
    if (!path) throw invalid(`unknown or invalid runtime name: ${name}`);
    let cli = this.runtimeClis.get(path);
    if (!cli) {
      cli = new RuntimeCli(path, join(this.opts.dataRoot, 'runtime', posix.basename(path)));
      this.runtimeClis.set(path, cli);
    }
    return cli;
  }

  cgroupsPath(id: string): string {
    return `${this.opts.cgroupParent ?? '/berth'}/${id}`;
  }

  /** By full id, name (with or without '/'), or unique id prefix. */
  get(ref: string): LiveContainer {
    const byId = this.containers.get(ref);
    if (byId) return byId;
    const name = ref.startsWith('/') ? ref : `/${ref}`;
    for (const c of this.containers.values()) if (c.record.Name === name) return c;
    if (!/^[0-9a-f]+$/.test(ref)) throw notFound(ref);
    const matches = [...this.containers.values()].filter((c) => c.record.Id.startsWith(ref));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw invalid(`multiple IDs found with provided prefix: ${ref}`);
    throw notFound(ref);
  }

  private attrs(c: ContainerRecord, extra: Record<string, string> = {}): Record<string, string> {
    return { ...(c.Config.Labels ?? {}), image: c.ImageRef, name: c.Name.slice(1), ...extra };
  }

  emit(c: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.opts.events.publish('container', action, c.Id, this.attrs(c, extra));
  }

  save(c: LiveContainer): void {
    this.store.save(c.record);
  }

  // --- create --------------------------------------------------------------------------------

  async create(body: DockerCreateBody, name: string | undefined): Promise<{ Id: string; Warnings: string[] }> {
    if (name !== undefined && name !== '') {
      if (!isValidName(name)) throw invalid(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
      const full = name.startsWith('/') ? name : `/${name}`;
      const owner = [...this.containers.values()].find((c) => c.record.Name === full);
      if (owner) throw conflict(`Conflict. The container name "${full}" is already in use by container "${owner.record.Id}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    if (!body.Image) throw invalid('Config.Image: an image is required');
    const image = await this.opts.images.resolve(body.Image);
    if (!image) throw new ContainerError(404, `No such image: ${body.Image.includes(':') || body.Image.includes('@') ? body.Image : `${body.Image}:latest`}`);
    const hc = body.HostConfig ?? (await import('./docker-types.js')).hostConfigSchema.parse({});
    const runtimeName = hc.Runtime || this.opts.defaultRuntime;
    this.runtime(runtimeName); // validates the name
    const config = mergeImageConfig(body, image.config);
    const id = newId();
    const finalName = name ? (name.startsWith('/') ? name : `/${name}`) : `/${generateName((n) => [...this.containers.values()].some((c) => c.record.Name === `/${n}`))}`;
    this.validateNetworkMode(hc.NetworkMode);
    const dir = this.store.dir(id);
    const record: ContainerRecord = {
      Id: id, Name: finalName, Created: nowNano(), Image: image.id, ImageRef: body.Image, Config: config, HostConfig: { ...hc, Runtime: runtimeName },
      Mounts: [], State: initialState(), RestartCount: 0, ManuallyStopped: false, Runtime: runtimeName,
      Rootfs: '', UpperDir: '', SnapshotKey: `ctr-${id}`, ExecIDs: [],
      HostnamePath: join(dir, 'hostname'), HostsPath: join(dir, 'hosts'), ResolvConfPath: join(dir, 'resolv.conf'), LogPath: join(dir, `${id}-json.log`),
    };
    // Validate everything the spec needs before anything is written.
    resolveMounts(hc, null, { volumes: dryVolumes, mountsOf: (r) => this.get(r).record.Mounts });
    try {
      translateToOci({ id, config, hostConfig: hc, rootfs: '/nonexistent', mounts: [], hostCapabilities: hostCapabilities(), cgroupsPath: this.cgroupsPath(id), swapLimitSupported: swapLimitSupported(), networkContainerPid: 1 });
    } catch (e) {
      if (e instanceof InvalidConfigError && !e.message.startsWith('unable to find')) throw invalid(e.message);
      if (!(e instanceof InvalidConfigError)) throw e;
    }
    // Anonymous volumes: the image's VOLUMEs and `-v /path` (which arrives as Config.Volumes).
    const anonymous = { ...(image.config.Volumes ?? {}), ...(config.Volumes ?? {}) };
    record.Mounts = resolveMounts(hc, anonymous, { volumes: this.opts.volumes, mountsOf: (r) => this.get(r).record.Mounts });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const snap = await this.opts.images.prepare(record.SnapshotKey, image.id);
    record.Rootfs = snap.rootfs;
    record.UpperDir = snap.upperDir;
    // The user must exist in the image (checked now that the rootfs is there).
    try {
      translateToOci({ id, config, hostConfig: hc, rootfs: snap.rootfs, mounts: [], hostCapabilities: hostCapabilities(), cgroupsPath: this.cgroupsPath(id), swapLimitSupported: swapLimitSupported(), networkContainerPid: 1 });
    } catch (e) {
      await this.opts.images.remove(record.SnapshotKey).catch(() => {});
      this.store.remove(id);
      throw invalid((e as Error).message);
    }
    writeFileSync(record.HostnamePath, `${config.Hostname || id.slice(0, 12)}\n`);
    writeFileSync(record.HostsPath, `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${hc.NetworkMode === 'host' ? '' : `127.0.1.1\t${config.Hostname || id.slice(0, 12)}\n`}`);
    writeFileSync(record.ResolvConfPath, hc.NetworkMode === 'host' && existsSync('/etc/resolv.conf') ? readFileSync('/etc/resolv.conf') : '');
    const live: LiveContainer = { record, waiters: [] };
    this.containers.set(id, live);
    this.save(live);
    this.emit(record, 'create');
    return { Id: id, Warnings: [] };
  }

  private validateNetworkMode(mode: string): void {
    if (['', 'default', 'bridge', 'none', 'host'].includes(mode)) return;
    if (mode.startsWith('container:')) { this.get(mode.slice(10)); return; }
    throw new ContainerError(404, `network ${mode} not found`);
  }

  // --- start ---------------------------------------------------------------------------------

  async start(ref: string): Promise<void> {
    const c = this.get(ref);
    const r = c.record;
    if (r.State.Running) throw notModified();
    if (r.State.Status === 'removing') throw conflict(`container ${r.Id} is marked for removal and cannot be started`);
    if (c.restartTimer) { clearTimeout(c.restartTimer); c.restartTimer = undefined; }
    r.ManuallyStopped = false;
    try {
      await this.launch(c);
    } catch (e) {
      r.State.Error = (e as Error).message;
      const msg = (e as Error).message;
      r.State.ExitCode = /executable file not found|no such file/.test(msg) ? 127 : /permission denied/.test(msg) ? 126 : 128;
      if (r.HostConfig.AutoRemove) await this.remove(r.Id, { force: true, volumes: true }).catch(() => {});
      else this.save(c);
      throw e;
    }
  }

  private async launch(c: LiveContainer): Promise<void> {
    const r = c.record;
    const runtime = this.runtime(r.Runtime);
    const monitor = this.opts.monitorFor(runtime);
    const snap = await this.opts.images.prepare(r.SnapshotKey, r.Image);
    r.Rootfs = snap.rootfs;
    let networkContainerPid: number | undefined;
    if (r.HostConfig.NetworkMode.startsWith('container:')) {
      const other = this.get(r.HostConfig.NetworkMode.slice(10)).record;
      if (!other.State.Running) throw conflict(`cannot join network of a non running container: ${other.Id}`);
      networkContainerPid = other.State.Pid;
    }
    const spec = translateToOci({
      id: r.Id, config: r.Config, hostConfig: r.HostConfig, rootfs: snap.rootfs, mounts: r.Mounts,
      etcFiles: { hostname: r.HostnamePath, hosts: r.HostsPath, resolvConf: r.ResolvConfPath },
      hostCapabilities: hostCapabilities(), cgroupsPath: this.cgroupsPath(r.Id), swapLimitSupported: swapLimitSupported(),
      ...(networkContainerPid ? { networkContainerPid } : {}),
      ...(this.opts.seccompProfile ? { seccompProfile: this.opts.seccompProfile } : {}),
      ...(this.opts.initBinary ? { initBinary: this.opts.initBinary } : {}),
    });
    if (!monitor.runtimeTerminal) spec.process!.terminal = false;
    // Docker creates a missing working directory; the lookup stays inside the root.
    const cwd = resolveInRoot(snap.rootfs, spec.process!.cwd);
    if (!existsSync(cwd)) mkdirSync(cwd, { recursive: true });
    // With --init the first argument is the bind-mounted init; the user's command follows '--'.
    const userArgs = r.HostConfig.Init && this.opts.initBinary ? spec.process!.args.slice(2) : spec.process!.args;
    checkExecutable(snap.rootfs, userArgs[0]!, spec.process!.env ?? []);
    const bundle = this.store.dir(r.Id);
    // Regenerated on every start, so no fsync: a crash before start leaves nothing to keep.
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec), { mode: 0o600 });
    if (existsSync(join(runtime.stateRoot, r.Id))) await runtime.delete(r.Id).catch(() => {}); // a stale stopped container
    const exitFile = join(bundle, 'exit.json');
    const proc = await monitor.start({
      id: r.Id, bundle, tty: r.Config.Tty, openStdin: r.Config.OpenStdin, stdinOnce: r.Config.StdinOnce,
      logPath: r.LogPath, exitFile, cgroupMemoryPath: this.cgroupsPath(r.Id),
      ...(spec.process!.consoleSize ? { consoleSize: spec.process!.consoleSize } : {}),
    });
    if (!proc.pid) {
      const info = await proc.exited;
      await runtime.delete(r.Id).catch(() => {});
      throw new ContainerError(500, `failed to create task for container: OCI runtime create failed: ${info.error ?? 'unknown error'}`);
    }
    this.attachProcess(c, proc);
    r.State = { ...r.State, Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: proc.pid, ExitCode: 0, Error: '', StartedAt: nowNano(), FinishedAt: ZERO_TIME };
    this.save(c);
    this.emit(r, 'start');
  }

  attachProcess(c: LiveContainer, proc: MonitoredProcess): void {
    c.process = proc;
    this.started.emit('started', c.record.Id, proc);
    void proc.exited.then((info) => this.onExit(c, proc, info));
  }

  private async onExit(c: LiveContainer, proc: MonitoredProcess, info: ExitInfo): Promise<void> {
    if (c.process !== proc) return;
    const r = c.record;
    c.process = undefined;
    const rt = this.runtime(r.Runtime);
    if (existsSync(join(rt.stateRoot, r.Id))) await rt.delete(r.Id).catch(() => {});
    r.State = { ...r.State, Status: 'exited', Running: false, Paused: false, Restarting: false, Pid: 0, ExitCode: info.exitCode, OOMKilled: info.oomKilled, FinishedAt: nowNano(), Error: info.error && !proc.pid ? info.error : '' };
    if (info.oomKilled) this.emit(r, 'oom');
    this.emit(r, 'die', { exitCode: String(info.exitCode) });
    const stoppedByUser = c.stopping || r.ManuallyStopped;
    const restart = !stoppedByUser && this.shouldRestart(r, info.exitCode);
    if (restart) { r.State.Restarting = true; r.State.Status = 'restarting'; }
    const autoRemove = !restart && r.HostConfig.AutoRemove;
    if (this.containers.has(r.Id) && !autoRemove) this.save(c);
    this.notify(c, 'next-exit');
    if (restart) {
      const delay = Math.min(100 * 2 ** Math.min(r.RestartCount, 10), 60_000);
      c.restartTimer = setTimeout(() => {
        c.restartTimer = undefined;
        if (!this.containers.has(r.Id) || r.ManuallyStopped) return;
        r.RestartCount++;
        this.launch(c).then(() => this.emit(r, 'restart')).catch((e: Error) => {
          r.State = { ...r.State, Status: 'exited', Restarting: false, Error: e.message };
          this.save(c);
        });
      }, delay);
    } else if (r.HostConfig.AutoRemove && this.containers.has(r.Id)) {
      await this.remove(r.Id, { force: true, volumes: true }).catch(() => {});
    }
  }

  private shouldRestart(r: ContainerRecord, exitCode: number): boolean {
    const p = r.HostConfig.RestartPolicy;
    switch (p.Name) {
      case 'always': case 'unless-stopped': return true;
      case 'on-failure': return exitCode !== 0 && (!p.MaximumRetryCount || r.RestartCount < p.MaximumRetryCount);
      default: return false;
    }
  }

  private notify(c: LiveContainer, event: 'next-exit' | 'removed'): void {
    const code = c.record.State.ExitCode;
    const err = null; // Docker reports start failures through start, not wait
    c.waiters = c.waiters.filter((w) => {
      const fire = event === 'removed' || w.condition !== 'removed';
      if (fire) w.resolve({ StatusCode: code, Error: err });
      return !fire;
    });
  }

  // --- wait, stop, kill, restart, pause --------------------------------------------------------

  wait(ref: string, condition: 'not-running' | 'next-exit' | 'removed'): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
    const c = this.get(ref);
    const r = c.record;
    if (condition === 'not-running' && !r.State.Running && !r.State.Restarting) {
      return Promise.resolve({ StatusCode: r.State.ExitCode, Error: null });
    }
    return new Promise((resolve) => c.waiters.push({ condition, resolve }));
  }

  async kill(ref: string, signal = 'KILL'): Promise<void> {
    const c = this.get(ref);
    const sig = parseSignal(signal);
    if (sig === null) throw invalid(`Invalid signal: ${signal}`);
    if (!c.record.State.Running) throw conflict(`Cannot kill container: ${ref}: Container ${c.record.Id} is not running`);
    const exited = sig === 9 ? this.wait(c.record.Id, 'next-exit') : undefined;
    await this.signal(c, sig);
    this.emit(c.record, 'kill', { signal: String(sig) });
    // Like Docker, a SIGKILL returns once the container is gone.
    if (exited) await Promise.race([exited, sleep(10_000)]);
  }

  private async signal(c: LiveContainer, sig: number): Promise<void> {
    const r = c.record;
    if (r.State.Paused && (sig === 9 || sig === 15)) await this.runtime(r.Runtime).resume(r.Id).catch(() => {});
    try {
      await this.runtime(r.Runtime).kill(r.Id, String(sig), sig === 9);
    } catch (e) {
      if (r.State.Pid) { try { process.kill(r.State.Pid, sig); return; } catch { /* gone */ } }
      if (c.process || r.State.Running) throw e;
    }
  }

  async stop(ref: string, timeoutSec?: number, signal?: string): Promise<void> {
    const c = this.get(ref);
    const r = c.record;
    r.ManuallyStopped = true;
    if (c.restartTimer) { clearTimeout(c.restartTimer); c.restartTimer = undefined; r.State.Restarting = false; r.State.Status = 'exited'; this.save(c); }
    if (!r.State.Running) throw notModified();
    const sig = parseSignal(signal || r.Config.StopSignal || 'TERM') ?? 15;
    const t = timeoutSec ?? r.Config.StopTimeout ?? 10;
    c.stopping = true;
    try {
      const exited = this.wait(r.Id, 'next-exit');
      this.emit(r, 'kill', { signal: String(sig) });
      await this.signal(c, sig).catch(() => {});
      const done = t < 0 ? await exited.then(() => true) : await Promise.race([exited.then(() => true), sleep(t * 1000).then(() => false)]);
      if (!done) {
        this.emit(r, 'kill', { signal: '9' });
        await this.signal(c, 9).catch(() => {});
        await Promise.race([exited, sleep(10_000)]);
      }
    } finally {
      c.stopping = false;
    }
    this.save(c);
    this.emit(r, 'stop');
  }

  async restart(ref: string, timeoutSec?: number, signal?: string): Promise<void> {
    const c = this.get(ref);
    if (c.record.State.Running) await this.stop(ref, timeoutSec, signal).catch((e) => { if (!(e instanceof ContainerError && e.status === 304)) throw e; });
    c.record.ManuallyStopped = false;
    await this.launch(c);
    this.emit(c.record, 'restart');
  }

  async pause(ref: string): Promise<void> {
    const c = this.get(ref);
    const r = c.record;
    if (!r.State.Running) throw conflict(`Container ${r.Id} is not running`);
    if (r.State.Paused) throw conflict(`Container ${r.Id} is already paused`);
    await this.runtime(r.Runtime).pause(r.Id);
    await this.waitFrozen(r.Id);
    r.State.Paused = true;
    r.State.Status = 'paused';
    this.save(c);
    this.emit(r, 'pause');
  }

  /** Some runtimes return while the v1 freezer still says FREEZING; pause means stopped. */
  private async waitFrozen(id: string): Promise<void> {
    const file = `/sys/fs/cgroup/freezer${this.cgroupsPath(id)}/freezer.state`;
    for (let i = 0; i < 200; i++) {
      let state: string;
      try { state = readFileSync(file, 'utf8').trim(); } catch { return; } // v2: the runtime waits on cgroup.events
      if (state === 'FROZEN') return;
      await sleep(10);
    }
    throw new ContainerError(500, `pause ${id}: the freezer did not reach FROZEN within 2s`);
  }

  async unpause(ref: string): Promise<void> {
    const c = this.get(ref);
    const r = c.record;
    if (!r.State.Paused) throw conflict(`Container ${r.Id} is not paused`);
    await this.runtime(r.Runtime).resume(r.Id);
    r.State.Paused = false;
    r.State.Status = 'running';
    this.save(c);
    this.emit(r, 'unpause');
  }

  // --- remove, rename, resize ------------------------------------------------------------------

  async remove(ref: string, opts: { force: boolean; volumes: boolean }): Promise<void> {
    const c = this.get(ref);
    const r = c.record;
    if (r.State.Status === 'removing') return;
    if (r.State.Running && !opts.force) {
      throw conflict(`You cannot remove a ${r.State.Paused ? 'paused' : 'running'} container ${r.Id}. ${r.State.Paused ? 'Unpause and then stop' : 'Stop'} the container before attempting removal or force remove`);
    }
    if (c.restartTimer) { clearTimeout(c.restartTimer); c.restartTimer = undefined; }
    r.ManuallyStopped = true;
    if (r.State.Running) {
      c.stopping = true;
      const exited = this.wait(r.Id, 'next-exit');
      await this.signal(c, 9).catch(() => {});
      await Promise.race([exited, sleep(10_000)]);
    }
    r.State.Status = 'removing';
    this.containers.delete(r.Id);
    // The container is gone for the API from here; `wait --condition removed` need not wait for
    // the unmount and the deletes below (DELETE itself still does).
    this.notify(c, 'removed');
    if (existsSync(join(this.runtime(r.Runtime).stateRoot, r.Id))) await this.runtime(r.Runtime).delete(r.Id).catch(() => {});
    this.opts.monitorFor(this.runtime(r.Runtime)).forget?.(r.Id);
    try {
      await this.opts.images.remove(r.SnapshotKey);
      this.store.remove(r.Id);
    } catch (e) {
      // Never delete a directory that may still have a mount in it; keep the record for a retry.
      r.State.Status = 'dead';
      r.State.Dead = true;
      r.State.Error = `remove: ${(e as Error).message}`;
      this.containers.set(r.Id, c);
      this.save(c);
      throw new ContainerError(500, `unable to remove filesystem for ${r.Id}: ${(e as Error).message}`);
    }
    if (opts.volumes) {
      for (const m of r.Mounts) {
        if (m.type === 'volume' && m.name && this.opts.volumes.get(m.name)?.Anonymous && !this.volumeInUse(m.name)) {
          try { this.opts.volumes.remove(m.name); this.opts.events.publish('volume', 'destroy', m.name, { driver: 'local' }); } catch { /* gone */ }
        }
      }
    }
    this.emit(r, 'destroy');
  }

  volumeInUse(name: string): boolean {
    return [...this.containers.values()].some((c) => c.record.Mounts.some((m) => m.name === name));
  }

  rename(ref: string, newName: string): void {
    const c = this.get(ref);
    if (!newName) throw invalid('Neither old nor new names may be empty');
    if (!isValidName(newName)) throw invalid(`Invalid container name (${newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const full = newName.startsWith('/') ? newName : `/${newName}`;
    const owner = [...this.containers.values()].find((x) => x.record.Name === full);
    if (owner) throw conflict(`Error when allocating new name: Conflict. The container name "${full}" is already in use by container "${owner.record.Id}". You have to remove (or rename) that container to be able to reuse that name.`);
    const oldName = c.record.Name;
    c.record.Name = full;
    this.save(c);
    this.emit(c.record, 'rename', { oldName });
  }

  resize(ref: string, height: number, width: number): void {
    const c = this.get(ref);
    if (!c.record.State.Running || !c.process) throw notRunning(c.record.Id);
    c.process.resize(height, width);
  }

  // --- restore after a berthd restart -----------------------------------------------------------

  async restore(): Promise<void> {
    for (const record of this.store.loadAll()) {
      const c: LiveContainer = { record, waiters: [] };
      this.containers.set(record.Id, c);
    }
    for (const c of this.containers.values()) {
      const r = c.record;
      if (!r.State.Running && !r.State.Restarting) continue;
      const runtime = this.runtime(r.Runtime);
      const monitor = this.opts.monitorFor(runtime);
      const bundle = this.store.dir(r.Id);
      const exitFile = join(bundle, 'exit.json');
      const proc = await monitor.reconnect({ id: r.Id, bundle, tty: r.Config.Tty, openStdin: r.Config.OpenStdin, stdinOnce: r.Config.StdinOnce, logPath: r.LogPath, exitFile, cgroupMemoryPath: this.cgroupsPath(r.Id) }).catch(() => null);
      if (proc) { this.attachProcess(c, proc); continue; }
      const st = await runtime.state(r.Id);
      if (st && (st.status === 'running' || st.status === 'paused')) {
        // Running without a monitor we can reach: keep it manageable (stop, kill, exec).
        r.State.Pid = st.pid ?? r.State.Pid;
        r.State.Paused = st.status === 'paused';
        this.watchOrphan(c);
        continue;
      }
      let info: ExitInfo = { exitCode: 255, oomKilled: false };
      try { info = JSON.parse(readFileSync(exitFile, 'utf8')) as ExitInfo; } catch { /* no record */ }
      const fake = { pid: r.State.Pid } as MonitoredProcess;
      c.process = fake;
      await this.onExit(c, fake, info);
    }
  }

  /** Polls a container whose monitor is gone until its init exits. */
  private watchOrphan(c: LiveContainer): void {
    const timer = setInterval(() => {
      const r = c.record;
      if (!this.containers.has(r.Id)) { clearInterval(timer); return; }
      if (!r.State.Pid || !existsSync(`/proc/${r.State.Pid}`)) {
        clearInterval(timer);
        const fake = { pid: r.State.Pid } as MonitoredProcess;
        c.process = fake;
        void this.onExit(c, fake, { exitCode: 255, oomKilled: false, error: 'exit status lost: the container\'s monitor was gone' });
      }
    }, 500);
    timer.unref();
  }
}

/** A volume store that only validates names: create() checks input before anything is written. */
const dryVolumes = {
  create(name: string | undefined) {
    if (name) assertVolumeName(name);
    return { volume: { Name: name ?? '', Mountpoint: '/dry-run' }, created: false };
  },
} as unknown as VolumeStore;

/** The Docker image-config merge: user settings win; Cmd/Entrypoint inherit together. */
export function mergeImageConfig(body: DockerCreateBody, image: ImageRunConfig): DockerConfig {
  const { HostConfig: _hc, NetworkingConfig: _nc, ...config } = body;
  void _hc; void _nc;
  const merged: DockerConfig = { ...config };
  if (!merged.Entrypoint || merged.Entrypoint.length === 0) {
    if (!merged.Cmd || merged.Cmd.length === 0) merged.Cmd = image.Cmd ?? null;
    if (merged.Entrypoint === undefined || merged.Entrypoint === null) merged.Entrypoint = image.Entrypoint ?? null;
  }
  const env = [...(image.Env ?? [])];
  for (const e of merged.Env ?? []) {
    const key = e.split('=')[0];
    const i = env.findIndex((x) => x.split('=')[0] === key);
    if (i >= 0) env[i] = e; else env.push(e);
  }
  merged.Env = env;
  if (!merged.WorkingDir) merged.WorkingDir = image.WorkingDir ?? '';
  if (!merged.User) merged.User = image.User ?? '';
  if (!merged.StopSignal && image.StopSignal) merged.StopSignal = image.StopSignal;
  merged.Labels = { ...(image.Labels ?? {}), ...(merged.Labels ?? {}) };
  if (!merged.Hostname) merged.Hostname = '';
  return merged;
}

/** Docker's message when the command is missing (the CLI turns it into exit code 127). */
function checkExecutable(rootfs: string, cmd: string, env: string[]): void {
  const path = (env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':');
  const candidates = cmd.includes('/') ? [cmd] : path.map((p) => posix.join(p, cmd));
  for (const cand of candidates) {
    const host = resolveInRoot(rootfs, cand);
    try {
      const st = statSync(host);
      if (st.isFile()) {
        try { accessSync(host, fsc.X_OK); return; } catch {
          throw new ContainerError(400, `failed to create task for container: OCI runtime create failed: unable to start container process: exec: "${cmd}": permission denied: unknown`);
        }
      }
    } catch (e) { if (e instanceof ContainerError) throw e; }
  }
  const why = cmd.includes('/') ? `stat ${cmd}: no such file or directory` : `exec: "${cmd}": executable file not found in $PATH`;
  throw new ContainerError(400, `failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${why}: unknown`);
}

