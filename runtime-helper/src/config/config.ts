// The daemon's configuration: defaults, then the JSON config file (daemon.json's keys), then
// command-line flags (dockerd's names). Validated with zod so a typo fails loudly at start.
import { z } from 'zod';

export const configSchema = z.object({
  hosts: z.array(z.string()).optional(),
  'data-root': z.string().optional(),
  'exec-root': z.string().optional(),
  debug: z.boolean().optional(),
  'log-level': z.enum(['debug', 'info', 'warn', 'error', 'fatal']).optional(),
  pidfile: z.string().optional(),
  'insecure-registries': z.array(z.string()).optional(),
  'registry-mirrors': z.array(z.string()).optional(),
  // Registry keys beyond dockerd's (read by registry/service.ts through config.raw).
  'allow-nondistributable-artifacts': z.array(z.string()).optional(),
  'registry-certs-dir': z.string().optional(),
  'trust-policy': z.string().optional(),
  'search-registry': z.string().optional(),
  'registry-mirrors-by-host': z.record(z.string(), z.array(z.string())).optional(),
  // Signature lookaside for the trust policy's signedBy: a containers-registries.d(5) directory
  // and/or scope -> base URL pairs.
  'registries-d': z.string().optional(),
  'registry-lookaside': z.record(z.string(), z.string()).optional(),
  tls: z.boolean().optional(),
  tlscacert: z.string().optional(),
  tlscert: z.string().optional(),
  tlskey: z.string().optional(),
  tlsverify: z.boolean().optional(),
  bridge: z.string().optional(),
  bip: z.string().optional(),
  'fixed-cidr': z.string().optional(),
  icc: z.boolean().optional(),
  ip: z.string().optional(),
  'ip-forward': z.boolean().optional(),
  'ip-masq': z.boolean().optional(),
  iptables: z.boolean().optional(),
  mtu: z.number().int().optional(),
  dns: z.array(z.string()).optional(),
  'dns-search': z.array(z.string()).optional(),
  'storage-driver': z.string().optional(),
  'storage-opts': z.array(z.string()).optional(),
  'default-runtime': z.string().optional(),
  runtimes: z.record(z.string(), z.object({ path: z.string(), runtimeArgs: z.array(z.string()).optional() })).optional(),
  'cgroup-parent': z.string().optional(),
  'exec-opts': z.array(z.string()).optional(),
  labels: z.array(z.string()).optional(),
  group: z.string().optional(),
  experimental: z.boolean().optional(),
  'max-concurrent-downloads': z.number().int().positive().optional(),
  'max-concurrent-uploads': z.number().int().positive().optional(),
  'live-restore': z.boolean().optional(),
}).strict();

export type ConfigFile = z.infer<typeof configSchema>;

export interface DaemonConfig {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  debug: boolean;
  pidfile: string | undefined;
  insecureRegistries: string[];
  registryMirrors: string[];
  tls: { verify: boolean; ca?: string; cert?: string; key?: string } | undefined;
  storageDriver: string | undefined;
  storageOpts: string[];
  defaultRuntime: string;
  runtimes: Record<string, { path: string; runtimeArgs?: string[] }>;
  cgroupParent: string | undefined;
  labels: string[];
  group: string;
  experimental: boolean;
  network: {
    bridge?: string; bip?: string; fixedCidr?: string; icc?: boolean; ip?: string; ipForward?: boolean;
    ipMasq?: boolean; iptables?: boolean; mtu?: number; dns: string[]; dnsSearch: string[];
  };
  /** Everything as merged, for routes that need a key not modelled above. */
  raw: ConfigFile;
}

export const defaultSocket = 'unix:///run/berth/berth.sock';
export const defaultDataRoot = '/var/lib/berth';
export const defaultExecRoot = '/run/berth';
export const defaultConfigFile = '/etc/berth/daemon.json';

export function resolveConfig(merged: ConfigFile): DaemonConfig {
  const tlsOn = merged.tlsverify === true || merged.tls === true;
  return {
    hosts: merged.hosts && merged.hosts.length > 0 ? merged.hosts : [defaultSocket],
    dataRoot: merged['data-root'] ?? defaultDataRoot,
    execRoot: merged['exec-root'] ?? defaultExecRoot,
    debug: merged.debug === true || merged['log-level'] === 'debug',
    pidfile: merged.pidfile,
    insecureRegistries: merged['insecure-registries'] ?? [],
    registryMirrors: merged['registry-mirrors'] ?? [],
    tls: tlsOn ? {
      verify: merged.tlsverify === true,
      ...(merged.tlscacert ? { ca: merged.tlscacert } : {}),
      ...(merged.tlscert ? { cert: merged.tlscert } : {}),
      ...(merged.tlskey ? { key: merged.tlskey } : {}),
    } : undefined,
    storageDriver: merged['storage-driver'],
    storageOpts: merged['storage-opts'] ?? [],
    defaultRuntime: merged['default-runtime'] ?? 'berth-runtime',
    runtimes: merged.runtimes ?? {},
    cgroupParent: merged['cgroup-parent'],
    labels: merged.labels ?? [],
    group: merged.group ?? 'berth',
    experimental: merged.experimental === true,
    network: {
      ...(merged.bridge !== undefined ? { bridge: merged.bridge } : {}),
      ...(merged.bip !== undefined ? { bip: merged.bip } : {}),
      ...(merged['fixed-cidr'] !== undefined ? { fixedCidr: merged['fixed-cidr'] } : {}),
      ...(merged.icc !== undefined ? { icc: merged.icc } : {}),
      ...(merged.ip !== undefined ? { ip: merged.ip } : {}),
      ...(merged['ip-forward'] !== undefined ? { ipForward: merged['ip-forward'] } : {}),
      ...(merged['ip-masq'] !== undefined ? { ipMasq: merged['ip-masq'] } : {}),
      ...(merged.iptables !== undefined ? { iptables: merged.iptables } : {}),
      ...(merged.mtu !== undefined ? { mtu: merged.mtu } : {}),
      dns: merged.dns ?? [],
      dnsSearch: merged['dns-search'] ?? [],
    },
    raw: merged,
  };
}
