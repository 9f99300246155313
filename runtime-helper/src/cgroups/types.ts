// Shapes shared by the cgroup readers and writers: where a container's cgroup lives, the Docker
// API's stats objects, and a live resource update.

export type CgroupMode = 'v1' | 'hybrid' | 'v2';

export const V1_CONTROLLERS = [
  'cpu',
  'cpuacct',
  'cpuset',
  'memory',
  'pids',
  'blkio',
  'devices',
  'freezer',
  'hugetlb',
] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

/** The cgroupfs under `root`: v1 hierarchy mounts by controller and the cgroup2 tree, if any. */
export interface CgroupLayout {
  mode: CgroupMode;
  root: string;
  /** A plain directory tree (tests): writes create files. */
  fake: boolean;
  hierarchies: Partial<Record<V1Controller, string>>;
  /** The cgroup2 root: `root` on v2, `root/unified` on hybrid, null on pure v1. */
  unifiedRoot: string | null;
}

/** One container's cgroup directories. */
export interface CgroupPaths {
  mode: CgroupMode;
  v1: Partial<Record<V1Controller, string>>;
  unified: string | null;
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface CpuStats {
  cpu_usage: {
    total_usage: number;
    percpu_usage?: number[];
    usage_in_kernelmode: number;
    usage_in_usermode: number;
  };
  system_cpu_usage: number;
  online_cpus: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
  /** Berth: cpu.pressure where the cgroup2 side has PSI (see README.md). */
  psi?: Pressure;
}

/** max_usage and failcnt are left out when 0, like Docker's omitempty fields. */
export interface MemoryStats {
  usage: number;
  max_usage?: number;
  stats: Record<string, number>;
  failcnt?: number;
  limit: number;
  /** Berth: memory.pressure where the cgroup2 side has PSI. */
  psi?: Pressure;
}

export interface PidsStats {
  current: number;
  limit?: number;
}

/** v1 gives every list ([] when empty), v2 only io_service_bytes_recursive (null when empty), as Docker does. */
export interface BlkioStats {
  io_service_bytes_recursive: BlkioEntry[] | null;
  io_serviced_recursive: BlkioEntry[] | null;
  io_queue_recursive: BlkioEntry[] | null;
  io_service_time_recursive: BlkioEntry[] | null;
  io_wait_time_recursive: BlkioEntry[] | null;
  io_merged_recursive: BlkioEntry[] | null;
  io_time_recursive: BlkioEntry[] | null;
  sectors_recursive: BlkioEntry[] | null;
  /** Berth: io.pressure where the cgroup2 side has PSI. */
  psi?: Pressure;
}

/** The cgroup half of GET /containers/{id}/stats; the daemon adds read, preread, precpu_stats, name, id. */
export interface CgroupStats {
  cpu_stats: CpuStats;
  memory_stats: MemoryStats;
  pids_stats: PidsStats;
  blkio_stats: BlkioStats;
}

/** A live update, in Docker's units (HostConfig): bytes, shares, microseconds. -1 = unlimited. */
export interface ResourceUpdate {
  memory?: number;
  memoryReservation?: number;
  /** Memory plus swap, as Docker's MemorySwap. */
  memorySwap?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: number;
  blkioWeight?: number;
}

export interface OomInfo {
  /** Processes the OOM killer killed in this cgroup. */
  oomKillCount: number;
  /** Times the limit was hit and the OOM path ran (v2 only; null on v1). */
  oomCount: number | null;
  /** v1: the cgroup is in OOM now (with the killer disabled); null on v2. */
  underOom: boolean | null;
}

export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Total stall time in microseconds. */
  total: number;
}

export interface MemoryPressure {
  some: PressureLine;
  full: PressureLine | null;
}

/** A pressure file as the stats body carries it: `full` left out where the kernel has none. */
export interface Pressure {
  some: PressureLine;
  full?: PressureLine;
}
