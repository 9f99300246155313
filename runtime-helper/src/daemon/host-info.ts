// Facts about the host that /info and /version report, read from the host itself.
import { readFileSync, existsSync, statfsSync, statSync, accessSync, constants } from 'node:fs';
import { release, cpus, totalmem, arch, hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const CGROUP2_SUPER_MAGIC = 0x63677270;
const TMPFS_MAGIC = 0x01021994;

export type CgroupVersion = '1' | '2';

/** v2 when /sys/fs/cgroup is cgroup2; v1 otherwise (a hybrid host has v1 controllers). */
export function cgroupVersion(): CgroupVersion {
  try {
    const st = statfsSync('/sys/fs/cgroup');
    if (Number(st.type) === CGROUP2_SUPER_MAGIC) return '2';
    if (Number(st.type) === TMPFS_MAGIC) return '1';
  } catch { /* no cgroupfs: report v1 */ }
  return '1';
}

export function operatingSystem(): { name: string; version: string } {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const get = (k: string): string => text.split('\n').find((l) => l.startsWith(`${k}=`))?.slice(k.length + 1).replace(/^"|"$/g, '') ?? '';
    return { name: get('PRETTY_NAME') || 'Linux', version: get('VERSION_ID') };
  } catch {
    return { name: 'Linux', version: '' };
  }
}

export function goArch(): string {
  const a = arch();
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

export interface RuntimeInfo { path: string; runtimeArgs?: string[] }

const berthRuntimePath = fileURLToPath(new URL('../../native/build/berth-runtime', import.meta.url));

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const p = `${dir}/${name}`;
    try { accessSync(p, constants.X_OK); return p; } catch { /* next */ }
  }
  return undefined;
}

/** berth-runtime from the native build, crun and runc if installed, plus configured ones. */
export function discoverRuntimes(configured: Record<string, RuntimeInfo>): Record<string, RuntimeInfo> {
  const out: Record<string, RuntimeInfo> = {};
  if (existsSync(berthRuntimePath)) out['berth-runtime'] = { path: berthRuntimePath };
  for (const name of ['crun', 'runc']) {
    const p = which(name);
    if (p) out[name] = { path: p };
  }
  return { ...out, ...configured };
}

/** `--version` output per binary, keyed by path + mtime + size so an upgraded runtime is seen. */
const versionCache = new Map<string, { key: string; version: string }>();

function binaryKey(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch { return undefined; }
}

/** The first line of `PATH --version`; spawned once per binary version, not per request. */
export function runtimeVersion(path: string): string {
  const key = binaryKey(path);
  if (key === undefined) { versionCache.delete(path); return ''; }
  const cached = versionCache.get(path);
  if (cached && cached.key === key) return cached.version;
  try {
    const out = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
    const version = out.split('\n')[0]?.trim() ?? '';
    versionCache.set(path, { key, version });
    return version;
  } catch {
    // Not cached: a run that timed out under load gets another chance next request.
    return '';
  }
}

export interface HostInfo {
  kernel: string;
  os: { name: string; version: string };
  arch: string;
  ncpu: number;
  memTotal: number;
  hostname: string;
  cgroupVersion: CgroupVersion;
  cgroupDriver: 'cgroupfs';
}

export function hostInfo(): HostInfo {
  return {
    kernel: release(), os: operatingSystem(), arch: goArch(), ncpu: cpus().length, memTotal: totalmem(),
    hostname: hostname(), cgroupVersion: cgroupVersion(),
    // No systemd manages cgroups here; Berth writes cgroupfs directly.
    cgroupDriver: 'cgroupfs',
  };
}
