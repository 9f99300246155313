// Starting a container's process: config.json from the record, then the monitor (berth-shim)
// runs the runtime. Used by start, restart and the restart policy.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nowNano, ZERO_TIME } from './record.js';
import { conflict, ContainerError } from './errors.js';
import { resolveInRoot } from './safe-path.js';
import { checkExecutable } from './check-executable.js';
import { attachProcess } from './exits.js';
import { publishPorts, releasePorts } from '../network/ports/container-ports.js';
import { volumesMounted } from './volume-events.js';
import { translateToOci } from '../oci/from-docker-config.js';
import { hostCapabilities, swapLimitSupported } from './host-features.js';
import { joinedContainer, type JoinedPids } from '../oci/host-options.js';
import { logSettings } from './log-config.js';
import { mountShareableShm, shmPath } from './ipc-shm.js';
import { populateVolumes } from './volume-populate.js';
import type { ContainerRecord } from './record.js';
import type { LiveContainer } from './live-container.js';
import type { ContainerManager } from './manager.js';
import type { MonitoredProcess } from './monitor.js';

export async function launch(m: ContainerManager, c: LiveContainer): Promise<void> {
  const r = c.record;
  const runtime = m.runtime(r.Runtime);
  const monitor = m.opts.monitorFor(runtime);
  if (c.runtimeCleanup) await c.runtimeCleanup;
  const snap = await m.prepareSnapshot(c);
  r.Rootfs = snap.rootfs;
  r.UpperDir = snap.upperDir;
  // Volumes created with options (tmpfs, bind, a device) are mounted now, before the runtime binds
  // them, and are not filled from the image (dockerd's copy into them is lost or lands in the device).
  const localMounts = m.opts.volumes.mounts;
  await localMounts.acquire(r.Id, r.Mounts);
  let proc: MonitoredProcess;
  try {
    await populateVolumes(snap.rootfs, r.Mounts.filter((x) => !localMounts.isLocalMount(x)));
    const joined = joinedPids(m, r.HostConfig);
    const shmSource = await shareableShmFor(m, r);
    const spec = translateToOci({
      id: r.Id, config: r.Config, hostConfig: r.HostConfig, rootfs: snap.rootfs, mounts: localMounts.withMountFlags(r.Mounts),
      etcFiles: { hostname: r.HostnamePath, hosts: r.HostsPath, resolvConf: r.ResolvConfPath },
      hostCapabilities: hostCapabilities(), cgroupsPath: m.cgroupsPath(r.Id), swapLimitSupported: swapLimitSupported(),
      joined, ...(shmSource ? { shmSource } : {}),
      ...(m.opts.seccompProfile ? { seccompProfile: m.opts.seccompProfile } : {}),
      ...(m.opts.initBinary ? { initBinary: m.opts.initBinary } : {}),
    });
    if (!monitor.runtimeTerminal) spec.process!.terminal = false;
    // Docker creates a missing working directory; the lookup stays inside the root.
    const cwd = resolveInRoot(snap.rootfs, spec.process!.cwd);
    if (!existsSync(cwd)) mkdirSync(cwd, { recursive: true });
    // With --init the first argument is the bind-mounted init; the user's command follows '--'.
    const userArgs = r.HostConfig.Init && m.opts.initBinary ? spec.process!.args.slice(2) : spec.process!.args;
    checkExecutable(snap.rootfs, userArgs[0]!, spec.process!.env ?? []);
    const bundle = m.store.dir(r.Id);
    // Regenerated on every start, so no fsync: a crash before start leaves nothing to keep.
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec), { mode: 0o600 });
    if (existsSync(join(runtime.stateRoot, r.Id))) await runtime.delete(r.Id).catch(() => {}); // a stale stopped container
    const exitFile = join(bundle, 'exit.json');
    let published = false;
    const records = (): ContainerRecord[] => [...m.containers.values()].map((x) => x.record);
    proc = await monitor.start({
      id: r.Id, bundle, tty: r.Config.Tty, openStdin: r.Config.OpenStdin, stdinOnce: r.Config.StdinOnce,
      logPath: r.LogPath, exitFile, cgroupMemoryPath: m.cgroupsPath(r.Id), ...logRotation(r.HostConfig.LogConfig),
      ...(spec.process!.consoleSize ? { consoleSize: spec.process!.consoleSize } : {}),
      // The bridge's eth0 and the published ports: after the runtime's create, before the start.
      beforeStart: async (pid: number) => { await connectBridge(m, r, pid, bundle); await publishPorts(r, pid, bundle, records()); published = true; },
    });
    if (!proc.pid) {
      await releasePorts(r);
      m.opts.bridge?.disconnect(r);
      const info = await proc.exited;
      await runtime.delete(r.Id).catch(() => {});
      throw new ContainerError(500, `failed to create task for container: OCI runtime create failed: ${info.error ?? 'unknown error'}`);
    }
    // A monitor that starts in one step (the in-process one): the ports right after the start.
    if (!published) {
      const pid = proc.pid;
      await connectBridge(m, r, pid, bundle).then(() => publishPorts(r, pid, bundle, records())).catch(async (e: unknown) => { m.opts.bridge?.disconnect(r); await runtime.delete(r.Id).catch(() => {}); throw e; });
    }
  } catch (e) {
    await localMounts.release(r.Id); // a failed start leaves nothing mounted
    throw e;
  }
  attachProcess(m, c, proc);
  r.State = { ...r.State, Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: proc.pid, ExitCode: 0, Error: '', StartedAt: nowNano(), FinishedAt: ZERO_TIME };
  m.save(c);
  volumesMounted(m.opts.events, r);
  m.emit(r, 'start');
}

/** A bridge-mode container's eth0 on berthd's bridge (--bridge), its interfaces on user
 * networks, and its /etc/hosts (rewritten in place: the file is bound into the container). */
async function connectBridge(m: ContainerManager, r: ContainerRecord, pid: number, bundle: string): Promise<void> {
  await m.opts.bridge?.plugAll(r, pid, bundle);
}

/** The inits of the running containers whose namespaces this one joins (--network, --pid, --ipc container:ID). */
function joinedPids(m: ContainerManager, hc: ContainerRecord['HostConfig']): JoinedPids {
  const pidOf = (mode: string, what: string): number | undefined => {
    const name = joinedContainer(mode);
    if (name === undefined) return undefined;
    const other = m.get(name).record;
    if (!other.State.Running) throw conflict(`cannot join ${what} of a non running container: ${other.Id}`);
    return other.State.Pid;
  };
  const out: JoinedPids = {};
  const network = pidOf(hc.NetworkMode, 'network');
  const pid = pidOf(hc.PidMode ?? '', 'PID namespace');
  const ipc = pidOf(hc.IpcMode ?? '', 'IPC namespace');
  if (network) out.network = network;
  if (pid) out.pid = pid;
  if (ipc) out.ipc = ipc;
  return out;
}

/** The host tmpfs bound as /dev/shm under --ipc shareable (mounted now) or container:<donor>. */
async function shareableShmFor(m: ContainerManager, r: ContainerRecord): Promise<string | undefined> {
  const mode = r.HostConfig.IpcMode ?? '';
  if (mode === 'shareable') return mountShareableShm(m.store.dir(r.Id), r.HostConfig.ShmSize);
  const donorName = joinedContainer(mode);
  if (donorName === undefined) return undefined;
  const donor = m.get(donorName).record;
  if (donor.HostConfig.IpcMode === 'host') return '/dev/shm';
  if (donor.HostConfig.IpcMode !== 'shareable') throw conflict(`can't join IPC of container ${donor.Id}: non-shareable IPC (hint: use IpcMode:shareable for the donor container)`);
  return shmPath(m.store.dir(donor.Id));
}

/** --log-opt max-size / max-file for the shim. */
function logRotation(cfg: ContainerRecord['HostConfig']['LogConfig']): { logMaxSize?: number; logMaxFiles?: number } {
  const s = logSettings(cfg);
  return s.maxSize ? { logMaxSize: s.maxSize, logMaxFiles: s.maxFiles } : {};
}
