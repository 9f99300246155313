// Builds a throw-away OCI bundle for one test: config.json from the engine's own defaults
// (runtime-helper/src/oci) and a private copy of the busybox rootfs, so tests may write to it,
// plant symlinks in it or chown it without touching other tests. cleanup() removes it all.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSpec } from '../runtime-helper/src/oci/default-spec.js';
import type {
  OciCapabilities,
  OciIdMapping,
  OciMount,
  OciNamespace,
  OciNamespaceType,
  OciResources,
  OciRlimit,
  OciSeccomp,
  OciSpec,
  OciUser,
} from '../runtime-helper/src/oci/spec.js';
import { busyboxImage } from './paths.js';

export interface BundleOptions {
  args?: string[];
  /** Extra variables; PATH is added unless given. */
  env?: string[];
  cwd?: string;
  user?: OciUser;
  terminal?: boolean;
  consoleSize?: { height: number; width: number };
  /** Replaces the default namespace list (pid, network, ipc, uts, mount). */
  namespaces?: Array<OciNamespaceType | OciNamespace>;
  uidMappings?: OciIdMapping[];
  gidMappings?: OciIdMapping[];
  /** Appended after the default mounts. */
  mounts?: OciMount[];
  /** Replaces the default mounts entirely when set. */
  replaceMounts?: OciMount[];
  /** Merged into linux.resources (the default device rules stay unless `devices` is given). */
  resources?: OciResources;
  /** Used for all of bounding, effective and permitted unless a full set is given. */
  capabilities?: string[] | OciCapabilities;
  noNewPrivileges?: boolean;
  rlimits?: OciRlimit[];
  oomScoreAdj?: number;
  seccomp?: OciSeccomp;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  hostname?: string;
  readonlyRootfs?: boolean;
  /** Defaults to a fresh /berth-test/<id>; null leaves cgroupsPath out of the config. */
  cgroupsPath?: string | null;
  /** chown -R the rootfs copy to this host uid:gid (for user-namespace tests). */
  rootfsOwner?: { uid: number; gid: number };
  /** Last word on the config: edit it before it is written. */
  edit?: (spec: OciSpec) => void;
}

export interface Bundle {
  /** A container id unique to this bundle (also usable as a name in the runtime's state dir). */
  id: string;
  dir: string;
  rootfs: string;
  configPath: string;
  /** The cgroupsPath written into the config, or null. */
  cgroupsPath: string | null;
  spec: OciSpec;
  /** Rewrites config.json from `spec` (after a test edited it). */
  writeConfig(): void;
  cleanup(): void;
}

let busybox: string | undefined;

function busyboxRootfs(): string {
  busybox ??= busyboxImage().rootfs;
  return busybox;
}

/** A short, unique container id: berth-t-<pid>-<random>. */
export function uniqueId(prefix = 'berth-t'): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export function makeBundle(opts: BundleOptions = {}): Bundle {
  const id = uniqueId();
  const dir = mkdtempSync(join(tmpdir(), 'berth-bundle-'));
  // mkdtemp makes 0700; a user-namespaced root (a high host uid) must still reach its rootfs.
  chmodSync(dir, 0o755);
  const rootfs = join(dir, 'rootfs');
  try {
    // cp -a keeps busybox's applet hard links, so a copy is ~2 MB and a few milliseconds.
    execFileSync('cp', ['-a', busyboxRootfs(), rootfs]);
    if (opts.rootfsOwner)
      execFileSync('chown', ['-R', `${opts.rootfsOwner.uid}:${opts.rootfsOwner.gid}`, rootfs]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`make bundle rootfs ${rootfs}: ${(e as Error).message}`);
  }

  const cgroupsPath = opts.cgroupsPath === null ? null : (opts.cgroupsPath ?? `/berth-test/${id}`);
  const spec = defaultSpec({
    args: opts.args ?? ['/bin/true'],
    rootfs: 'rootfs',
    hostname: opts.hostname ?? 'berth-test',
    cwd: opts.cwd ?? '/',
    terminal: opts.terminal ?? false,
    readonlyRootfs: opts.readonlyRootfs ?? false,
    ...(opts.env ? { env: opts.env } : {}),
    ...(cgroupsPath ? { cgroupsPath } : {}),
  });
  const proc = spec.process!;
  const linux = spec.linux!;
  if (opts.user) proc.user = opts.user;
  if (opts.consoleSize) proc.consoleSize = opts.consoleSize;
  if (opts.capabilities) {
    proc.capabilities = Array.isArray(opts.capabilities)
      ? {
          bounding: [...opts.capabilities],
          effective: [...opts.capabilities],
          permitted: [...opts.capabilities],
        }
      : opts.capabilities;
  }
  if (opts.noNewPrivileges !== undefined) proc.noNewPrivileges = opts.noNewPrivileges;
  if (opts.rlimits) proc.rlimits = opts.rlimits;
  if (opts.oomScoreAdj !== undefined) proc.oomScoreAdj = opts.oomScoreAdj;
  if (opts.namespaces)
    linux.namespaces = opts.namespaces.map((n) => (typeof n === 'string' ? { type: n } : n));
  if (opts.uidMappings) linux.uidMappings = opts.uidMappings;
  if (opts.gidMappings) linux.gidMappings = opts.gidMappings;
  if (opts.replaceMounts) spec.mounts = opts.replaceMounts;
  if (opts.mounts) spec.mounts = [...(spec.mounts ?? []), ...opts.mounts];
  if (opts.resources) linux.resources = { ...linux.resources, ...opts.resources };
  if (opts.seccomp) linux.seccomp = opts.seccomp;
  if (opts.maskedPaths) linux.maskedPaths = opts.maskedPaths;
  if (opts.readonlyPaths) linux.readonlyPaths = opts.readonlyPaths;
  opts.edit?.(spec);

  const configPath = join(dir, 'config.json');
  const bundle: Bundle = {
    id,
    dir,
    rootfs,
    configPath,
    cgroupsPath,
    spec,
    writeConfig() {
      writeFileSync(configPath, JSON.stringify(spec, null, 2));
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  bundle.writeConfig();
  return bundle;
}
