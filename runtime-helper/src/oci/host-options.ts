// The HostConfig settings that pick namespaces, kernel parameters and process limits: --pid,
// --ipc, --uts, --cgroupns, --sysctl, --ulimit, --device-cgroup-rule, and the settings this
// engine cannot honour, refused with dockerd's words instead of being dropped.
import type { OciDeviceCgroupRule, OciMount, OciNamespace, OciRlimit } from './spec.js';
import type { DockerHostConfig } from '../containers/docker-types.js';

export class HostOptionError extends Error {}

/** Pids of other containers whose namespaces this one joins (`container:<id>` modes). */
export interface JoinedPids { network?: number; pid?: number; ipc?: number }

/** The container a `container:<name>` mode names, or undefined for any other mode. */
export function joinedContainer(mode: string | undefined): string | undefined {
  return mode?.startsWith('container:') ? mode.slice('container:'.length) : undefined;
}

const IPC_MODES = new Set(['', 'private', 'shareable', 'none', 'host']);

/** Mode names, checked at create as dockerd does (the CLI checks most of them first). */
export function validateModes(modes: Partial<Pick<DockerHostConfig, 'PidMode' | 'IpcMode' | 'UTSMode' | 'CgroupnsMode' | 'UsernsMode' | 'Isolation'>>, hostname: string): void {
  // Records written before these settings existed have none of them.
  const hc = { PidMode: '', IpcMode: '', UTSMode: '', CgroupnsMode: '', UsernsMode: '', Isolation: '', ...withoutUndefined(modes) };
  if (!(hc.PidMode === '' || hc.PidMode === 'host' || joinedContainer(hc.PidMode))) throw new HostOptionError(`Invalid PID mode: ${hc.PidMode}`);
  if (!(IPC_MODES.has(hc.IpcMode) || joinedContainer(hc.IpcMode))) throw new HostOptionError(`Invalid IPC mode: ${hc.IpcMode}`);
  if (hc.UTSMode !== '' && hc.UTSMode !== 'host') throw new HostOptionError(`Invalid UTS mode: ${hc.UTSMode}`);
  if (hc.UTSMode === 'host' && hostname) throw new HostOptionError('conflicting options: hostname and the UTS mode');
  if (!['', 'private', 'host'].includes(hc.CgroupnsMode)) throw new HostOptionError(`invalid cgroup namespace mode: ${hc.CgroupnsMode}`);
  // berthd never remaps users, so "host" (the only other mode the CLI knows) is what it does anyway.
  if (hc.UsernsMode !== '' && hc.UsernsMode !== 'host') throw new HostOptionError(`invalid USER mode: ${hc.UsernsMode}`);
  if (hc.Isolation !== '' && hc.Isolation !== 'default') throw new HostOptionError(`Invalid isolation: "${hc.Isolation}" - linux only supports 'default'`);
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/** Settings dockerd rejects on a host like this one; berthd rejects them with the same words. */
export function rejectUnsupported(hc: DockerHostConfig): void {
  if (hc.StorageOpt && Object.keys(hc.StorageOpt).length) throw new HostOptionError("--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
  for (const r of hc.DeviceRequests ?? []) {
    throw new HostOptionError(`could not select device driver "${r.Driver ?? ''}" with capabilities: ${JSON.stringify(r.Capabilities ?? []).replaceAll('"', '').replaceAll(',', ' ')}`);
  }
  if (hc.CpuRealtimeRuntime || hc.CpuRealtimePeriod) throw new HostOptionError('realtime CPU time (--cpu-rt-runtime, --cpu-rt-period) is not supported by berthd');
  if (hc.VolumeDriver && hc.VolumeDriver !== 'local') throw new HostOptionError(`error looking up volume plugin ${hc.VolumeDriver}: plugin "${hc.VolumeDriver}" not found`);
  if (hc.OomScoreAdj < -1000 || hc.OomScoreAdj > 1000) throw new HostOptionError(`Invalid value ${hc.OomScoreAdj}, range for oom score adj is [-1000, 1000]`);
}

export function namespacesFor(hc: Pick<DockerHostConfig, 'NetworkMode' | 'PidMode' | 'IpcMode' | 'UTSMode' | 'CgroupnsMode'>, joined: JoinedPids): OciNamespace[] {
  const ns: OciNamespace[] = [{ type: 'mount' }];
  const join = (type: 'pid' | 'ipc' | 'network', mode: string, pid: number | undefined): void => {
    if (!pid) throw new HostOptionError(`cannot join ${type === 'network' ? 'network' : type === 'pid' ? 'PID' : 'IPC'} of a non running container: ${joinedContainer(mode)}`);
    ns.push({ type, path: `/proc/${pid}/ns/${type === 'network' ? 'net' : type}` });
  };
  if (joinedContainer(hc.PidMode)) join('pid', hc.PidMode, joined.pid);
  else if (hc.PidMode !== 'host') ns.push({ type: 'pid' });
  if (joinedContainer(hc.IpcMode)) join('ipc', hc.IpcMode, joined.ipc);
  else if (hc.IpcMode !== 'host') ns.push({ type: 'ipc' });
  const network = hc.NetworkMode || 'default';
  // --network host shares the host's UTS namespace too, as Docker does.
  if (network !== 'host' && hc.UTSMode !== 'host') ns.push({ type: 'uts' });
  if (joinedContainer(network)) join('network', network, joined.network);
  else if (network !== 'host') ns.push({ type: 'network' }); // none, and bridge/default until bridge networking lands: only lo
  // Docker's default on cgroup v1 is the host's cgroup namespace; v2 hosts default to private.
  if (hc.CgroupnsMode === 'private') ns.push({ type: 'cgroup' });
  return ns;
}

/**
 * /dev/shm for the IPC mode: none has none; host, shareable and container:<id> bind the tmpfs
 * given (the host's /dev/shm, or the one berthd mounted for the shareable container).
 */
export function applyIpcMounts(mounts: OciMount[], ipcMode: string | undefined, shmSource: string | undefined): OciMount[] {
  if (ipcMode === 'none') return mounts.filter((m) => m.destination !== '/dev/shm');
  if (!shmSource) return mounts;
  return mounts.map((m) => (m.destination === '/dev/shm' ? { destination: '/dev/shm', type: 'bind', source: shmSource, options: ['rbind', 'rprivate'] } : m));
}

/** Namespaced sysctls only, as Docker allows (and none of net.* where the network is the host's). */
export function sysctlsFor(sysctls: Record<string, string>, hc: Pick<DockerHostConfig, 'NetworkMode' | 'IpcMode' | 'UTSMode'>): Record<string, string> {
  const ipcNamespaced = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);
  for (const key of Object.keys(sysctls)) {
    if (key.startsWith('net.')) {
      if (hc.NetworkMode === 'host') throw new HostOptionError(`sysctl "${key}" not allowed in host network namespace`);
    } else if (ipcNamespaced.has(key) || key.startsWith('fs.mqueue.')) {
      if (hc.IpcMode === 'host') throw new HostOptionError(`sysctl "${key}" is not allowed in host IPC namespace`);
    } else if (key === 'kernel.domainname' || key === 'kernel.hostname') {
      if (hc.UTSMode === 'host' || hc.NetworkMode === 'host') throw new HostOptionError(`sysctl "${key}" is not allowed in host UTS namespace`);
    } else throw new HostOptionError(`sysctl '${key}=${sysctls[key]}' is not allowed`);
  }
  return { ...sysctls };
}

const RLIMITS = new Set(['as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack']);

/** --ulimit as OCI rlimits. Raising one past berthd's own hard limit fails at start (EPERM). */
export function rlimitsFor(ulimits: { Name: string; Soft: number; Hard: number }[]): OciRlimit[] {
  return ulimits.map((u) => {
    if (!RLIMITS.has(u.Name)) throw new HostOptionError(`invalid ulimit type: ${u.Name}`);
    if (u.Soft > u.Hard && u.Hard !== -1) throw new HostOptionError(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
    return { type: `RLIMIT_${u.Name.toUpperCase()}`, soft: u.Soft, hard: u.Hard };
  });
}

/** --device-cgroup-rule 'c 1:3 rwm' as OCI device rules. */
export function deviceCgroupRules(rules: string[]): OciDeviceCgroupRule[] {
  return rules.map((rule) => {
    const m = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(rule.trim());
    if (!m) throw new HostOptionError(`invalid device cgroup format '${rule}'`);
    const num = (s: string): number | undefined => (s === '*' ? undefined : Number(s));
    const major = num(m[2]!);
    const minor = num(m[3]!);
    return { allow: true, type: m[1] as 'a' | 'c' | 'b', ...(major !== undefined ? { major } : {}), ...(minor !== undefined ? { minor } : {}), access: m[4]! };
  });
}
