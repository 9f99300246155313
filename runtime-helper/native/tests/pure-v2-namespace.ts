// A pure cgroup v2 layout on a host that has another one (this VM is hybrid): a persistent mount
// namespace, kept alive by binding its nsfs file on a private directory, in which
// /sys/fs/cgroup is a fresh cgroup2 mount and no v1 hierarchy is visible. Every runtime call
// enters it with nsenter. The cgroup2 tree is the host's own (no cgroup namespace), so the test
// reads the container's cgroup from the host's cgroup2 mount.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs a wrapped runtime under strace when BERTH_V2_TRACE names an output file. */
const TRACE_WRAPPER =
  'if [ -n "$BERTH_V2_TRACE" ]; then exec strace $BERTH_V2_TRACE_FLAGS -y -o "$BERTH_V2_TRACE" ' +
  '-e trace=openat,clone,clone3,write -- "$@"; fi; exec "$@"';

export class PureV2Namespace {
  /** The command prefix that runs a program inside the namespace (with the strace switch). */
  readonly wrapper: string[];
  /** The host's mount of the same cgroup2 hierarchy. */
  readonly hostV2Root: string;
  private readonly dir: string;
  private readonly nsFile: string;
  private mounted = false;
  private bound = false;

  constructor() {
    this.hostV2Root = hostCgroup2Mount();
    this.dir = mkdtempSync(join(tmpdir(), 'berth-v2ns-'));
    this.nsFile = join(this.dir, 'mnt');
    this.wrapper = ['nsenter', `--mount=${this.nsFile}`, '--', 'sh', '-c', TRACE_WRAPPER, 'berth-v2-wrap'];
    try {
      // unshare --mount=FILE binds the new namespace on FILE, which must sit on a private mount.
      execFileSync('mount', ['--bind', this.dir, this.dir]);
      this.mounted = true;
      execFileSync('mount', ['--make-private', this.dir]);
      writeFileSync(this.nsFile, '');
      execFileSync('unshare', [`--mount=${this.nsFile}`, '--propagation', 'private', 'true']);
      this.bound = true;
      // umount -l takes the tmpfs and every v1 mount below it, so none shows in mountinfo.
      this.sh('(umount -l /sys/fs/cgroup 2>/dev/null || true) && mount -t cgroup2 cgroup2 /sys/fs/cgroup');
    } catch (e) {
      this.destroy();
      throw new Error(`make a pure cgroup v2 mount namespace in ${this.dir}: ${(e as Error).message}`);
    }
  }

  /** Runs a shell script inside the namespace and returns its stdout. */
  sh(script: string): string {
    return execFileSync('nsenter', [`--mount=${this.nsFile}`, '--', 'sh', '-c', script], { encoding: 'utf8' });
  }

  /** The host directory of a cgroup path of the v2 tree. */
  hostDir(cgroupsPath: string): string {
    return join(this.hostV2Root, cgroupsPath);
  }

  destroy(): void {
    if (this.bound) execFileSync('umount', [this.nsFile]);
    this.bound = false;
    if (this.mounted) execFileSync('umount', [this.dir]);
    this.mounted = false;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Where the host mounts the cgroup2 hierarchy (/sys/fs/cgroup/unified on a hybrid host). */
function hostCgroup2Mount(): string {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    const fields = left?.split(' ') ?? [];
    if (right?.startsWith('cgroup2 ') && fields[3] === '/') return fields[4]!;
  }
  throw new Error('no cgroup2 mount of the hierarchy root in /proc/self/mountinfo');
}

export interface CloneIntoCgroup {
  /** The pid clone3 returned. */
  pid: number;
  /** The directory the cgroup fd was opened on (inside the namespace). */
  cgroupDir: string | undefined;
}

/**
 * The clone3 calls with CLONE_INTO_CGROUP in an strace -y log, each with the directory its
 * cgroup fd was opened on (the last openat that returned that fd before the clone).
 */
export function clonesIntoCgroup(trace: string): CloneIntoCgroup[] {
  const fds = new Map<string, string>();
  const out: CloneIntoCgroup[] = [];
  for (const line of joinInterrupted(trace)) {
    const opened = /openat\(.*\)\s+=\s+(\d+)<([^>]*)>$/.exec(line);
    if (opened) fds.set(opened[1]!, opened[2]!);
    const clone = /clone3\(\{flags=([A-Z_|]*).*cgroup=(\d+)\}, \d+\)\s+=\s+(\d+)/.exec(line);
    if (clone && clone[1]!.split('|').includes('CLONE_INTO_CGROUP'))
      out.push({ pid: Number(clone[3]), cgroupDir: fds.get(clone[2]!) });
  }
  return out;
}

/** strace -f splits a call that another process interrupts: "PID call(... <unfinished ...>" and
 * later "PID <... call resumed>...) = N". Joined back into one line each. */
function joinInterrupted(trace: string): string[] {
  const pending = new Map<string, string>();
  const out: string[] = [];
  for (const line of trace.split('\n')) {
    const cut = /^(\d+)\s+(.*) <unfinished \.\.\.>$/.exec(line);
    if (cut) {
      pending.set(cut[1]!, cut[2]!);
      continue;
    }
    const resumed = /^(\d+)\s+<\.\.\. \w+ resumed>(.*)$/.exec(line);
    out.push(resumed ? `${resumed[1]} ${pending.get(resumed[1]!) ?? ''}${resumed[2]}` : line);
  }
  return out;
}

/** Lines of an strace -y log that write to a cgroup.procs file (moving a process). */
export function cgroupProcsWrites(trace: string): string[] {
  return joinInterrupted(trace).filter((l) => /write\(\d+<[^>]*\/cgroup\.procs>/.test(l));
}
