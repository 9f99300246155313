// The parts of the Docker Engine API's container Config and HostConfig that Berth reads, as zod
// schemas: the routes validate with them, and the translator to OCI takes their output types.
import { z } from 'zod';
import { healthcheckSchema, type Healthcheck } from './health/health-config.js';

const stringList = z.array(z.string()).nullish();

export const deviceMappingSchema = z.object({
  PathOnHost: z.string(),
  PathInContainer: z.string().optional().default(''),
  CgroupPermissions: z.string().optional().default('rwm'),
});

/** --device-read-bps and friends: a device and a rate (bytes or operations per second). */
const deviceRateSchema = z.object({ Path: z.string(), Rate: z.number().int().min(0) });

/** Checked by validateRestartPolicy, with dockerd's messages. */
export const restartPolicySchema = z.object({
  Name: z.string().optional().default(''),
  MaximumRetryCount: z.number().int().optional().default(0),
});

const propagationSchema = z.enum(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']);

export const mountSpecSchema = z.object({
  Type: z.enum(['bind', 'volume', 'tmpfs']).optional().default('volume'),
  Source: z.string().optional().default(''),
  Target: z.string(),
  ReadOnly: z.boolean().optional().default(false),
  BindOptions: z.object({ Propagation: z.union([propagationSchema, z.literal('')]).optional() }).passthrough().nullish(),
  VolumeOptions: z.object({
    NoCopy: z.boolean().optional(),
    Labels: z.record(z.string(), z.string()).nullish(),
    DriverConfig: z.object({ Name: z.string().optional(), Options: z.record(z.string(), z.string()).nullish() }).passthrough().nullish(),
  }).passthrough().nullish(),
  TmpfsOptions: z.object({ SizeBytes: z.number().int().min(0).optional(), Mode: z.number().int().min(0).max(0o7777).optional() }).passthrough().nullish(),
});

/** A resource number from the API: the CLI sends 0 for "not set". Negative values are refused
 * except where Docker gives -1 a meaning (MemorySwap, PidsLimit). */
const nonNegative = z.number().int().min(0).optional().default(0);

export const resourcesSchema = z.object({
  Memory: nonNegative,
  MemoryReservation: nonNegative,
  MemorySwap: z.number().int().min(-1).optional().default(0),
  CpuShares: nonNegative,
  CpuQuota: z.number().int().min(-1).optional().default(0),
  CpuPeriod: nonNegative,
  NanoCpus: nonNegative,
  CpusetCpus: z.string().optional().default(''),
  CpusetMems: z.string().optional().default(''),
  PidsLimit: z.number().int().min(-1).nullish(),
  BlkioWeight: z.number().int().min(0).max(1000).optional().default(0),
  Devices: z.array(deviceMappingSchema).nullish(),
  DeviceCgroupRules: stringList,
  BlkioWeightDevice: z.array(z.object({ Path: z.string(), Weight: z.number().int().min(0) })).nullish(),
  BlkioDeviceReadBps: z.array(deviceRateSchema).nullish(),
  BlkioDeviceWriteBps: z.array(deviceRateSchema).nullish(),
  BlkioDeviceReadIOps: z.array(deviceRateSchema).nullish(),
  BlkioDeviceWriteIOps: z.array(deviceRateSchema).nullish(),
  // -1 (the CLI's "not set") or 0-100; cgroup v1 only, as with runc.
  MemorySwappiness: z.number().int().min(-1).max(100, 'Valid memory swappiness range is 0-100').nullish(),
  OomKillDisable: z.boolean().nullish(),
  KernelMemory: nonNegative,
  CpuRealtimePeriod: nonNegative,
  CpuRealtimeRuntime: nonNegative,
  Ulimits: z.array(z.object({ Name: z.string(), Soft: z.number().int(), Hard: z.number().int() })).nullish(),
  DeviceRequests: z.array(z.object({ Driver: z.string().optional(), Count: z.number().int().optional(), Capabilities: z.array(z.array(z.string())).nullish() }).passthrough()).nullish(),
});

/** --log-driver and --log-opt. */
export const logConfigSchema = z.object({
  Type: z.string().optional().default(''),
  Config: z.record(z.string(), z.string()).nullish(),
});

export const hostConfigSchema = resourcesSchema.extend({
  Binds: stringList,
  Mounts: z.array(mountSpecSchema).nullish(),
  VolumesFrom: stringList,
  Tmpfs: z.record(z.string(), z.string()).nullish(),
  Privileged: z.boolean().optional().default(false),
  CapAdd: stringList,
  CapDrop: stringList,
  SecurityOpt: stringList,
  ReadonlyRootfs: z.boolean().optional().default(false),
  NetworkMode: z.string().optional().default('default'),
  RestartPolicy: restartPolicySchema.optional().default({ Name: '', MaximumRetryCount: 0 }),
  AutoRemove: z.boolean().optional().default(false),
  Init: z.boolean().nullish(),
  ConsoleSize: z.array(z.number().int().min(0)).nullish(),
  ShmSize: nonNegative,
  Runtime: z.string().optional().default(''),
  ExtraHosts: stringList,
  Dns: stringList,
  DnsSearch: stringList,
  DnsOptions: stringList,
  Sysctls: z.record(z.string(), z.string()).nullish(),
  PidMode: z.string().optional().default(''),
  IpcMode: z.string().optional().default(''),
  UTSMode: z.string().optional().default(''),
  CgroupnsMode: z.string().optional().default(''),
  UsernsMode: z.string().optional().default(''),
  GroupAdd: stringList,
  OomScoreAdj: z.number().int().optional().default(0),
  StorageOpt: z.record(z.string(), z.string()).nullish(),
  Isolation: z.string().optional().default(''),
  Links: stringList,
  MaskedPaths: stringList,
  ReadonlyPaths: stringList,
  Annotations: z.record(z.string(), z.string()).nullish(),
  CgroupParent: z.string().optional().default(''),
  VolumeDriver: z.string().optional().default(''),
  LogConfig: logConfigSchema.nullish(),
}).passthrough();

export const containerConfigSchema = z.object({
  Hostname: z.string().optional().default(''),
  Domainname: z.string().optional().default(''),
  User: z.string().optional().default(''),
  AttachStdin: z.boolean().optional().default(false),
  AttachStdout: z.boolean().optional().default(false),
  AttachStderr: z.boolean().optional().default(false),
  Tty: z.boolean().optional().default(false),
  OpenStdin: z.boolean().optional().default(false),
  StdinOnce: z.boolean().optional().default(false),
  Env: stringList,
  Cmd: z.union([z.array(z.string()), z.string().transform((s) => [s])]).nullish(),
  Entrypoint: z.union([z.array(z.string()), z.string().transform((s) => [s])]).nullish(),
  Image: z.string().optional().default(''),
  Volumes: z.record(z.string(), z.unknown()).nullish(),
  WorkingDir: z.string().optional().default(''),
  Labels: z.record(z.string(), z.string()).nullish(),
  StopSignal: z.string().optional(),
  StopTimeout: z.number().int().nullish(),
  Healthcheck: healthcheckSchema.nullish(),
}).passthrough();

export const createBodySchema = containerConfigSchema.extend({
  HostConfig: hostConfigSchema.optional(),
  NetworkingConfig: z.unknown().optional(),
}).passthrough();

export type DockerLogConfig = z.infer<typeof logConfigSchema>;
export type DockerDevice = z.infer<typeof deviceMappingSchema>;
export type DockerResources = z.infer<typeof resourcesSchema>;
export type DockerHostConfig = z.infer<typeof hostConfigSchema>;
export type DockerConfig = z.infer<typeof containerConfigSchema>;
export type DockerCreateBody = z.infer<typeof createBodySchema>;

/** The image settings a container inherits (the OCI image config's `config` object). */
export interface ImageRunConfig {
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  WorkingDir?: string;
  User?: string;
  StopSignal?: string;
  Labels?: Record<string, string> | null;
  Volumes?: Record<string, unknown> | null;
  Healthcheck?: Healthcheck | null;
}
