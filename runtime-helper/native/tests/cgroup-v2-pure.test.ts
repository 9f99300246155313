// The runtime on a pure cgroup v2 layout, as most hosts have it: a private mount namespace whose
// /sys/fs/cgroup is a cgroup2 mount (see pure-v2-namespace.ts). On this hybrid VM every
// controller is bound to v1, so that tree has none: cgroup.freeze, cgroup.events and eBPF device
// filters work, limits that need a controller cannot. The whole lifecycle runs there, with the
// init and exec'd processes born in their cgroup (clone3 CLONE_INTO_CGROUP, seen with strace).
//
// crun 1.8, by name: it raises RLIMIT_MEMLOCK before loading its eBPF device filter and fails when
// it may not (root here lacks CAP_SYS_RESOURCE), so its bundles drop the device rules except in
// the test that shows exactly that; and it leaves the cgroup behind when a limit fails.
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeBundle, type Bundle, type BundleOptions } from '../../../test-support/bundle.js';
import { isBerthRuntime, waitFor } from '../../../test-support/container-harness.js';
import { runtimeBinary } from '../../../test-support/paths.js';
import { assertOk, RuntimeCli, type RunResult } from '../../../test-support/runtime-cli.js';
import type { OciResources } from '../../src/oci/spec.js';
import { cgroupProcsWrites, clonesIntoCgroup, PureV2Namespace } from './pure-v2-namespace.js';

const isCrun = basename(runtimeBinary) === 'crun';
const idle = ['/bin/sleep', '1000'];

let ns: PureV2Namespace;
let rt: RuntimeCli;
let controllers: string[];
let bundles: Bundle[] = [];
let traceSeq = 0;
/** Cgroups of containers made without cgroupsPath, to tidy up after a failure. */
let madeCgroups: string[] = [];

beforeAll(() => {
  ns = new PureV2Namespace();
  rt = new RuntimeCli(runtimeBinary, ns.wrapper);
  controllers = readFileSync(join(ns.hostV2Root, 'cgroup.controllers'), 'utf8').split(/\s+/).filter(Boolean);
});

afterEach(async () => {
  for (const b of bundles) {
    await rt.delete(b.id, { force: true, timeoutMs: 15_000 }).catch(() => undefined);
    // crun leaves a cgroup behind when a limit fails; keep the host tidy (not an assertion).
    if (b.cgroupsPath) madeCgroups.push(b.cgroupsPath);
    b.cleanup();
  }
  for (const path of madeCgroups)
    for (const dir of [ns.hostDir(path), dirname(ns.hostDir(path))]) rmdirQuietly(dir);
  bundles = [];
  madeCgroups = [];
});

afterAll(async () => {
  await rt?.destroy();
  ns?.destroy();
});

function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    /* still in use or already gone */
  }
}

function bundle(opts: BundleOptions, keepDevices = false): Bundle {
  const b = makeBundle({
    ...opts,
    edit: (spec) => {
      if (isCrun && !keepDevices) delete spec.linux!.resources!.devices;
      opts.edit?.(spec);
    },
  });
  bundles.push(b);
  return b;
}

/** Env that makes the namespace's wrapper run the runtime under strace into a fresh file. */
function traced(follow: boolean): { env: NodeJS.ProcessEnv; read: () => string } {
  const file = join(rt.root, '..', `strace-${++traceSeq}.log`);
  return {
    env: {
      ...process.env,
      BERTH_V2_TRACE: file,
      BERTH_V2_TRACE_FLAGS: follow ? '-f' : '',
      // LeakSanitizer cannot run under ptrace (the ASan pass); the untraced calls still check.
      ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'detect_leaks=0'].filter(Boolean).join(':'),
    },
    read: () => readFileSync(file, 'utf8'),
  };
}

function cgroupFile(b: Bundle, file: string): string {
  return readFileSync(join(ns.hostDir(b.cgroupsPath!), file), 'utf8');
}

function procsOf(b: Bundle): number[] {
  return cgroupFile(b, 'cgroup.procs').split('\n').filter(Boolean).map(Number);
}

/** /proc/PID/cgroup split into the v2 line ("0::path") and the v1 lines. */
function cgroupLines(text: string): { v2: string | undefined; v1: string[] } {
  const lines = text.split('\n').filter(Boolean);
  return { v2: lines.find((l) => l.startsWith('0::')), v1: lines.filter((l) => !l.startsWith('0::')) };
}

async function createAndStart(b: Bundle): Promise<number> {
  assertOk(await rt.create(b.id, b.dir));
  const { pid } = await rt.state(b.id);
  if (!pid) throw new Error(`state of ${b.id} has no pid`);
  const waiting = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  assertOk(await rt.start(b.id));
  await waitFor(`${b.id} to exec its process`, () => readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== waiting);
  return pid;
}

/** The container's cgroup path, from its init's "0::" line. */
function v2PathOf(pid: number): string {
  const path = cgroupLines(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).v2!.slice(3);
  madeCgroups.push(path);
  return path;
}

function alive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
}

function oneLine(r: RunResult): string {
  expect(r.code).not.toBe(0);
  const text = r.stderr.trim();
  if (isBerthRuntime) expect(text.split('\n')).toHaveLength(1);
  return text;
}

describe('pure cgroup v2 (a mount namespace with cgroup2 at /sys/fs/cgroup)', () => {
  it('the namespace shows only a cgroup2 mount at /sys/fs/cgroup', () => {
    expect(ns.sh('stat -f -c %T /sys/fs/cgroup').trim()).toBe('cgroup2fs');
    const mounts = ns.sh('grep -E " - cgroup2? " /proc/self/mountinfo').trim().split('\n');
    expect(mounts).toHaveLength(1);
    expect(mounts[0]).toMatch(/ \/sys\/fs\/cgroup .* - cgroup2 /);
  });

  it('create makes the cgroup in the v2 tree and the init is born in it (CLONE_INTO_CGROUP)', async () => {
    const b = bundle({ args: idle });
    const t = traced(false);
    assertOk(await rt.create(b.id, b.dir, { env: t.env }));
    const { pid, status } = await rt.state(b.id);
    expect(status).toBe('created');
    if (!pid) throw new Error(`state of ${b.id} has no pid`);
    expect(existsSync(join(ns.hostDir(b.cgroupsPath!), 'cgroup.procs'))).toBe(true);
    // Born in its cgroup: the clone that made the init carried the cgroup's fd, and nothing
    // moved a process through cgroup.procs afterwards.
    const trace = t.read();
    const clone = clonesIntoCgroup(trace).find((c) => c.pid === pid);
    expect(clone, `a clone3 with CLONE_INTO_CGROUP returning ${pid} in:\n${trace}`).toBeDefined();
    expect(clone!.cgroupDir).toBe(join('/sys/fs/cgroup', b.cgroupsPath!));
    expect(cgroupProcsWrites(trace)).toEqual([]);
    const own = cgroupLines(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
    expect(own.v2).toBe(`0::${b.cgroupsPath}`);
    // No v1 hierarchy was touched: the init keeps the v1 cgroups of whoever ran the runtime.
    expect(own.v1).toEqual(cgroupLines(readFileSync('/proc/self/cgroup', 'utf8')).v1);
    expect(procsOf(b)).toEqual([pid]);
  });

  it('start, state, exec (born in the cgroup too), kill and delete; the cgroup goes with it', async () => {
    const b = bundle({ args: idle });
    const pid = await createAndStart(b);
    expect((await rt.state(b.id)).status).toBe('running');
    expect(cgroupFile(b, 'cgroup.events')).toMatch(/^populated 1$/m);

    const t = traced(true);
    const ex = assertOk(await rt.exec(b.id, ['/bin/cat', '/proc/self/cgroup'], { env: t.env }));
    expect(cgroupLines(ex.stdout).v2).toBe(`0::${b.cgroupsPath}`);
    const clones = clonesIntoCgroup(t.read());
    const cloneLines = t.read().split('\n').filter((l) => /clone|cgroup/.test(l)).join('\n');
    expect(clones.map((c) => c.cgroupDir), cloneLines).toContain(join('/sys/fs/cgroup', b.cgroupsPath!));
    expect(cgroupProcsWrites(t.read())).toEqual([]);
    expect(procsOf(b)).toEqual([pid]); // the exec'd cat is gone again

    assertOk(await rt.kill(b.id, 'SIGKILL'));
    await waitFor('the init to stop', async () => (await rt.state(b.id)).status === 'stopped');
    expect(cgroupFile(b, 'cgroup.events')).toMatch(/^populated 0$/m);
    assertOk(await rt.delete(b.id));
    expect(existsSync(ns.hostDir(b.cgroupsPath!))).toBe(false);
    expect(rt.stateEntries()).not.toContain(b.id);
  });

  it('run returns the exit code and removes the container with its cgroup', async () => {
    const b = bundle({ args: ['/bin/sh', '-c', 'grep -q "^0::/berth-test/" /proc/self/cgroup && exit 7'] });
    const r = await rt.run(b.id, b.dir);
    expect(r.code).toBe(7);
    expect(existsSync(ns.hostDir(b.cgroupsPath!))).toBe(false);
    expect(rt.stateEntries()).not.toContain(b.id);
  });

  it('kill --all signals every process in cgroup.procs', async () => {
    const b = bundle({ args: ['/bin/sh', '-c', 'trap "" TERM; sleep 1001 & sleep 1002 & echo up > /tmp/up; wait'] });
    await createAndStart(b);
    await waitFor('the children', () => existsSync(join(b.rootfs, 'tmp/up')) && procsOf(b).length === 3);
    const pids = procsOf(b);
    assertOk(await rt.kill(b.id, 'SIGKILL', { all: true }));
    await waitFor('every process to die', () => pids.every((p) => !alive(p)));
    await waitFor('the cgroup to empty', () => /^populated 0$/m.test(cgroupFile(b, 'cgroup.events')));
  });

  it('without cgroupsPath the runtime makes a v2 cgroup of its own and removes it', async () => {
    const b = bundle({ args: idle, cgroupsPath: null });
    const pid = await createAndStart(b);
    const path = v2PathOf(pid);
    expect(path).not.toBe('/');
    if (isBerthRuntime) expect(path).toBe(`/berth/${b.id}`);
    expect(readFileSync(join(ns.hostDir(path), 'cgroup.procs'), 'utf8').trim()).toBe(String(pid));
    assertOk(await rt.delete(b.id, { force: true }));
    expect(existsSync(ns.hostDir(path))).toBe(false);
  });

  it('a nested cgroupsPath is made level by level; delete removes only the container\'s own cgroup', async () => {
    const top = `/berth-test/${process.pid}-nest-${++traceSeq}`;
    const b = bundle({ args: idle, cgroupsPath: `${top}/a/b` });
    madeCgroups.push(`${top}/a`, top);
    const pid = await createAndStart(b);
    expect(cgroupLines(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).v2).toBe(`0::${top}/a/b`);
    assertOk(await rt.delete(b.id, { force: true }));
    expect(existsSync(ns.hostDir(`${top}/a/b`))).toBe(false);
    // The parents stay, empty or not, as with runc and crun: they may be another tool's or the
    // user's (with limits of their own), and a shared one is reused by the next container.
    expect(existsSync(ns.hostDir(`${top}/a`))).toBe(true);
    expect(existsSync(ns.hostDir(top))).toBe(true);
  });

  it('a parent made before the container, with limits of its own, outlives the container', async () => {
    const parent = `/berth-test/${process.pid}-parent-${++traceSeq}`;
    ns.sh(`mkdir -p /sys/fs/cgroup${parent} && echo 1 > /sys/fs/cgroup${parent}/cgroup.freeze && echo 0 > /sys/fs/cgroup${parent}/cgroup.freeze`);
    madeCgroups.push(parent);
    const b = bundle({ args: idle, cgroupsPath: `${parent}/c` });
    await createAndStart(b);
    assertOk(await rt.delete(b.id, { force: true }));
    expect(existsSync(ns.hostDir(`${parent}/c`))).toBe(false);
    expect(existsSync(ns.hostDir(parent))).toBe(true);
  });

  // Without a pid namespace nothing ends the forkers when the init dies: every process of the
  // cgroup has to be killed, and a pid list read then signalled misses what forked meanwhile.
  // Each round of the loop forks a subshell that forks a sleep and becomes one (bounded, so a
  // failure cannot run away).
  const forkLoop = ['/bin/sh', '-c', 'i=0; while [ $i -lt 1500 ]; do (sleep 1000 & exec sleep 1000) & i=$((i+1)); done; wait'];
  const noPidns = ['network', 'ipc', 'uts', 'mount'] as const;

  /** The writes of "1" to the container's cgroup.kill in an strace -y log. */
  function cgroupKillWrites(trace: string, b: Bundle): string[] {
    const file = join('/sys/fs/cgroup', b.cgroupsPath!, 'cgroup.kill');
    return trace.split('\n').filter((l) => l.includes(`<${file}>, "1"`) && /^write\(/.test(l.replace(/^\d+\s+/, '')));
  }

  it('kill --all KILL ends a forking loop at once through cgroup.kill; the cgroup empties and delete removes it', async () => {
    const b = bundle({ args: forkLoop, namespaces: [...noPidns] });
    await createAndStart(b);
    await waitFor('the loop to fork', () => procsOf(b).length >= 40);
    const seen = procsOf(b);
    const t = traced(false);
    assertOk(await rt.kill(b.id, 'KILL', { all: true, env: t.env }));
    if (isBerthRuntime) expect(cgroupKillWrites(t.read(), b), t.read()).toHaveLength(1);
    await waitFor('the cgroup to empty', () => /^populated 0$/m.test(cgroupFile(b, 'cgroup.events')));
    expect(seen.filter(alive)).toEqual([]);
    await waitFor('the init to stop', async () => (await rt.state(b.id)).status === 'stopped');
    assertOk(await rt.delete(b.id));
    expect(existsSync(ns.hostDir(b.cgroupsPath!))).toBe(false);
  });

  it('delete --force ends a forking loop through cgroup.kill and removes its cgroup', async () => {
    const b = bundle({ args: forkLoop, namespaces: [...noPidns] });
    await createAndStart(b);
    await waitFor('the loop to fork', () => procsOf(b).length >= 40);
    const seen = procsOf(b);
    const t = traced(false);
    assertOk(await rt.delete(b.id, { force: true, env: t.env }));
    if (isBerthRuntime) expect(cgroupKillWrites(t.read(), b).length, t.read()).toBeGreaterThanOrEqual(1);
    expect(existsSync(ns.hostDir(b.cgroupsPath!))).toBe(false);
    expect(seen.filter(alive)).toEqual([]);
    expect(rt.stateEntries()).not.toContain(b.id);
  });

  it('a cgroup namespace: the init sees its cgroup as / on a cgroup2 /sys/fs/cgroup', async () => {
    const script =
      'grep "^0::" /proc/self/cgroup; grep " /sys/fs/cgroup " /proc/self/mountinfo; cat /sys/fs/cgroup/cgroup.procs';
    for (const cgroupns of [true, false]) {
      const b = bundle({
        args: ['/bin/sh', '-c', script],
        namespaces: ['pid', 'network', 'ipc', 'uts', 'mount', ...(cgroupns ? (['cgroup'] as const) : [])],
      });
      const r = assertOk(await rt.run(b.id, b.dir));
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toBe(cgroupns ? '0::/' : `0::${b.cgroupsPath}`);
      expect(lines[1]).toMatch(/ \/sys\/fs\/cgroup .* - cgroup2 /);
      expect(lines[1]).toMatch(/ ro[, ]/);
      const procs = lines.slice(2);
      // crun 1.8 mounts a fresh cgroup2 without a cgroup namespace too: the whole host tree.
      if (isCrun && !cgroupns) expect(procs.length).toBeGreaterThan(1);
      // Else /sys/fs/cgroup is the container's own cgroup: only the cat reading it (sh exec'd
      // it as pid 1 of the pid namespace), nothing from outside.
      else expect(procs, `cgroupns ${cgroupns}`).toEqual(['1']);
    }
  });

  it('without a pid namespace, delete kills what outlived the init and removes the cgroup', async () => {
    const b = bundle({
      args: ['/bin/sh', '-c', 'sleep 1003 & echo $! > /tmp/child; exit 0'],
      namespaces: ['network', 'ipc', 'uts', 'mount'],
    });
    await createAndStart(b);
    await waitFor('the init to stop', async () => (await rt.state(b.id)).status === 'stopped');
    const child = Number(readFileSync(join(b.rootfs, 'tmp/child'), 'utf8'));
    expect(procsOf(b)).toEqual([child]);
    assertOk(await rt.delete(b.id));
    await waitFor('the orphan to die', () => !alive(child));
    expect(existsSync(ns.hostDir(b.cgroupsPath!))).toBe(false);
  });

  it('a user namespace: the runtime moves the init into its v2 cgroup; exec, pause, delete', async () => {
    const base = 200_000;
    const b = bundle(
      {
        args: idle,
        namespaces: ['pid', 'network', 'ipc', 'uts', 'mount', 'user'],
        uidMappings: [{ containerID: 0, hostID: base, size: 65536 }],
        gidMappings: [{ containerID: 0, hostID: base, size: 65536 }],
        rootfsOwner: { uid: base, gid: base },
      },
      true,
    );
    const r = await rt.create(b.id, b.dir);
    if (isCrun) {
      expect(oneLine(r)).toMatch(/setrlimit \(RLIM_MEMLOCK\): Operation not permitted/);
      return;
    }
    assertOk(r);
    const { pid } = await rt.state(b.id);
    expect(cgroupLines(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).v2).toBe(`0::${b.cgroupsPath}`);
    expect(procsOf(b)).toEqual([pid]);
    assertOk(await rt.start(b.id));
    const ex = assertOk(await rt.exec(b.id, ['/bin/sh', '-c', 'grep "^0::" /proc/self/cgroup; id -u']));
    expect(ex.stdout.trim().split('\n')).toEqual([`0::${b.cgroupsPath}`, '0']);
    assertOk(await rt.pause(b.id));
    expect((await rt.state(b.id)).status).toBe('paused');
    assertOk(await rt.resume(b.id));
    assertOk(await rt.delete(b.id, { force: true }));
    expect(existsSync(ns.hostDir(b.cgroupsPath!))).toBe(false);
  });

  it('delete --force of a paused container kills it and removes the cgroup', async () => {
    const b = bundle({ args: ['/bin/sh', '-c', 'sleep 1001 & exec sleep 1000'] });
    const pid = await createAndStart(b);
    assertOk(await rt.pause(b.id));
    expect((await rt.state(b.id)).status).toBe('paused');
    assertOk(await rt.delete(b.id, { force: true }));
    expect(alive(pid)).toBe(false);
    expect(existsSync(ns.hostDir(b.cgroupsPath!))).toBe(false);
  });

  it('pause and resume through cgroup.freeze: a paused counter does not advance', async () => {
    const b = bundle({
      args: ['/bin/sh', '-c', 'i=0; while :; do i=$((i+1)); echo $i > /tmp/n.tmp; mv /tmp/n.tmp /tmp/n; sleep 0.01; done'],
    });
    await createAndStart(b);
    const count = (): number => Number(readFileSync(join(b.rootfs, 'tmp/n'), 'utf8') || 0);
    await waitFor('the counter to run', () => existsSync(join(b.rootfs, 'tmp/n')) && count() > 2);

    assertOk(await rt.pause(b.id));
    expect((await rt.state(b.id)).status).toBe('paused');
    expect(cgroupFile(b, 'cgroup.freeze').trim()).toBe('1');
    // Ours returns once the kernel says every task stopped; crun 1.8 may return before that.
    if (isCrun) await waitFor('frozen 1', () => /^frozen 1$/m.test(cgroupFile(b, 'cgroup.events')));
    expect(cgroupFile(b, 'cgroup.events')).toMatch(/^frozen 1$/m);
    const frozenAt = count();
    await new Promise((r) => setTimeout(r, 400));
    expect(count()).toBe(frozenAt);

    assertOk(await rt.resume(b.id));
    expect((await rt.state(b.id)).status).toBe('running');
    expect(cgroupFile(b, 'cgroup.events')).toMatch(/^frozen 0$/m);
    await waitFor('the counter to move again', () => count() > frozenAt + 2);
  });

  it('ps lists the pids of cgroup.procs, children included', async () => {
    const b = bundle({ args: ['/bin/sh', '-c', 'sleep 1001 & sleep 1002 & echo up > /tmp/up; wait'] });
    const pid = await createAndStart(b);
    await waitFor('the children', () => existsSync(join(b.rootfs, 'tmp/up')) && procsOf(b).length === 3);
    const listed = await rt.ps(b.id);
    expect([...listed].sort()).toEqual([...procsOf(b)].sort());
    expect(listed).toContain(pid);
  });

  it('the event files that need no controller are there; memory.events only with memory', async () => {
    const b = bundle({ args: idle });
    await createAndStart(b);
    const dir = ns.hostDir(b.cgroupsPath!);
    for (const f of ['cgroup.events', 'cgroup.freeze', 'cgroup.kill', 'cgroup.stat'])
      expect(existsSync(join(dir, f)), f).toBe(true);
    expect(existsSync(join(dir, 'memory.events'))).toBe(controllers.includes('memory'));
    expect(cgroupFile(b, 'cgroup.stat')).toMatch(/^nr_descendants 0$/m);
  });

  // Each limit and the controller (and the file crun 1.8 names instead of it) it needs.
  const limits: Array<{ controller: string; file: string; resources: OciResources }> = [
    { controller: 'memory', file: 'memory.max', resources: { memory: { limit: 64 * 1024 * 1024 } } },
    { controller: 'pids', file: 'pids.max', resources: { pids: { limit: 20 } } },
    { controller: 'cpu', file: 'cpu.weight', resources: { cpu: { shares: 512 } } },
    { controller: 'cpu', file: 'cpu.max', resources: { cpu: { quota: 50_000, period: 100_000 } } },
    { controller: 'cpuset', file: 'cpuset.cpus', resources: { cpu: { cpus: '0' } } },
    { controller: 'io', file: 'io.weight', resources: { blockIO: { weight: 300 } } },
    { controller: 'memory', file: 'memory.high', resources: { unified: { 'memory.high': '100000000' } } },
  ];
  for (const l of limits) {
    it(`${JSON.stringify(l.resources)} needs the '${l.controller}' controller: it lands, or create fails naming it`, async () => {
      const b = bundle({ args: idle, resources: l.resources });
      const r = await rt.create(b.id, b.dir);
      if (controllers.includes(l.controller)) {
        assertOk(r);
        expect(existsSync(join(ns.hostDir(b.cgroupsPath!), l.file))).toBe(true);
        return;
      }
      const text = oneLine(r);
      if (isCrun) {
        expect(text).toMatch(new RegExp(`controller \`${l.controller}\` is not available|\`${l.file}\``));
        return;
      }
      expect(text).toContain(`'${l.controller}'`);
      expect(text).toContain(join('/sys/fs/cgroup', b.cgroupsPath!));
      // Nothing half-made is left: no cgroup, no state, no process.
      expect(existsSync(ns.hostDir(b.cgroupsPath!))).toBe(false);
      expect(rt.stateEntries()).not.toContain(b.id);
    });
  }

  it('update of a limit whose controller is missing fails and the container runs on', async () => {
    const b = bundle({ args: idle });
    const pid = await createAndStart(b);
    const r = await rt.update(b.id, { pids: { limit: 30 } });
    if (controllers.includes('pids')) {
      assertOk(r);
      expect(cgroupFile(b, 'pids.max').trim()).toBe('30');
      return;
    }
    const text = oneLine(r);
    expect(text).toMatch(isCrun ? /pids/ : /'pids'.*\/sys\/fs\/cgroup\/berth-test\//);
    expect((await rt.state(b.id)).status).toBe('running');
    expect(procsOf(b)).toEqual([pid]);
  });

  it('update replaces the eBPF device filter on the running container', async () => {
    const b = bundle({ args: idle }, true);
    const r = await rt.create(b.id, b.dir);
    if (isCrun) {
      expect(oneLine(r)).toMatch(/setrlimit \(RLIM_MEMLOCK\): Operation not permitted/);
      return;
    }
    assertOk(r);
    assertOk(await rt.start(b.id));
    // /dev/fuse (10:229) opens for anyone once the cgroup allows it; EPERM is the filter's answer.
    const probe = 'mknod /tmp/fuse c 10 229 2>/dev/null; (: < /tmp/fuse) 2>&1; echo "open=$?"';
    const before = assertOk(await rt.exec(b.id, ['/bin/sh', '-c', probe])).stdout;
    expect(before).toMatch(/Operation not permitted/);
    const rules = [...(b.spec.linux!.resources!.devices ?? []), { allow: true, type: 'c' as const, major: 10, minor: 229, access: 'rw' }];
    assertOk(await rt.update(b.id, { devices: rules }));
    const after = assertOk(await rt.exec(b.id, ['/bin/sh', '-c', probe])).stdout;
    expect(after).not.toMatch(/Operation not permitted/);
  });

  it('the eBPF device filter: a device not allowed cannot be opened, an allowed one can', async () => {
    const script =
      'mknod /tmp/kmsg c 1 11; (head -c 1 /tmp/kmsg > /dev/null) 2>&1; echo "kmsg=$?"; echo x > /dev/null && echo null-ok';
    const b = bundle({ args: ['/bin/sh', '-c', script] }, true);
    const r = await rt.run(b.id, b.dir);
    if (isCrun) {
      // crun 1.8 sets RLIMIT_MEMLOCK to infinity before it loads the filter, unconditionally.
      expect(oneLine(r)).toMatch(/setrlimit \(RLIM_MEMLOCK\): Operation not permitted/);
      return;
    }
    assertOk(r);
    expect(r.stdout).toMatch(/Operation not permitted/);
    expect(r.stdout).toMatch(/kmsg=1/);
    expect(r.stdout).toMatch(/null-ok/);
  });
});
