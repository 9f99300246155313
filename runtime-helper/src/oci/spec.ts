// The parts of the OCI runtime-spec config.json (v1.1) that Berth writes. Field names follow the
// spec exactly, so a value of these types serialises straight to config.json.

export interface OciUser {
  uid: number;
  gid: number;
  umask?: number;
  additionalGids?: number[];
}

export interface OciRlimit {
  type: string;
  hard: number;
  soft: number;
}

export interface OciCapabilities {
  bounding?: string[];
  effective?: string[];
  permitted?: string[];
  inheritable?: string[];
  ambient?: string[];
}

export interface OciConsoleSize {
  height: number;
  width: number;
}

export interface OciProcess {
  terminal?: boolean;
  consoleSize?: OciConsoleSize;
  user: OciUser;
  args: string[];
  env?: string[];
  cwd: string;
  capabilities?: OciCapabilities;
  rlimits?: OciRlimit[];
  noNewPrivileges?: boolean;
  oomScoreAdj?: number;
  apparmorProfile?: string;
  selinuxLabel?: string;
}

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface OciRoot {
  path: string;
  readonly?: boolean;
}

export type OciNamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup' | 'time';

export interface OciNamespace {
  type: OciNamespaceType;
  path?: string;
}

export interface OciIdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

export interface OciDevice {
  type: 'c' | 'b' | 'u' | 'p';
  path: string;
  major?: number;
  minor?: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface OciDeviceCgroupRule {
  allow: boolean;
  type?: 'a' | 'c' | 'b';
  major?: number;
  minor?: number;
  access?: string;
}

export interface OciMemory {
  limit?: number;
  reservation?: number;
  swap?: number;
  kernel?: number;
  swappiness?: number;
  disableOOMKiller?: boolean;
}

export interface OciCpu {
  shares?: number;
  quota?: number;
  period?: number;
  realtimeRuntime?: number;
  realtimePeriod?: number;
  cpus?: string;
  mems?: string;
}

export interface OciBlockIoDevice { major: number; minor: number }
export interface OciBlockIoRate extends OciBlockIoDevice { rate: number }

export interface OciBlockIo {
  weight?: number;
  leafWeight?: number;
  weightDevice?: (OciBlockIoDevice & { weight: number })[];
  throttleReadBpsDevice?: OciBlockIoRate[];
  throttleWriteBpsDevice?: OciBlockIoRate[];
  throttleReadIOPSDevice?: OciBlockIoRate[];
  throttleWriteIOPSDevice?: OciBlockIoRate[];
}

export interface OciResources {
  devices?: OciDeviceCgroupRule[];
  memory?: OciMemory;
  cpu?: OciCpu;
  pids?: { limit: number };
  blockIO?: OciBlockIo;
  unified?: Record<string, string>;
}

export interface OciSeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op:
    | 'SCMP_CMP_NE'
    | 'SCMP_CMP_LT'
    | 'SCMP_CMP_LE'
    | 'SCMP_CMP_EQ'
    | 'SCMP_CMP_GE'
    | 'SCMP_CMP_GT'
    | 'SCMP_CMP_MASKED_EQ';
}

export type OciSeccompAction =
  | 'SCMP_ACT_KILL'
  | 'SCMP_ACT_KILL_PROCESS'
  | 'SCMP_ACT_KILL_THREAD'
  | 'SCMP_ACT_TRAP'
  | 'SCMP_ACT_ERRNO'
  | 'SCMP_ACT_TRACE'
  | 'SCMP_ACT_ALLOW'
  | 'SCMP_ACT_LOG'
  | 'SCMP_ACT_NOTIFY';

export interface OciSeccompSyscall {
  names: string[];
  action: OciSeccompAction;
  errnoRet?: number;
  args?: OciSeccompArg[];
}

export interface OciSeccomp {
  defaultAction: OciSeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  syscalls?: OciSeccompSyscall[];
}

export interface OciLinux {
  namespaces?: OciNamespace[];
  uidMappings?: OciIdMapping[];
  gidMappings?: OciIdMapping[];
  devices?: OciDevice[];
  cgroupsPath?: string;
  resources?: OciResources;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  seccomp?: OciSeccomp;
  sysctl?: Record<string, string>;
  rootfsPropagation?: string;
}

export interface OciHook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

/** Lifecycle hooks; each runs on the host with the container's state JSON on stdin. */
export interface OciHooks {
  prestart?: OciHook[];
  createRuntime?: OciHook[];
  createContainer?: OciHook[];
  startContainer?: OciHook[];
  poststart?: OciHook[];
  poststop?: OciHook[];
}

export interface OciSpec {
  ociVersion: string;
  process?: OciProcess;
  hooks?: OciHooks;
  root?: OciRoot;
  hostname?: string;
  domainname?: string;
  mounts?: OciMount[];
  linux?: OciLinux;
  annotations?: Record<string, string>;
}

/** The runtime-spec version Berth writes and expects back from `state`. */
export const OCI_VERSION = '1.1.0';

/** The `state` command's JSON, as the runtime spec defines it. */
export interface OciState {
  ociVersion: string;
  id: string;
  status: 'creating' | 'created' | 'running' | 'stopped' | 'paused';
  pid?: number;
  bundle: string;
  annotations?: Record<string, string>;
}
