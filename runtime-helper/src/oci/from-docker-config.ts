// Translates the Docker API's container Config + HostConfig into an OCI config.json, starting
// from Docker's defaults (oci/default-spec.ts). Pure except for reading the image's passwd files
// and stat'ing device nodes, so it is unit-tested against temp dirs.
import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { defaultSpec } from './default-spec.js';
import type { OciDevice, OciDeviceCgroupRule, OciMount, OciResources, OciSeccomp, OciSpec } from './spec.js';
import type { DockerConfig, DockerHostConfig, DockerResources } from '../containers/docker-types.js';
import { resolveGroups, resolveUser } from '../containers/passwd.js';
import { blkioDevices, weightDeviceSupported } from './blkio-devices.js';
import { seccompFromDockerProfile, SeccompProfileError } from './seccomp-profile.js';
import { applyIpcMounts, deviceCgroupRules, HostOptionError, namespacesFor, rejectUnsupported, rlimitsFor, sysctlsFor, validateModes, type JoinedPids } from './host-options.js';

export class InvalidConfigError extends Error {}

/** A mount already resolved by the caller (binds checked, volumes created). */
export interface ResolvedMount {
  source: string;
  destination: string;
  readOnly: boolean;
  type: 'bind' | 'volume' | 'tmpfs';
  options?: string[];
  /** The volume's name, for named and anonymous volumes. */
  name?: string;
  /** A volume left empty at start rather than given the image's content there (nocopy). */
  noCopy?: boolean;
  /** A bind's mount propagation (rprivate when not given, as Docker). */
  propagation?: string;
}

export interface TranslateInput {
  id: string;
  /** Config after merging with the image (Cmd/Entrypoint/Env/WorkingDir/User already merged). */
  config: DockerConfig;
  hostConfig: DockerHostConfig;
  rootfs: string;
  mounts: ResolvedMount[];
  /** Files Docker bind-mounts into every container: /etc/hostname, /etc/hosts, /etc/resolv.conf. */
  etcFiles?: { hostname?: string; hosts?: string; resolvConf?: string };
  /** For the container:<id> modes (network, pid, ipc): the pid of that container's init. */
  joined?: JoinedPids;
  /** The host tmpfs bound as /dev/shm: --ipc host, shareable, container:<id>. */
  shmSource?: string;
  /** The host's bounding set (what --privileged gives). */
  hostCapabilities: string[];
  /** Docker's default seccomp profile for a container holding these capabilities. */
  seccompProfile?: (capabilities: string[]) => OciSeccomp;
  /** Host path of an init (tini) for --init. */
  initBinary?: string;
  cgroupsPath: string;
  /** Whether memory.memsw (swap accounting) exists on this host. */
  swapLimitSupported: boolean;
}

const capName = (c: string): string => {
  const up = c.trim().toUpperCase();
  return up === 'ALL' ? 'ALL' : up.startsWith('CAP_') ? up : `CAP_${up}`;
};

export function capabilitySet(defaults: readonly string[], host: string[], add: string[], drop: string[], privileged: boolean): string[] {
  if (privileged) return [...host];
  const adds = add.map(capName);
  const drops = drop.map(capName);
  for (const c of [...adds, ...drops]) {
    if (c !== 'ALL' && !/^CAP_[A-Z_]+$/.test(c)) throw new InvalidConfigError(`unknown capability: "${c}"`);
  }
  let caps = adds.includes('ALL') ? [...host] : [...defaults];
  if (drops.includes('ALL')) caps = [];
  else caps = caps.filter((c) => !drops.includes(c));
  for (const c of adds) if (c !== 'ALL' && !caps.includes(c)) caps.push(c);
  return caps;
}

/** Docker's resource fields as OCI linux.resources (also used by `update`). */
export function resourcesFromDocker(r: Partial<DockerResources>, swapLimitSupported: boolean): OciResources {
  const out: OciResources = {};
  const memory: NonNullable<OciResources['memory']> = {};
  if (r.Memory) {
    if (r.Memory < 6 * 1024 * 1024) throw new InvalidConfigError('Minimum memory limit allowed is 6MB');
    memory.limit = r.Memory;
  }
  if (r.MemoryReservation) {
    if (r.MemoryReservation < 6 * 1024 * 1024) throw new InvalidConfigError('Minimum memory reservation allowed is 6MB');
    if (r.Memory && r.MemoryReservation > r.Memory) throw new InvalidConfigError('Minimum memory limit can not be less than memory reservation limit, see usage');
    memory.reservation = r.MemoryReservation;
  }
  if (swapLimitSupported) {
    if (r.MemorySwap === -1) memory.swap = -1;
    else if (r.MemorySwap && r.MemorySwap > 0) {
      if (!r.Memory) throw new InvalidConfigError('You should always set the Memory limit when using Memoryswap limit');
      if (r.MemorySwap < r.Memory) throw new InvalidConfigError('Minimum memoryswap limit should be larger than memory limit, see usage');
      memory.swap = r.MemorySwap;
    } else if (r.Memory) memory.swap = r.Memory * 2; // Docker's default: as much swap as memory
  }
  if (r.MemorySwappiness !== undefined && r.MemorySwappiness !== null && r.MemorySwappiness !== -1) memory.swappiness = r.MemorySwappiness;
  if (r.OomKillDisable) memory.disableOOMKiller = true;
  if (Object.keys(memory).length) out.memory = memory;

  const cpu: NonNullable<OciResources['cpu']> = {};
  if (r.NanoCpus && (r.CpuQuota || r.CpuPeriod)) throw new InvalidConfigError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (r.CpuShares) {
    if (r.CpuShares < 2 || r.CpuShares > 262144) throw new InvalidConfigError(`invalid CPU shares ${r.CpuShares}: allowed range is 2 to 262144`);
    cpu.shares = r.CpuShares;
  }
  if (r.CpuPeriod) {
    if (r.CpuPeriod < 1000 || r.CpuPeriod > 1000000) throw new InvalidConfigError('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1 second (i.e. 1000000)');
    cpu.period = r.CpuPeriod;
  }
  if (r.CpuQuota && r.CpuQuota !== -1) {
    if (r.CpuQuota < 1000) throw new InvalidConfigError('CPU cfs quota can not be less than 1ms (i.e. 1000)');
    cpu.quota = r.CpuQuota;
  } else if (r.CpuQuota === -1) cpu.quota = -1;
  if (r.NanoCpus) {
    if (r.NanoCpus < 10_000_000) throw new InvalidConfigError('Range of CPUs is from 0.01 to the number of CPUs available');
    cpu.period = 100000;
    cpu.quota = Math.round((r.NanoCpus * 100000) / 1e9);
  }
  if (r.CpusetCpus) {
    if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(r.CpusetCpus)) throw new InvalidConfigError(`Invalid value ${r.CpusetCpus} for cpuset cpus`);
    cpu.cpus = r.CpusetCpus;
  }
  if (r.CpusetMems) {
    if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(r.CpusetMems)) throw new InvalidConfigError(`Invalid value ${r.CpusetMems} for cpuset mems`);
    cpu.mems = r.CpusetMems;
  }
  if (Object.keys(cpu).length) out.cpu = cpu;

  if (r.PidsLimit !== undefined && r.PidsLimit !== null && r.PidsLimit !== 0) out.pids = { limit: r.PidsLimit > 0 ? r.PidsLimit : -1 };
  if (r.BlkioWeight) {
    if (r.BlkioWeight < 10) throw new InvalidConfigError('Range of blkio weight is from 10 to 1000');
    out.blockIO = { weight: r.BlkioWeight };
  }
  return out;
}

function deviceFromHost(hostPath: string, containerPath: string, perms: string): { node: OciDevice; rule: OciDeviceCgroupRule } {
  let st;
  try { st = statSync(hostPath); } catch {
    throw new InvalidConfigError(`error gathering device information while adding custom device "${hostPath}": no such file or directory`);
  }
  if (!st.isCharacterDevice() && !st.isBlockDevice()) throw new InvalidConfigError(`error gathering device information while adding custom device "${hostPath}": not a device node`);
  const type = st.isCharacterDevice() ? 'c' : 'b';
  const major = Number((BigInt(st.rdev) >> 8n) & 0xfffn);
  const minor = Number((BigInt(st.rdev) & 0xffn) | ((BigInt(st.rdev) >> 12n) & 0xfff00n));
  if (!/^[rwm]{1,3}$/.test(perms)) throw new InvalidConfigError(`invalid device cgroup permissions "${perms}"`);
  return {
    node: { type, path: containerPath || hostPath, major, minor, fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid },
    rule: { allow: true, type, major, minor, access: perms },
  };
}

function securityOpts(opts: string[]): { noNewPrivileges: boolean; seccompUnconfined: boolean; seccompProfile?: string } {
  let noNewPrivileges = false;
  let seccompUnconfined = false;
  let seccompProfile: string | undefined;
  for (const o of opts) {
    const [key = '', value = ''] = o.includes('=') ? o.split(/=(.*)/s) : o.split(/:(.*)/s);
    if (key === 'no-new-privileges') noNewPrivileges = value === '' || value === 'true';
    else if (key === 'seccomp') {
      // The CLI sends a profile file's text; "builtin" is Docker's default profile.
      if (value === 'unconfined') seccompUnconfined = true;
      else if (value !== 'builtin') seccompProfile = value;
    } else if (key === 'apparmor' || key === 'label') continue; // no LSM on this engine
    else throw new InvalidConfigError(`invalid --security-opt: "${o}"`);
  }
  return { noNewPrivileges, seccompUnconfined, ...(seccompProfile !== undefined ? { seccompProfile } : {}) };
}

export function translateToOci(input: TranslateInput): OciSpec {
  try {
    return translate(input);
  } catch (e) {
    if (e instanceof HostOptionError) throw new InvalidConfigError(e.message);
    throw e;
  }
}

function translate(input: TranslateInput): OciSpec {
  const { config, hostConfig: hc } = input;
  const args = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (!args.length) throw new InvalidConfigError('no command specified');
  rejectUnsupported(hc);
  // The hostname conflict is create's to check: by now Config.Hostname holds the host's name.
  validateModes(hc, '');
  const user = (() => {
    try { return resolveUser(input.rootfs, config.User); } catch (e) { throw new InvalidConfigError((e as Error).message); }
  })();
  const extraGids = (() => {
    try { return resolveGroups(input.rootfs, hc.GroupAdd ?? []); } catch (e) { throw new InvalidConfigError((e as Error).message); }
  })();
  const useInit = hc.Init === true && input.initBinary;
  const hostname = config.Hostname || input.id.slice(0, 12);
  const env = [...(config.Env ?? [])];
  if (!env.some((e) => e.startsWith('HOSTNAME='))) env.unshift(`HOSTNAME=${hostname}`);
  if (config.Tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
  if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${user.home}`);

  const spec = defaultSpec({
    args: useInit ? ['/sbin/docker-init', '--', ...args] : args,
    rootfs: input.rootfs,
    hostname,
    env,
    cwd: config.WorkingDir || '/',
    terminal: config.Tty,
    readonlyRootfs: hc.ReadonlyRootfs,
    cgroupsPath: input.cgroupsPath,
  });
  const proc = spec.process!;
  const linux = spec.linux!;
  const gids = [...user.additionalGids, ...extraGids.filter((g) => !user.additionalGids.includes(g))];
  proc.user = { uid: user.uid, gid: user.gid, ...(gids.length ? { additionalGids: gids } : {}) };
  if (hc.OomScoreAdj) proc.oomScoreAdj = hc.OomScoreAdj;
  if (hc.Ulimits?.length) proc.rlimits = rlimitsFor(hc.Ulimits);
  if (config.Tty && hc.ConsoleSize && hc.ConsoleSize[0] && hc.ConsoleSize[1]) {
    proc.consoleSize = { height: hc.ConsoleSize[0], width: hc.ConsoleSize[1] };
  }

  const defaults = proc.capabilities!.bounding!;
  const caps = capabilitySet(defaults, input.hostCapabilities, hc.CapAdd ?? [], hc.CapDrop ?? [], hc.Privileged);
  proc.capabilities = { bounding: caps, effective: [...caps], permitted: [...caps] };
  // Docker gives a non-root user no effective capabilities unless asked for.
  if (user.uid !== 0) proc.capabilities = { bounding: caps, effective: [], permitted: [] };

  const sec = securityOpts(hc.SecurityOpt ?? []);
  proc.noNewPrivileges = sec.noNewPrivileges;
  // As dockerd: a privileged container has no filter, even with a profile given.
  if (!hc.Privileged && !sec.seccompUnconfined) {
    if (sec.seccompProfile !== undefined) {
      try { linux.seccomp = seccompFromDockerProfile(sec.seccompProfile, { capabilities: caps }); } catch (e) {
        if (e instanceof SeccompProfileError) throw new InvalidConfigError(e.message);
        throw e;
      }
    } else if (input.seccompProfile) linux.seccomp = input.seccompProfile(caps);
  }
  // --security-opt systempaths=unconfined arrives as empty lists (the CLI's translation).
  if (hc.MaskedPaths) linux.maskedPaths = [...hc.MaskedPaths];
  if (hc.ReadonlyPaths) linux.readonlyPaths = [...hc.ReadonlyPaths];

  linux.namespaces = namespacesFor(hc, input.joined ?? {});
  if (hc.NetworkMode === 'host' || hc.UTSMode === 'host') delete spec.hostname;
  else if (config.Domainname) spec.domainname = config.Domainname;
  if (hc.Sysctls && Object.keys(hc.Sysctls).length) linux.sysctl = sysctlsFor(hc.Sysctls, hc);

  const resources = resourcesFromDocker(hc, input.swapLimitSupported);
  const perDevice = blkioDevices(hc, weightDeviceSupported()).blockIO;
  if (Object.keys(perDevice).length) resources.blockIO = { ...resources.blockIO, ...perDevice };
  const rules = [...(linux.resources?.devices ?? [])];
  const devices: OciDevice[] = [];
  if (hc.Privileged) {
    rules.splice(0, rules.length, { allow: true, access: 'rwm' });
    linux.maskedPaths = [];
    linux.readonlyPaths = [];
    for (const m of spec.mounts ?? []) {
      if (m.destination === '/sys' || m.destination === '/sys/fs/cgroup') m.options = (m.options ?? []).filter((o) => o !== 'ro');
    }
  }
  rules.push(...deviceCgroupRules(hc.DeviceCgroupRules ?? []));
  for (const d of hc.Devices ?? []) {
    const { node, rule } = deviceFromHost(d.PathOnHost, d.PathInContainer, d.CgroupPermissions || 'rwm');
    devices.push(node);
    rules.push(rule);
  }
  linux.resources = { ...resources, devices: rules };
  if (devices.length) linux.devices = devices;

  const mounts: OciMount[] = applyIpcMounts(spec.mounts ?? [], hc.IpcMode, hc.IpcMode === 'host' ? '/dev/shm' : input.shmSource);
  if (hc.ShmSize) {
    const shm = mounts.find((m) => m.destination === '/dev/shm');
    if (shm) shm.options = [...(shm.options ?? []).filter((o) => !o.startsWith('size=')), `size=${Math.floor(hc.ShmSize / 1024)}k`];
  }
  // The container's own mounts: the /etc files, --tmpfs, then binds, volumes and tmpfs mounts.
  const own: OciMount[] = [];
  const userDestinations = new Set([...input.mounts.map((m) => m.destination), ...Object.keys(hc.Tmpfs ?? {})]);
  const etc = input.etcFiles ?? {};
  const etcMounts: [string | undefined, string][] = [[etc.resolvConf, '/etc/resolv.conf'], [etc.hostname, '/etc/hostname'], [etc.hosts, '/etc/hosts']];
  for (const [source, destination] of etcMounts) {
    // A file the user mounts there wins, as in dockerd.
    if (source && !userDestinations.has(destination)) own.push({ destination, type: 'bind', source, options: ['rbind', 'rprivate', ...(hc.ReadonlyRootfs ? ['ro'] : [])] });
  }
  for (const [dest, opts] of Object.entries(hc.Tmpfs ?? {})) {
    if (!dest.startsWith('/')) throw new InvalidConfigError(`invalid tmpfs mount point ${dest}: must be absolute`);
    const options = ['nosuid', 'nodev', 'noexec', ...opts.split(',').filter(Boolean)];
    own.push({ destination: dest, type: 'tmpfs', source: 'tmpfs', options });
  }
  for (const m of input.mounts) {
    if (m.type === 'tmpfs') own.push({ destination: m.destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...(m.readOnly ? ['ro'] : []), ...(m.options ?? [])] });
    // No "rw" for a writable bind, as dockerd: it would clear a read-only host mount's ro in
    // runtimes that apply it to the bind (crun, berth-runtime), where runc leaves it alone.
    else own.push({ destination: m.destination, type: 'bind', source: m.source, options: ['rbind', m.propagation || 'rprivate', ...(m.readOnly ? ['ro'] : []), ...(m.options ?? [])] });
  }
  // Parents before children (a volume on /etc, then /etc/hosts into it), as dockerd sorts them.
  const depth = (dest: string): number => posix.normalize(dest).split('/').length;
  mounts.push(...own.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m.destination) - depth(b.m.destination) || a.i - b.i).map(({ m }) => m));
  if (useInit) mounts.push({ destination: '/sbin/docker-init', type: 'bind', source: input.initBinary!, options: ['bind', 'ro'] });
  spec.mounts = mounts;
  spec.annotations = { ...Object.fromEntries(Object.entries(config.Labels ?? {}).map(([k, v]) => [`org.berth.label.${k}`, v])), ...(hc.Annotations ?? {}) };
  return spec;
}
