// A real podman (Debian's podman 4.3) kept to a directory of its own: storage root, run root, tmp
// dir, lock files, events log, network config and containers.conf all live in one temp dir, so a
// test can use it beside anything else on the host and remove every trace afterwards.
// startPodmanService() adds its Docker-compatible API (`podman system service`) on a socket there.
//
// What podman leaves behind, and what stop() therefore undoes: exec sessions' conmon processes
// (they wait `exit_command_delay`, 300 s, for the API to ask for the exit code), the container and
// conmon cgroups under /libpod_parent (cgroupfs manager), the overlay and shm mounts under its
// root, and the directory itself. A test process that died before stop() leaves a directory whose
// name holds its pid: the next start sweeps those.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { hierarchies } from './cgroup-probe.js';
import { mountsUnder } from './leftovers.js';

const run = promisify(execFile);
const DIR_PREFIX = 'berth-podman-svc-';
/** podman's cgroup parent with the cgroupfs manager (containers.conf has no setting for it in 4.3). */
const CGROUP_PARENT = 'libpod_parent';

/** The containers.conf for a sandbox in `dir`. */
function containersConf(dir: string): string {
  return [
    '[containers]',
    // Podman raises RLIMIT_NOFILE/NPROC for root by default; this host's root lacks
    // CAP_SYS_RESOURCE, so raising fails: keep the limits the service has.
    'default_ulimits = []',
    '[network]',
    // Never the host's /etc/containers/networks (netavark's bridge stays untouched; tests use
    // --network none).
    `network_config_dir = "${dir}/networks"`,
    '[engine]',
    'cgroup_manager = "cgroupfs"', // no systemd here
    'events_logger = "file"', // no journald either
    `events_logfile_path = "${dir}/events.log"`,
    // File locks in our tmp dir instead of the host-wide /dev/shm/libpod_lock.
    'lock_type = "file"',
    `tmp_dir = "${dir}/tmp"`,
    `image_copy_tmp_dir = "${dir}/tmp"`,
    `static_dir = "${dir}/root/libpod"`,
    `volume_path = "${dir}/volumes"`,
    '',
  ].join('\n');
}

/** No search registries (a short name never goes out to a registry); `insecure` hosts (a test
 * registry on 127.0.0.1 over plain HTTP, which podman, unlike dockerd, does not trust by itself). */
function registriesConf(insecure: string[]): string {
  return ['unqualified-search-registries = []', ...insecure.flatMap((host) => ['', '[[registry]]', `location = "${host}"`, 'insecure = true']), ''].join('\n');
}

export interface PodmanSandbox {
  dir: string;
  /** Global flags every podman command against this sandbox needs (--root, --runroot, ...). */
  args: string[];
  /** The environment for those commands (CONTAINERS_CONF). */
  env: NodeJS.ProcessEnv;
  /** Runs `podman <args>` against this sandbox; stdout, or an error with podman's stderr. */
  cli(args: string[], timeoutMs?: number): Promise<string>;
  /** Removes every container, then everything podman left on the host; returns what is still there. */
  cleanup(): Promise<PodmanLeftovers>;
}

export interface PodmanLeftovers { processes: string[]; mounts: string[]; cgroups: string[]; files: string[] }

export interface PodmanOptions {
  /** The OCI runtime, a path (podman --runtime). */
  runtime?: string;
  /** host:port of plain-HTTP registries podman may use. */
  insecureRegistries?: string[];
}

/** A podman whose whole state lives in a fresh temp dir. */
export async function createPodmanSandbox(opts: PodmanOptions = {}): Promise<PodmanSandbox> {
  await sweepDeadSandboxes();
  const dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  return sandboxIn(dir, opts.runtime, opts.insecureRegistries);
}

function sandboxIn(dir: string, runtime?: string, insecureRegistries: string[] = []): PodmanSandbox {
  const conf = join(dir, 'containers.conf');
  if (!existsSync(conf)) writeFileSync(conf, containersConf(dir));
  const args = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--tmpdir', join(dir, 'tmp'), '--storage-driver', 'overlay', ...(runtime ? ['--runtime', runtime] : [])];
  const registries = join(dir, 'registries.conf');
  if (!existsSync(registries)) writeFileSync(registries, registriesConf(insecureRegistries));
  // Our registries.conf, not the host's (whose drop-ins alias short names to outside registries).
  const env = { ...process.env, CONTAINERS_CONF: conf, CONTAINERS_REGISTRIES_CONF: registries };
  const cli = async (cmd: string[], timeoutMs = 60_000) => {
    try {
      return (await run('podman', [...args, ...cmd], { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 })).stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`podman ${cmd.join(' ')}: ${err.stderr?.trim() || err.message}`);
    }
  };
  return { dir, args, env, cli, cleanup: () => cleanupSandbox(dir, cli) };
}

/** Processes that belong to the sandbox: their command line names the dir (podman, conmon, the
 * exit command) or their root lies in it (a container's processes). */
function processesIn(dir: string): { pid: number; what: string }[] {
  const found: { pid: number; what: string }[] = [];
  const inDir = (p: string) => p === dir || p.startsWith(`${dir}/`);
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      if (!cmdline) continue; // a zombie or a kernel thread
      let root = '';
      try { root = readlinkSync(`/proc/${pid}/root`); } catch { /* exited, or not ours to read */ }
      if (cmdline.includes(dir) || inDir(root)) found.push({ pid, what: `pid ${pid}: ${cmdline.slice(0, 160)}` });
    } catch {
      /* exited while we looked */
    }
  }
  return found;
}

/** The cgroup directories of these containers, and podman's conmon group and parent, that exist. */
function cgroupsOf(ids: string[]): string[] {
  const out: string[] = [];
  for (const h of hierarchies()) {
    const parent = join(h, CGROUP_PARENT);
    if (!existsSync(parent)) continue;
    for (const id of ids) if (existsSync(join(parent, `libpod-${id}`))) out.push(join(parent, `libpod-${id}`));
  }
  return out;
}

/** rmdir depth-first; a directory still used (by another podman on the host) stays. */
function removeCgroupTree(path: string): void {
  if (!existsSync(path)) return;
  for (const e of readdirSync(path, { withFileTypes: true })) if (e.isDirectory()) removeCgroupTree(join(path, e.name));
  try { rmdirSync(path); } catch { /* busy: in use elsewhere */ }
}

function podmanProcessesOutside(dir: string): boolean {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (/(^|\/)(podman|conmon)\0/.test(cmd) && !cmd.includes(dir)) return true;
    } catch { /* gone */ }
  }
  return false;
}

async function cleanupSandbox(dir: string, cli: PodmanSandbox['cli']): Promise<PodmanLeftovers> {
  if (!existsSync(dir)) return { processes: [], mounts: [], cgroups: [], files: [] };
  const ids = existsSync(join(dir, 'root'))
    ? (await cli(['ps', '-a', '--no-trunc', '--format', '{{.ID}}']).catch(() => '')).split('\n').filter(Boolean)
    : [];
  // -t 0: SIGKILL at once (a `sleep` PID 1 ignores SIGTERM and podman would wait 10 s).
  await cli(['rm', '-a', '-f', '-t', '0']).catch(() => undefined);
  // The service and the exec sessions' conmons (waiting 300 s for an exit-code query) go next.
  for (let i = 0; i < 50; i++) {
    const procs = processesIn(dir);
    if (procs.length === 0) break;
    for (const p of procs) { try { process.kill(p.pid, i < 10 ? 'SIGTERM' : 'SIGKILL'); } catch { /* gone */ } }
    await sleep(100);
  }
  if (existsSync(join(dir, 'root'))) await cli(['system', 'reset', '-f']).catch(() => undefined);
  for (const p of processesIn(dir)) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
  // Overlay and shm mounts (podman keeps its overlay dir as a private bind mount), deepest first.
  for (const m of mountsUnder(dir).sort().reverse()) await run('umount', ['-l', m]).catch(() => undefined);
  // The kernel frees a cgroup a moment after its last task: retry for a while.
  for (let i = 0; i < 30 && cgroupsOf(ids).length; i++) {
    for (const c of cgroupsOf(ids)) removeCgroupTree(c);
    if (cgroupsOf(ids).length) await sleep(100);
  }
  // podman's conmon group and the parent are shared by every podman on the host: removed only
  // when no other podman runs (rmdir leaves them anyway while they hold tasks).
  if (!podmanProcessesOutside(dir)) for (const h of hierarchies()) removeCgroupTree(join(h, CGROUP_PARENT));
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  return leftoversOf(dir, ids);
}

function leftoversOf(dir: string, ids: string[]): PodmanLeftovers {
  return {
    processes: processesIn(dir).map((p) => p.what),
    mounts: mountsUnder(dir),
    cgroups: cgroupsOf(ids),
    files: existsSync(dir) ? [dir] : [],
  };
}

/** Sandboxes of test processes that died before their cleanup ran (their pid is in the name). */
async function sweepDeadSandboxes(): Promise<void> {
  for (const name of readdirSync(tmpdir())) {
    const m = new RegExp(`^${DIR_PREFIX}(\\d+)-`).exec(name);
    if (!m || existsSync(`/proc/${m[1]}`)) continue;
    const dir = join(tmpdir(), name);
    const left = await sandboxIn(dir).cleanup();
    if (Object.values(left).some((v) => v.length)) console.error(`podman sandbox ${dir} of a dead test process: still left ${JSON.stringify(left)}`);
  }
}

export interface PodmanService extends PodmanSandbox {
  socket: string;
  host: string; // DOCKER_HOST value
  client: Docker;
  logFile: string;
  /** Imports the busybox test rootfs tar as `name` (podman stores it as localhost/<name>). */
  importImage(tar: string, name: string): Promise<void>;
  /** cleanup(), and throws if anything is left. */
  stop(): Promise<void>;
}

/** `podman system service` on a socket in a fresh sandbox, answering /_ping. */
export async function startPodmanService(opts: PodmanOptions = {}): Promise<PodmanService> {
  const sandbox = await createPodmanSandbox(opts);
  const socket = join(sandbox.dir, 'podman.sock');
  const logFile = join(sandbox.dir, 'service.log');
  const out = openSync(logFile, 'a');
  // -t 0: no idle timeout; the service lives until stop().
  const child: ChildProcess = spawn('podman', [...sandbox.args, 'system', 'service', '-t', '0', `unix://${socket}`], { env: sandbox.env, stdio: ['ignore', out, out] });
  const client = new Docker({ socketPath: socket });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = readFileSync(logFile, 'utf8');
      await sandbox.cleanup();
      throw new Error(`podman system service exited with ${child.exitCode}: ${log.slice(-2000)}`);
    }
    if (existsSync(socket)) {
      try { await client.ping(); break; } catch { /* not ready */ }
    }
    if (Date.now() > deadline) {
      await sandbox.cleanup();
      throw new Error(`podman system service did not answer /_ping within 30 s`);
    }
    await sleep(100);
  }
  return {
    ...sandbox, socket, host: `unix://${socket}`, client, logFile,
    async importImage(tar, name) { await sandbox.cli(['import', tar, name]); },
    async stop() {
      const left = await sandbox.cleanup();
      const listed = Object.entries(left).filter(([, v]) => v.length).map(([k, v]) => `${k}: ${v.join(', ')}`);
      if (listed.length) throw new Error(`podman sandbox ${sandbox.dir} left ${listed.join('; ')}`);
    },
  };
}
