// Puts the container services into a running daemon: the manager (restored from disk at start),
// exec sessions, volumes, the image store's view of which containers use which image, and the
// routes for containers, exec and volumes.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Daemon } from '../daemon/daemon.js';
import type { Route } from '../api/context.js';
import { ContainerManager } from './manager.js';
import { ExecSessions } from './exec-sessions.js';
import { HealthMonitor } from './health/health-monitor.js';
import { InProcessMonitor } from './inprocess-monitor.js';
import { ShimMonitor } from './shim-monitor.js';
import { fileURLToPath } from 'node:url';
import { defaultSeccompProfile } from '../oci/seccomp-default.js';
import { BerthImageAccess } from './image-access-berth.js';
import { VolumeStore } from '../volumes/volume-store.js';
import type { ContainerServices } from './services.js';
import type { RuntimeCli } from './runtime-cli.js';
import type { ContainerMonitor } from './monitor.js';
import { containerRoutes } from '../api/routes/containers.js';
import { containerIoRoutes } from '../api/routes/containers-io.js';
import { execRoutes } from '../api/routes/exec.js';
import { containerFsRoutes } from '../api/routes/containers-fs.js';
import { volumeRoutes } from '../api/routes/volumes.js';
import { reapOrphanExecShims } from './orphan-shim.js';
import { bridgeOf } from '../network/bridge/bridge-of.js';
import { claimShimStateRoot, releaseShimStateRoot, removeOrphanedShimStateRoots, removeStaleShimStateDirs, shimStateRoot } from './shim-state-dirs.js';

export function installContainers(daemon: Daemon): Route[] {
  const dataRoot = daemon.config.dataRoot;
  const images = new BerthImageAccess(daemon.images);
  const volumes = new VolumeStore(join(dataRoot, 'volumes'));
  const runtimes = Object.fromEntries(Object.entries(daemon.runtimes).map(([n, r]) => [n, r.path]));
  const monitors = new Map<string, ContainerMonitor>();
  const shim = shimBinary();
  const shimRoot = shimStateRoot(daemon.config.execRoot, dataRoot);
  if (!shim) daemon.log.warn('berth-shim is not built: containers run under berthd itself and stop with it');
  const manager = new ContainerManager({
    dataRoot, images, volumes, events: daemon.events, runtimes,
    defaultRuntime: daemon.config.defaultRuntime in runtimes || daemon.config.defaultRuntime.startsWith('/') ? daemon.config.defaultRuntime : (Object.keys(runtimes)[0] ?? 'crun'),
    monitorFor: (rt: RuntimeCli) => {
      let m = monitors.get(rt.binary);
      if (!m) {
        m = shim ? new ShimMonitor(shim, rt, shimRoot) : new InProcessMonitor(rt);
        monitors.set(rt.binary, m);
      }
      return m;
    },
    seccompProfile: (capabilities: string[]) => defaultSeccompProfile({ capabilities }),
    ...(existsSync('/usr/bin/docker-init') ? { initBinary: '/usr/bin/docker-init' } : {}),
    ...(daemon.config.cgroupParent ? { cgroupParent: daemon.config.cgroupParent } : {}),
    bridge: bridgeOf(daemon),
  });
  const execs = new ExecSessions(manager);
  const health = new HealthMonitor(manager, execs);
  const services: ContainerServices = { manager, execs, volumes, images };
  daemon.events.subscribe((e) => { if (e.Type === 'container' && e.Action === 'destroy') execs.forgetContainer(e.Actor.ID); });
  (daemon as unknown as { containers: ContainerServices }).containers = services;
  daemon.images.containers = {
    usersOfImage: (id) => [...manager.containers.values()].filter((c) => c.record.Image === id).map((c) => ({ containerId: c.record.Id, running: c.record.State.Running })),
    counts: () => {
      const all = [...manager.containers.values()].map((c) => c.record.State);
      return { total: all.length, running: all.filter((s) => s.Running && !s.Paused).length, paused: all.filter((s) => s.Paused).length, stopped: all.filter((s) => !s.Running).length };
    },
  };
  // POST /commit (the image store's route) asks us which snapshot and config a container has.
  const imageVolumes = (id: string): Record<string, unknown> | undefined => {
    try { return daemon.images.images.get(id).config.config?.Volumes ?? undefined; } catch { return undefined; }
  };
  daemon.hooks.containerForCommit = async (ref: string) => {
    let c;
    try { c = manager.get(ref); } catch { return undefined; }
    // Create may have left the snapshot mounting; the commit reads its upper directory.
    await manager.prepareSnapshot(c);
    const cfg = c.record.Config;
    return {
      containerId: c.record.Id, snapshotKey: c.record.SnapshotKey, imageId: c.record.Image,
      name: c.record.Name.replace(/^\//, ''), image: c.record.ImageRef, labels: cfg.Labels ?? {},
      freeze: async () => {
        const id = c.record.Id;
        if (!c.record.State.Running || c.record.State.Paused) return async () => {};
        await manager.pause(id);
        return async () => { await manager.unpause(id); };
      },
      // As dockerd: the container's whole config (its hostname, attach flags, image name too),
      // with its image's volumes, which dockerd's container config carries.
      config: { ...cfg, Image: c.record.ImageRef, Env: cfg.Env ?? null, Cmd: cfg.Cmd ?? null, Entrypoint: cfg.Entrypoint ?? null, Labels: cfg.Labels ?? null, Volumes: (cfg.Volumes ?? imageVolumes(c.record.Image) ?? null) as Record<string, Record<string, never>> | null },
    };
  };
  daemon.addService({ name: 'containers', start: async () => {
    try { claimShimStateRoot(daemon.config.execRoot, dataRoot); } catch (err) { daemon.log.warn({ err, dir: shimRoot }, 'cannot make the shim state folder'); }
    for (const p of await manager.restore()) daemon.log.warn({ err: p.err, container: p.id }, `container ${p.name}: ${p.what}`);
    await execs.restore();
    health.install((listener) => daemon.events.subscribe(listener));
    // Only now is it known which state dirs restore still needs (no await in between).
    const reaped = shim ? reapOrphanExecShims(shimRoot, execs.sessions.keys()) : [];
    if (reaped.length) daemon.log.warn({ dirs: reaped }, 'ended exec sessions whose start berthd never recorded');
    const removed = removeStaleShimStateDirs(shimRoot, [...manager.containers.keys(), ...execs.sessions.keys()]);
    const orphaned = removeOrphanedShimStateRoots(daemon.config.execRoot, shimRoot);
    if (removed.length || orphaned.length) daemon.log.info({ removed: removed.length, dir: shimRoot, orphanedFolders: orphaned }, 'removed stale shim state dirs');
  }, stop: () => { releaseShimStateRoot(shimRoot); } });
  return [...containerRoutes, ...containerIoRoutes, ...containerFsRoutes, ...execRoutes, ...volumeRoutes];
}

/** berth-shim from the native build (BERTH_SHIM overrides; BERTH_SHIM=none uses the in-process monitor). */
function shimBinary(): string | undefined {
  const env = process.env.BERTH_SHIM;
  if (env === 'none') return undefined;
  const path = env ?? fileURLToPath(new URL('../../native/build/berth-shim', import.meta.url));
  return existsSync(path) ? path : undefined;
}
