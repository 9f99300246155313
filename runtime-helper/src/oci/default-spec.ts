// Builds a complete config.json with Docker's defaults for one process: the starting point the
// engine then adjusts (resources, mounts, user, ...) for each container.
import {
  DEFAULT_CAPABILITIES,
  DEFAULT_MASKED_PATHS,
  DEFAULT_PATH_ENV,
  DEFAULT_READONLY_PATHS,
  defaultDeviceCgroupRules,
  defaultMounts,
} from './defaults.js';
import { OCI_VERSION, type OciNamespaceType, type OciSpec } from './spec.js';

export interface DefaultSpecOptions {
  args: string[];
  /** The rootfs path as written in root.path (absolute, or relative to the bundle). */
  rootfs: string;
  hostname?: string;
  env?: string[];
  cwd?: string;
  terminal?: boolean;
  readonlyRootfs?: boolean;
  cgroupsPath?: string;
}

/** The namespaces of a `docker run --network none` container. */
export const DEFAULT_NAMESPACES: readonly OciNamespaceType[] = ['pid', 'network', 'ipc', 'uts', 'mount'];

export function defaultSpec(opts: DefaultSpecOptions): OciSpec {
  const caps = [...DEFAULT_CAPABILITIES];
  const env = opts.env ?? [];
  return {
    ociVersion: OCI_VERSION,
    process: {
      terminal: opts.terminal ?? false,
      user: { uid: 0, gid: 0 },
      args: opts.args,
      env: env.some((e) => e.startsWith('PATH=')) ? env : [DEFAULT_PATH_ENV, ...env],
      cwd: opts.cwd ?? '/',
      capabilities: { bounding: caps, effective: [...caps], permitted: [...caps] },
      noNewPrivileges: false,
    },
    root: { path: opts.rootfs, readonly: opts.readonlyRootfs ?? false },
    hostname: opts.hostname ?? 'berth',
    mounts: defaultMounts(),
    linux: {
      namespaces: DEFAULT_NAMESPACES.map((type) => ({ type })),
      maskedPaths: [...DEFAULT_MASKED_PATHS],
      readonlyPaths: [...DEFAULT_READONLY_PATHS],
      resources: { devices: defaultDeviceCgroupRules() },
      ...(opts.cgroupsPath ? { cgroupsPath: opts.cgroupsPath } : {}),
    },
  };
}
