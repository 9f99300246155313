// The one typed API between the renderer and the app's Node side. Both transports (Electron IPC
// through preload, and the loopback WebSocket of browser mode) carry exactly these calls and
// streams; the server and the renderer client are both checked against these maps.

export type EngineKind = 'berthd' | 'docker' | 'podman' | 'unknown';

export interface EngineConnection {
  id: string;
  name: string;
  /** unix:///path, tcp://host:port, ssh://user@host */
  host: string;
  tls?: { ca?: string; cert?: string; key?: string } | undefined;
  /** ssh:// only: a private key file (else the ssh agent, else ~/.ssh/id_*). */
  sshKey?: string | undefined;
  /** ssh:// only: the server's host key fingerprint (SHA256:…), recorded at the first connection
   * and required from then on. */
  sshHostKey?: string | undefined;
  builtin?: boolean | undefined;
}

export interface EngineStatus {
  engineId: string;
  host: string;
  connected: boolean;
  kind: EngineKind;
  version?: string | undefined;
  apiVersion?: string | undefined;
  error?: string | undefined;
  /** State of the supervised local berthd, when the app manages one. */
  supervisor?: SupervisorState | undefined;
  /** The app started this engine and can restart it (to apply registry mirrors). */
  canRestart?: boolean | undefined;
  /** Settings the last launch could not pass, and why. */
  notes?: string[] | undefined;
}

export interface SupervisorState {
  phase: 'idle' | 'probing' | 'external' | 'starting' | 'running' | 'backoff' | 'stopped' | 'failed';
  pid?: number | undefined;
  restarts: number;
  nextRetryMs?: number | undefined;
  lastExit?: { code: number | null; signal: string | null; at: string } | undefined;
  message?: string | undefined;
}

export interface ImageRow {
  id: string;
  repoTags: string[];
  size: number;
  created: number; // unix seconds
  containers: number;
}

export interface ImageDetails {
  inspect: Record<string, unknown>;
  history: { id: string; created: number; createdBy: string; size: number; comment: string }[];
}

export interface PortSpec { container: number; host?: number | undefined; protocol: 'tcp' | 'udp'; hostIp?: string | undefined }
export interface VolumeSpec { source: string; target: string; readOnly: boolean }

export interface ResourceSpec {
  /** bytes; 0 = no limit */
  memory: number;
  /** relative weight; 0 = engine default (1024) */
  cpuShares: number;
  /** e.g. "0,1" ; empty = all */
  cpusetCpus: string;
  /** 0 = unlimited */
  pidsLimit: number;
  /** 10..1000; 0 = default */
  blkioWeight: number;
  /** CFS quota in CPUs, like --cpus (0.5 = half of one CPU's time); 0 or absent = no quota. */
  cpus?: number | undefined;
}

export interface RunSpec {
  image: string;
  name?: string | undefined;
  cmd?: string[] | undefined;
  env: { key: string; value: string }[];
  ports: PortSpec[];
  volumes: VolumeSpec[];
  workdir?: string | undefined;
  user?: string | undefined;
  hostname?: string | undefined;
  restart: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  tty: boolean;
  interactive: boolean;
  network?: string | undefined;
  resources: ResourceSpec;
  /** The run dialog's Advanced section (run-advanced.ts turns it into flags and the create body). */
  advanced?: RunAdvanced | undefined;
}

/** --health-*: `command` runs with /bin/sh -c (CMD-SHELL); `disabled` is --no-healthcheck; neither
 * keeps the image's check (the timings still apply to it). Durations in nanoseconds, as the API. */
export interface HealthSpec {
  command?: string | undefined;
  disabled?: boolean | undefined;
  intervalNs?: number | undefined;
  timeoutNs?: number | undefined;
  startPeriodNs?: number | undefined;
  retries?: number | undefined;
}

/** --ulimit name=soft:hard */
export interface UlimitSpec { name: string; soft: number; hard: number }

export interface RunAdvanced {
  health?: HealthSpec | undefined;
  dns?: string[] | undefined;
  dnsSearch?: string[] | undefined;
  /** "name:ip" as the API takes them; ip may be host-gateway. */
  extraHosts?: string[] | undefined;
  ulimits?: UlimitSpec[] | undefined;
  labels?: Record<string, string> | undefined;
  init?: boolean | undefined;
  readOnly?: boolean | undefined;
  privileged?: boolean | undefined;
  capAdd?: string[] | undefined;
  capDrop?: string[] | undefined;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerRow {
  id: string;
  name: string;
  image: string;
  command: string;
  state: ContainerState;
  status: string;
  created: number;
  exitCode?: number | undefined;
  oomKilled?: boolean | undefined;
  ports: string[];
  /** Its health check's status, when it has one and runs. */
  health?: ContainerHealth | undefined;
  /** The last probe, in words (for the health chip's tooltip). */
  healthDetail?: string | undefined;
}

export type ContainerHealth = 'starting' | 'healthy' | 'unhealthy';

export type ContainerAction = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill' | 'remove';

export interface ContainerDetails {
  inspect: Record<string, unknown>;
  row: ContainerRow;
  resources: ResourceSpec;
  /** Plain explanation when the OOM killer ended it. */
  oom?: { limit: number; peak?: number | undefined; message: string } | undefined;
  /** The CFS quota (from --cpus, or CpuQuota/CpuPeriod); absent when there is none. */
  cpuQuota?: { cpus: number; quotaUs: number; periodUs: number } | undefined;
}

/** Pressure stall information of one resource (cgroup v2): share of wall time stalled. */
export interface PsiFigures { someAvg10: number; fullAvg10?: number | undefined; someTotalUs?: number | undefined }

export interface HostInfo {
  memTotal: number;
  ncpu: number;
  cgroupVersion: string;
  cgroupDriver: string;
  os: string;
  kernel: string;
  name: string;
  serverVersion: string;
  apiVersion: string;
  info: Record<string, unknown>;
  version: Record<string, unknown>;
}

export interface DiskUsage {
  images: { count: number; size: number; reclaimable: number };
  containers: { count: number; size: number };
  volumes: { count: number; size: number };
  buildCache: { size: number };
}

/** A container that mounts a volume, and where. */
export interface VolumeUser { id: string; name: string; state: ContainerState; target: string }

export interface VolumeRow {
  name: string;
  driver: string;
  mountpoint: string;
  created?: number | undefined; // unix seconds
  /** bytes, from /system/df; absent when the engine did not compute it */
  size?: number | undefined;
  /** containers referencing it, by /system/df */
  refCount?: number | undefined;
  labels: Record<string, string>;
  usedBy: VolumeUser[];
}

export interface VolumeDetails { inspect: Record<string, unknown>; usedBy: VolumeUser[] }

/** A container attached to a network (its NetworkSettings.Networks names it), and its address there. */
export interface NetworkContainer { id: string; name: string; state: ContainerState; ipv4?: string | undefined }

export interface NetworkRow {
  id: string;
  name: string;
  driver: string;
  scope: string;
  /** IPAM.Config's subnets and gateways; empty where the engine gives none (host, none, berthd's bridge) */
  subnets: string[];
  gateways: string[];
  internal: boolean;
  /** bridge, host or none: pre-defined, never removable */
  builtin: boolean;
  created?: number | undefined; // unix seconds
  labels: Record<string, string>;
  containers: NetworkContainer[];
}

/** The list, and the engine's refusal of the last create when it said "not supported" (501). */
export interface NetworkList { networks: NetworkRow[]; createRefused?: string | undefined }

export interface NetworkDetails { inspect: Record<string, unknown>; containers: NetworkContainer[] }

export interface NetworkCreateSpec {
  name: string;
  driver: 'bridge';
  subnet?: string | undefined;
  gateway?: string | undefined;
  internal: boolean;
  labels: Record<string, string>;
}

export interface ActionResult { id: string; ok: boolean; error?: string | undefined }

export interface Settings {
  defaultResources: ResourceSpec;
  theme: 'system' | 'light' | 'dark';
  registryMirrors: string[];
  scrollback: number;
  /** How terminals are drawn: 'auto' is xterm's WebGL renderer on a hardware GPU, the DOM one otherwise. */
  terminalRenderer: 'auto' | 'webgl' | 'dom';
}

/** Requests: method -> params and result. */
export interface Requests {
  'engines.list': { params: Record<string, never>; result: { engines: EngineConnection[]; activeId: string } };
  'engines.add': { params: { name: string; host: string; tls?: EngineConnection['tls']; sshKey?: string | undefined }; result: EngineConnection };
  'engines.remove': { params: { id: string }; result: { ok: true } };
  'engines.use': { params: { id: string }; result: EngineStatus };
  'engine.status': { params: Record<string, never>; result: EngineStatus };
  /** Restarts the supervised berthd with the current settings (registry mirrors). */
  'engine.restart': { params: Record<string, never>; result: EngineStatus };
  'system.host': { params: Record<string, never>; result: HostInfo };
  'system.df': { params: Record<string, never>; result: DiskUsage };
  'system.prune': { params: { what: 'containers' | 'images' | 'volumes' | 'all' }; result: { spaceReclaimed: number; removed: number } };
  'images.list': { params: Record<string, never>; result: ImageRow[] };
  'images.inspect': { params: { id: string }; result: ImageDetails };
  'images.tag': { params: { id: string; repo: string; tag: string }; result: { ok: true } };
  'images.remove': { params: { id: string; force: boolean }; result: { removed: string[] } };
  'images.prune': { params: { dangling: boolean }; result: { spaceReclaimed: number; removed: number } };
  'images.starter': { params: Record<string, never>; result: { image: string } };
  /** A tar file from the user's disk: `load` for `docker save` archives, `import` for a root filesystem tar. */
  'images.load': { params: { kind: 'load' | 'import'; fileName: string; dataBase64: string; repo?: string | undefined }; result: { images: string[] } };
  /** The image as a `docker save` archive (base64), for a download; capped at 256 MiB. */
  'images.save': { params: { id: string }; result: { fileName: string; dataBase64: string } };
  'volumes.list': { params: Record<string, never>; result: VolumeRow[] };
  /** No name: the engine names it. Driver options go to the engine as they are (it may refuse them). */
  'volumes.create': { params: { name?: string | undefined; labels: Record<string, string>; driverOpts: Record<string, string> }; result: { name: string } };
  'volumes.inspect': { params: { name: string }; result: VolumeDetails };
  /** Refused (409) while a container uses it, with the containers by name. */
  'volumes.remove': { params: { name: string }; result: { ok: true } };
  /** Every volume no container uses, named ones too. */
  'volumes.prune': { params: Record<string, never>; result: { removed: string[]; spaceReclaimed: number } };
  'networks.list': { params: Record<string, never>; result: NetworkList };
  /** A 501 (the engine does not make networks) is remembered and shown by networks.list. */
  'networks.create': { params: NetworkCreateSpec; result: { id: string; name: string } };
  'networks.inspect': { params: { id: string }; result: NetworkDetails };
  /** Refused for bridge/host/none, and while running containers use it (named in the error). */
  'networks.remove': { params: { id: string }; result: { ok: true } };
  /** Every network no container uses; the pre-defined ones stay. */
  'networks.prune': { params: Record<string, never>; result: { removed: string[] } };
  'containers.list': { params: { all: boolean }; result: ContainerRow[] };
  'containers.run': { params: { spec: RunSpec }; result: { id: string; warnings: string[] } };
  'containers.action': { params: { ids: string[]; action: ContainerAction }; result: ActionResult[] };
  'containers.inspect': { params: { id: string }; result: ContainerDetails };
  'containers.top': { params: { id: string }; result: { titles: string[]; processes: string[][] } };
  'containers.changes': { params: { id: string }; result: { path: string; kind: 'changed' | 'added' | 'deleted' }[] };
  'containers.update': { params: { id: string; resources: Partial<ResourceSpec> }; result: { warnings: string[]; resources: ResourceSpec } };
  /** The engine's `oom` events for the container since it was created (kills by the OOM killer). */
  'containers.oomEvents': { params: { id: string }; result: { count: number; lastAt?: number | undefined } };
  'containers.defaultShell': { params: { id: string; user?: string | undefined }; result: { shell: string[]; source: string } };
  /** Checks a build context folder and its Dockerfile before a build. */
  'build.check': { params: { context: string; dockerfile: string }; result: BuildContextCheck };
  'settings.get': { params: Record<string, never>; result: Settings };
  'settings.set': { params: { settings: Partial<Settings> }; result: Settings };
}

export interface LogLine { stream: 'stdout' | 'stderr'; ts?: string | undefined; text: string }

export interface StatsSample {
  at: number; // ms since epoch
  cpuPercent: number;
  memUsage: number;
  memLimit: number;
  memPeak?: number | undefined;
  pids: number;
  pidsLimit?: number | undefined;
  blkRead: number;
  blkWrite: number;
  /** CFS periods in which the container could run, and those in which its quota ran out. */
  cpuPeriods: number;
  throttledPeriods: number;
  throttledTimeNs: number;
  /** cgroup v1 memory.failcnt: times usage hit the limit (reclaim followed; not kills). */
  memFailcnt?: number | undefined;
  /** PSI where the engine reports it (cgroup v2 hosts, recent engines). */
  psi?: { cpu?: PsiFigures | undefined; memory?: PsiFigures | undefined; io?: PsiFigures | undefined } | undefined;
}

export interface EngineEvent { time: number; type: string; action: string; id: string; name?: string | undefined; attributes: Record<string, string> }

export interface PullProgress {
  id?: string | undefined;
  status: string;
  current?: number | undefined;
  total?: number | undefined;
  error?: string | undefined;
}

/** An image build from a folder on the app's machine (the legacy builder, POST /build). */
export interface BuildSpec {
  /** The context folder, an absolute path where the app's Node side runs. */
  context: string;
  /** The Dockerfile's path inside the context. */
  dockerfile: string;
  /** name:tag each; none gives an untagged image. */
  tags: string[];
  buildArgs: Record<string, string>;
  target?: string | undefined;
  noCache: boolean;
  /** The network of RUN steps; 'default' is the engine's. */
  network?: 'default' | 'none' | 'host' | undefined;
}

/** The context folder and its Dockerfile as the app found them; `problem` in words when a build cannot start. */
export interface BuildContextCheck { context: string; dockerfile: string; dockerfileFound: boolean; hasIgnoreFile: boolean; problem?: string | undefined }

/** context: what is sent; output: the engine's text (steps, cache hits, RUN output); error: the
 * engine's message (a RUN's exit code when it says); result: the image built. */
export interface BuildMessage {
  kind: 'context' | 'output' | 'error' | 'result';
  text: string;
  code?: number | undefined;
  imageId?: string | undefined;
  tags?: string[] | undefined;
}

export interface TerminalStatus { kind: 'started'; execId?: string | undefined; shell: string[] }
export interface TerminalExit { kind: 'exit'; exitCode: number | null }

/** Streams: name -> open params and the data items it yields. Terminal data also flows as bytes. */
export interface Streams {
  logs: { params: { id: string; follow: boolean; timestamps: boolean; tail: number }; data: LogLine[] };
  stats: { params: { id: string }; data: StatsSample };
  events: { params: Record<string, never>; data: EngineEvent };
  pull: { params: { image: string }; data: PullProgress };
  /** Pushes one tag (host:port/name:tag) to its registry; credentials are optional. */
  push: { params: { image: string; username?: string | undefined; password?: string | undefined }; data: PullProgress };
  /** Builds an image from a folder; closing the stream cancels the build. */
  build: { params: BuildSpec; data: BuildMessage };
  terminal: {
    params: { id: string; mode: 'exec' | 'attach'; cmd?: string[] | undefined; user?: string | undefined; cols: number; rows: number };
    data: TerminalStatus | TerminalExit;
  };
}

export type RequestName = keyof Requests;
export type StreamName = keyof Streams;

/** Flow control for byte streams: the server pauses the source above HIGH unacknowledged bytes
 * and resumes below LOW; the client acknowledges bytes once its terminal has processed them.
 * The window holds several of the renderer's parse bursts (~250 KB each, output-pacer.ts), so
 * the source keeps flowing while the terminal draws: at 512 KB / 128 KB it restarted only every
 * second burst and a flood ran at half the unpaced speed (bench/app.ts, same run). */
export const FLOW_HIGH_WATERMARK = 2 * 1024 * 1024;
export const FLOW_LOW_WATERMARK = 512 * 1024;
export const FLOW_ACK_EVERY = 32 * 1024;
