// Real engines drive the runtime under test: dockerd with --add-runtime and podman with
// --runtime must run, exec into, pause and stop containers with it, using the same CLIs people use.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDockerd, type Dockerd } from '../../../test-support/dockerd.js';
import { cgroupMode, processCgroup, readCgroupFile } from '../../../test-support/cgroup-probe.js';
import { createPodmanSandbox, type PodmanSandbox } from '../../../test-support/podman.js';
import { busyboxImage, runtimeBinary } from '../../../test-support/paths.js';

const run = promisify(execFile);
const IMAGE = 'busybox:test';

interface Cli {
  (args: string[], timeoutMs?: number): Promise<string>;
  /** The exit code of the command (no throw). */
  code(args: string[]): Promise<number>;
}

/** Runs a CLI and returns stdout; on failure the error carries the CLI's stderr. */
function cli(binary: string, prefix: string[], env: NodeJS.ProcessEnv = process.env): Cli {
  const call = async (args: string[], timeoutMs = 60_000) => {
    try {
      const { stdout } = await run(binary, [...prefix, ...args], {
        env,
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`${binary} ${args.join(' ')}: ${err.stderr?.trim() || err.message}`);
    }
  };
  return Object.assign(call, {
    async code(args: string[]) {
      try {
        await run(binary, [...prefix, ...args], { env, timeout: 60_000 });
        return 0;
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (typeof code !== 'number') throw e;
        return code;
      }
    },
  });
}

/** SIGKILL then remove: `podman rm -f` would first wait 10 s for a `sleep` PID 1 to take SIGTERM. */
async function removeNow(c: Cli, name: string): Promise<void> {
  await c(['kill', name]).catch(() => undefined);
  await c(['rm', '-f', name]).catch(() => undefined);
}

/** The same checks for both engines: a one-shot run, then a detached container's life. */
function engineBehaviour(name: string, getCli: () => Cli, runtimeFlags: () => string[]): void {
  /** `docker run --rm` of a shell script in the test image, with extra flags, on this engine's runtime. */
  const runSh = (flags: string[], script: string) => getCli()(['run', '--rm', ...flags, ...runtimeFlags(), '--network', 'none', IMAGE, 'sh', '-c', script]);
  it(`${name}: run --rm prints and exits`, async () => {
    const c = getCli();
    expect(await c(['run', '--rm', ...runtimeFlags(), '--network', 'none', IMAGE, 'echo', 'hi'])).toBe(
      'hi\n',
    );
  });

  it(`${name}: the exit code comes back`, async () => {
    const c = getCli();
    expect(
      await c.code(['run', '--rm', ...runtimeFlags(), '--network', 'none', IMAGE, 'sh', '-c', 'exit 3']),
    ).toBe(3);
  });

  it(`${name}: --memory, --pids-limit and --cpu-shares reach the container's cgroup`, async () => {
    const c = getCli();
    const cname = `berth-engine-res-${name}-${process.pid}`;
    await c([
      'run',
      '-d',
      '--name',
      cname,
      ...runtimeFlags(),
      '--network',
      'none',
      '--memory',
      '64m',
      '--pids-limit',
      '20',
      '--cpu-shares',
      '512',
      IMAGE,
      'sleep',
      '1000',
    ]);
    try {
      const pid = Number((await c(['inspect', '-f', '{{.State.Pid}}', cname])).trim());
      expect(pid).toBeGreaterThan(0);
      const read = (ctrl: string, v1: string, v2: string) => {
        const path = processCgroup(pid, ctrl)!;
        return readCgroupFile(path, { controller: ctrl, file: v1 }, v2);
      };
      expect(Number(read('memory', 'memory.limit_in_bytes', 'memory.max'))).toBe(64 * 1024 * 1024);
      expect(read('pids', 'pids.max', 'pids.max')).toBe('20');
      if (cgroupMode() !== 'v2') expect(read('cpu', 'cpu.shares', '')).toBe('512');
    } finally {
      await removeNow(c, cname);
    }
  });

  // --privileged is left to security.test.ts: docker 20.10 asks for CAP_SYS_RESOURCE, which this
  // host's root lacks, and crun then refuses the whole container.
  it(`${name}: --cap-add, --read-only and --user work`, async () => {
    const admin = await runSh(['--cap-add', 'SYS_ADMIN', '--security-opt', 'seccomp=unconfined'], 'mkdir -p /tmp/m && mount -t tmpfs t /tmp/m && echo MOUNTED');
    expect(admin).toContain('MOUNTED');
    const plain = await runSh([], 'mkdir -p /tmp/m; mount -t tmpfs t /tmp/m 2>&1 || echo REFUSED');
    expect(plain).toContain('REFUSED');

    const ro = await runSh(['--read-only', '--user', '1000:1000'], 'id -u; touch /x 2>&1; true');
    expect(ro).toMatch(/^1000$/m);
    expect(ro).toMatch(/Read-only file system/);
  });

  it(`${name}: run -t and exec -t get a terminal (console socket through the engine)`, async () => {
    const c = getCli();
    const out = await runSh(['-t'], 'tty; [ -t 1 ] && echo is-a-tty');
    expect(out).toMatch(/\/dev\/(pts\/\d+|console)/);
    expect(out).toContain('is-a-tty');
    const cname = `berth-engine-tty-${name}-${process.pid}`;
    await c(['run', '-d', '--name', cname, ...runtimeFlags(), '--network', 'none', IMAGE, 'sleep', '1000']);
    try {
      const ex = await c(['exec', '-t', cname, 'sh', '-c', '[ -t 1 ] && echo exec-tty']);
      expect(ex).toContain('exec-tty');
    } finally {
      await removeNow(c, cname);
    }
  });

  it(`${name}: detached container: exec, pause, unpause, stop`, async () => {
    const c = getCli();
    const cname = `berth-engine-${name}-${process.pid}`;
    // A counter renamed into place (never read half-written) shows whether the container runs.
    const id = (
      await c([
        'run',
        '-d',
        '--name',
        cname,
        ...runtimeFlags(),
        '--network',
        'none',
        '--hostname',
        'engine-host',
        IMAGE,
        'sh',
        '-c',
        'i=0; while :; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; usleep 50000; done',
      ])
    ).trim();
    try {
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      expect(await c(['exec', cname, 'hostname'])).toBe('engine-host\n');
      expect((await c(['exec', cname, 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "'])).trim()).toMatch(
        /^sh -c i=0/,
      );
      expect(await c(['exec', cname, 'sh', '-c', 'exit 0'])).toBe('');

      await c(['pause', cname]);
      expect((await c(['inspect', '-f', '{{.State.Status}}', cname])).trim()).toBe('paused');
      await c(['unpause', cname]);
      expect((await c(['inspect', '-f', '{{.State.Status}}', cname])).trim()).toBe('running');
      const a = Number((await c(['exec', cname, 'cat', '/tmp/count'])).trim());
      await new Promise((r) => setTimeout(r, 300));
      const b = Number((await c(['exec', cname, 'cat', '/tmp/count'])).trim());
      expect(b).toBeGreaterThan(a);

      await c(['stop', '-t', '1', cname]);
      expect((await c(['inspect', '-f', '{{.State.Status}}', cname])).trim()).toBe('exited');
    } finally {
      await removeNow(c, cname);
    }
  });
}

describe('dockerd with --add-runtime berth=<runtime under test>', () => {
  let dockerd: Dockerd | undefined;
  let docker: Cli;

  beforeAll(async () => {
    dockerd = await startDockerd({ runtimes: { berth: runtimeBinary } });
    docker = cli('docker', [], {
      ...process.env,
      DOCKER_HOST: dockerd.host,
      DOCKER_CONFIG: join(dockerd.dataRoot, '..', 'cli'),
    });
    await docker(['import', busyboxImage().tar, IMAGE]);
  });
  afterAll(async () => {
    await dockerd?.stop();
  });

  engineBehaviour(
    'docker',
    () => docker,
    () => ['--runtime', 'berth'],
  );
});

describe('podman with --runtime <runtime under test>', () => {
  let sandbox: PodmanSandbox | undefined;
  let podman: Cli;

  beforeAll(async () => {
    // Its root, runroot, tmp dir, locks, events log and containers.conf in one temp dir
    // (test-support/podman.ts, shared with the app's e2e suite against podman).
    sandbox = await createPodmanSandbox({ runtime: runtimeBinary });
    podman = cli('podman', sandbox.args, sandbox.env);
    await podman(['import', busyboxImage().tar, IMAGE]);
  });
  afterAll(async () => {
    // Every container, then podman's processes (exec conmons), mounts, cgroups and the dir.
    expect(await sandbox?.cleanup()).toEqual({ processes: [], mounts: [], cgroups: [], files: [] });
  });

  // Podman raises RLIMIT_NOFILE/NPROC for root by default; this host's root lacks
  // CAP_SYS_RESOURCE, so the containers ask for limits below the host's hard ones.
  engineBehaviour(
    'podman',
    () => podman,
    () => ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096'],
  );
});
