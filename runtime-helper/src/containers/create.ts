// docker create: validates the whole request before anything is written, then makes the
// container's directory, snapshot, mounts and /etc files and records it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname as osHostname } from 'node:os';
import type { DockerCreateBody } from './docker-types.js';
import { hostConfigSchema } from './docker-types.js';
import { initialState, nowNano, type ContainerRecord } from './record.js';
import { conflict, ContainerError, invalid } from './errors.js';
import { generateName, isValidName, newId } from './names.js';
import { resolveMounts } from './mounts.js';
import { volumeCreated } from './volume-events.js';
import { mergeImageConfig } from './image-config-merge.js';
import { validateRestartPolicy } from './restart-policy.js';
import { checkPortsForNetworkMode, exposedPorts } from '../network/ports/bindings.js';
import { InvalidConfigError, translateToOci } from '../oci/from-docker-config.js';
import { HostOptionError, joinedContainer, validateModes } from '../oci/host-options.js';
import { hostsFile, resolvConf } from './etc-files.js';
import { formatIpv4 } from '../network/bridge/cidr.js';
import { findUserNetwork, userEndpointsAtCreate } from '../network/user/create-endpoint.js';
import { logSettings } from './log-config.js';
import { validateHealthcheck } from './health/health-config.js';
import { blkioDevices, weightDeviceSupported } from '../oci/blkio-devices.js';
import { assertVolumeName, type VolumeStore } from '../volumes/volume-store.js';
import { hostCapabilities, swapLimitSupported } from './host-features.js';
import type { LiveContainer } from './live-container.js';
import type { ContainerManager } from './manager.js';

export async function createContainer(m: ContainerManager, body: DockerCreateBody, name: string | undefined): Promise<{ Id: string; Warnings: string[] }> {
  // dockerd's order: the settings, then the image, then the command, then the name.
  const hc = body.HostConfig ?? hostConfigSchema.parse({});
  validateRestartPolicy(hc.RestartPolicy);
  const portWarnings = checkPortsForNetworkMode(hc, body.ExposedPorts as Record<string, unknown> | undefined);
  const runtimeName = hc.Runtime || m.opts.defaultRuntime;
  m.runtime(runtimeName); // validates the name
  if (!body.Image) throw invalid('Config.Image: an image is required');
  const image = await m.opts.images.resolve(body.Image);
  if (!image) throw new ContainerError(404, `No such image: ${body.Image.includes(':') || body.Image.includes('@') ? body.Image : `${body.Image}:latest`}`);
  const config = mergeImageConfig(body, image.config);
  // As dockerd: the image's exposed ports, the request's and every published one.
  const exposed = exposedPorts((image.config as { ExposedPorts?: unknown }).ExposedPorts, body.ExposedPorts, hc);
  if (exposed) config.ExposedPorts = exposed; else delete config.ExposedPorts;
  if (!config.Entrypoint?.length && !config.Cmd?.length) throw invalid('No command specified');
  const badHealthcheck = validateHealthcheck(config.Healthcheck);
  if (badHealthcheck) throw invalid(badHealthcheck);
  if (name !== undefined && name !== '') {
    if (!isValidName(name)) throw invalid(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const full = name.startsWith('/') ? name : `/${name}`;
    const owner = m.byName(full);
    if (owner) throw conflict(`Conflict. The container name "${full}" is already in use by container "${owner.record.Id}". You have to remove (or rename) that container to be able to reuse that name.`);
  }
  try {
    validateModes(hc, config.Hostname);
  } catch (e) {
    if (e instanceof HostOptionError) throw invalid(e.message);
    throw e;
  }
  for (const mode of [hc.PidMode, hc.IpcMode]) {
    const other = joinedContainer(mode);
    if (other !== undefined) m.get(other); // 404 No such container, as dockerd
  }
  const log = logSettings(hc.LogConfig);
  checkLinks(m, hc);
  if (hc.CgroupParent && hc.CgroupParent.split('/').includes('..')) throw invalid(`invalid cgroup parent "${hc.CgroupParent}": it must not climb out with '..'`);
  let warnings: string[];
  try {
    warnings = [...createWarnings(hc), ...blkioDevices(hc, weightDeviceSupported()).warnings];
  } catch (e) {
    if (e instanceof HostOptionError) throw invalid(e.message);
    throw e;
  }
  const id = newId();
  // As dockerd: the hostname is set at create (the host's under --network host or --uts host),
  // and a pids limit of 0 or -1 (unlimited) is kept as none.
  if (!config.Hostname) config.Hostname = hc.NetworkMode === 'host' || hc.UTSMode === 'host' ? osHostname() : id.slice(0, 12);
  if (hc.PidsLimit !== undefined && hc.PidsLimit !== null && hc.PidsLimit <= 0) hc.PidsLimit = null;
  const finalName = name ? (name.startsWith('/') ? name : `/${name}`) : `/${generateName((n) => m.byName(`/${n}`) !== undefined)}`;
  const userNetworks = validateNetworkMode(m, hc.NetworkMode, body.NetworkingConfig);
  // On a user network, dockerd keeps legacy links with the endpoint, not in HostConfig.
  const endpoint = userNetworks && Object.values(userNetworks)[0];
  if (endpoint && hc.Links?.length) { endpoint.Links = [...new Set([...(endpoint.Links ?? []), ...hc.Links])]; hc.Links = null; }
  const dir = m.store.dir(id);
  const record: ContainerRecord = {
    Id: id, Name: finalName, Created: nowNano(), Image: image.id, ImageRef: body.Image, Config: config, HostConfig: { ...hc, Runtime: runtimeName },
    Mounts: [], State: initialState(), RestartCount: 0, ManuallyStopped: false, Runtime: runtimeName,
    Rootfs: '', UpperDir: '', SnapshotKey: `ctr-${id}`, ExecIDs: [],
    HostnamePath: join(dir, 'hostname'), HostsPath: join(dir, 'hosts'), ResolvConfPath: join(dir, 'resolv.conf'), LogPath: log.type === 'none' ? '' : join(dir, `${id}-json.log`),
    ...(userNetworks ? { UserNetworks: userNetworks } : {}),
  };
  // Validate everything the spec needs before anything is written.
  resolveMounts(hc, null, { volumes: dryVolumes, mountsOf: (r) => m.get(r).record.Mounts });
  const etc = (() => {
    try {
      return { hosts: hostsFile(hc.NetworkMode, config.Hostname, hc.ExtraHosts ?? [], undefined, hostGatewayOf(m)), resolv: resolvConf(existsSync('/etc/resolv.conf') ? readFileSync('/etc/resolv.conf', 'utf8') : '', hc.NetworkMode, hc) };
    } catch (e) {
      if (e instanceof HostOptionError) throw invalid(e.message);
      throw e;
    }
  })();
  const joined = { network: 1, pid: 1, ipc: 1 }; // any pid: only the modes' names are checked here
  try {
    translateToOci({ id, config, hostConfig: hc, rootfs: '/nonexistent', mounts: [], hostCapabilities: hostCapabilities(), cgroupsPath: m.cgroupsPath(id, hc.CgroupParent), swapLimitSupported: swapLimitSupported(), joined });
  } catch (e) {
    if (e instanceof InvalidConfigError && !/^unable to find/i.test(e.message)) throw invalid(e.message);
    if (!(e instanceof InvalidConfigError)) throw e;
  }
  // Anonymous volumes: the image's VOLUMEs and `-v /path` (which arrives as Config.Volumes).
  const anonymous = { ...(image.config.Volumes ?? {}), ...(config.Volumes ?? {}) };
  record.Mounts = resolveMounts(hc, anonymous, { volumes: m.opts.volumes, mountsOf: (r) => m.get(r).record.Mounts, onCreated: (v) => volumeCreated(m.opts.events, v) });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const live: LiveContainer = { record, waiters: [] };
  // A user, or a --group-add name, must exist in the image: checked once the rootfs is there.
  if (config.User || (hc.GroupAdd ?? []).some((g) => !/^\d+$/.test(g))) {
    const snap = await m.prepareSnapshot(live);
    record.Rootfs = snap.rootfs;
    record.UpperDir = snap.upperDir;
    // The user must exist in the image (checked now that the rootfs is there).
    try {
      translateToOci({ id, config, hostConfig: hc, rootfs: snap.rootfs, mounts: [], hostCapabilities: hostCapabilities(), cgroupsPath: m.cgroupsPath(id, hc.CgroupParent), swapLimitSupported: swapLimitSupported(), joined });
    } catch (e) {
      await m.opts.images.remove(record.SnapshotKey).catch(() => {});
      m.store.remove(id);
      throw invalid((e as Error).message);
    }
  } else {
    // Nothing to look up in the rootfs: it is mounted while the client attaches and starts
    // (launch, cp, diff, commit and rm wait for it), which takes the mount off `docker run`'s
    // path. The paths go to disk with the next save (start's): not saving here keeps a synced
    // write off the event loop while the start is on its way.
    void m.prepareSnapshot(live, true).then((snap) => {
      record.Rootfs = snap.rootfs;
      record.UpperDir = snap.upperDir;
    }, () => { /* reported by the launch that needs it */ });
  }
  writeFileSync(record.HostnamePath, `${config.Hostname || id.slice(0, 12)}\n`);
  writeFileSync(record.HostsPath, etc.hosts);
  writeFileSync(record.ResolvConfPath, etc.resolv);
  m.containers.set(id, live);
  m.save(live);
  m.emit(record, 'create');
  return { Id: id, Warnings: [...warnings, ...portWarnings] };
}

/**
 * Legacy --link: berthd has no default bridge for a link to go through. As dockerd, a link is
 * accepted (and does nothing) under --network none; elsewhere the linked container is refused
 * the way dockerd refuses one that is not on the bridge.
 */
function checkLinks(m: ContainerManager, hc: DockerCreateBody['HostConfig'] & object): void {
  // On a user-defined network a link names the container in this one's /etc/hosts (network/user/);
  // dockerd accepts one to a container that does not exist.
  if (findUserNetwork(m.opts.bridge?.user, hc.NetworkMode)) return;
  for (const link of hc.Links ?? []) {
    const name = link.split(':')[0]!.replace(/^\//, '');
    let other: LiveContainer;
    try { other = m.get(name); } catch { throw new ContainerError(404, `could not get container for ${name}: No such container: ${name}`); }
    if (hc.NetworkMode !== 'none') throw invalid(`container ${other.record.Id} not attached to default bridge network`);
  }
}

/** --add-host's host-gateway: the bridge's address while berthd runs one (--bridge). */
function hostGatewayOf(m: ContainerManager): string | undefined {
  const s = m.opts.bridge?.active;
  return s ? formatIpv4(s.gateway.address) : undefined;
}

/** dockerd's warnings for settings that are accepted but do less than asked. */
function createWarnings(hc: DockerCreateBody['HostConfig'] & object): string[] {
  const out: string[] = [];
  // The kernel dropped kmem limits (5.16); dockerd 20.10 accepts the flag and warns.
  if (hc.KernelMemory) out.push('Specifying a kernel memory limit is deprecated and will be removed in a future release.');
  if (hc.OomKillDisable && !hc.Memory) out.push("OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.");
  return out;
}

/** The mode's container must exist; a user network's name gives the container's place on it. */
function validateNetworkMode(m: ContainerManager, mode: string, networking: unknown): ContainerRecord['UserNetworks'] {
  if (mode.startsWith('container:')) m.get(mode.slice(10));
  return userEndpointsAtCreate(m.opts.bridge?.user, mode, networking);
}

/** A volume store that only validates names: create() checks input before anything is written. */
const dryVolumes = {
  create(name: string | undefined) {
    if (name) assertVolumeName(name);
    return { volume: { Name: name ?? '', Mountpoint: '/dry-run' }, created: false };
  },
} as unknown as VolumeStore;
