// Killing every process of a container's cgroup and removing the cgroup, on this host's own
// layout (cgroup v1 controllers here, hybrid; cgroup-v2-pure.test.ts covers a pure v2 tree):
// - `kill --all KILL` and `delete --force` end a loop that keeps forking (no pid namespace, so
//   the init's death ends nothing by itself) and the cgroup is left empty, then removed. On v1
//   berth-runtime freezes the cgroup while it signals the pids it lists (seen with strace: FROZEN,
//   the kills, THAWED), so nothing forks in between; on v2 it writes cgroup.kill.
// - delete removes the container's own cgroup only, in every hierarchy: its parents stay, empty
//   or not, as runc and crun do (a parent may be someone else's, with limits of its own).
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makeBundle, type Bundle, type BundleOptions } from '../../../test-support/bundle.js';
import { CGROUP_ROOT, cgroupDir, cgroupMode, cgroupPids, existingCgroupDirs, hierarchies } from '../../../test-support/cgroup-probe.js';
import { isBerthRuntime, waitFor } from '../../../test-support/container-harness.js';
import { runtimeBinary } from '../../../test-support/paths.js';
import { assertOk, RuntimeCli } from '../../../test-support/runtime-cli.js';

/** Runs the runtime under strace when TRACE names an output file. */
const WRAP = 'if [ -n "$TRACE" ]; then exec strace -y -o "$TRACE" -e trace=write,kill -- "$@"; fi; exec "$@"';
const rt = new RuntimeCli(runtimeBinary, ['sh', '-c', WRAP, 'berth-trace-wrap']);
const mode = cgroupMode();
const isCrun = basename(runtimeBinary) === 'crun';
let bundles: Bundle[] = [];
/** Parent cgroups a test made (every hierarchy), removed deepest first after it. */
let parents: string[] = [];
let traceSeq = 0;

afterEach(async () => {
  for (const b of bundles) {
    await rt.delete(b.id, { force: true, timeoutMs: 15_000 }).catch(() => undefined);
    if (b.cgroupsPath) for (const dir of existingCgroupDirs(b.cgroupsPath).reverse()) rmdirQuietly(dir);
    b.cleanup();
  }
  for (const p of parents.reverse()) for (const dir of existingCgroupDirs(p)) rmdirQuietly(dir);
  bundles = [];
  parents = [];
});

afterAll(async () => rt.destroy());

function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    /* still in use or already gone */
  }
}

function bundle(opts: BundleOptions): Bundle {
  const b = makeBundle(opts);
  bundles.push(b);
  return b;
}

function alive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
}

function traced(): { env: NodeJS.ProcessEnv; read: () => string } {
  const file = join(rt.root, '..', `strace-${++traceSeq}.log`);
  return {
    env: { ...process.env, TRACE: file, ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'detect_leaks=0'].filter(Boolean).join(':') },
    read: () => readFileSync(file, 'utf8'),
  };
}

/** The order of the kill-related calls in an strace -y log: freezes, thaws, kills, cgroup.kill. */
function killSteps(trace: string, b: Bundle): string[] {
  const steps: string[] = [];
  for (const line of trace.split('\n')) {
    const w = /^write\(\d+<([^>]*)>, "([^"]*)"/.exec(line);
    if (w && w[1] === join(cgroupDir(b.cgroupsPath!, 'freezer'), 'freezer.state')) steps.push(w[2]!);
    if (w && w[1] === join(CGROUP_ROOT, b.cgroupsPath!, 'cgroup.kill')) steps.push(`cgroup.kill ${w[2]}`);
    if (/^kill\(\d+, SIGKILL\)\s+= 0/.test(line)) steps.push('kill');
  }
  // Runs of kills read as one step.
  return steps.filter((s, i) => s !== 'kill' || steps[i - 1] !== 'kill');
}

/** What berth-runtime does to kill the cgroup: on v2 one write; else freeze, kill, thaw. */
const expectedSteps = mode === 'v2' ? ['cgroup.kill 1'] : ['FROZEN', 'kill', 'THAWED'];

// Each round forks a subshell that forks a sleep and becomes one; bounded, so a failure
// cannot run away.
const forkLoop = ['/bin/sh', '-c', 'i=0; while [ $i -lt 1500 ]; do (sleep 1000 & exec sleep 1000) & i=$((i+1)); done; wait'];
const noPidns = ['network', 'ipc', 'uts', 'mount'] as const;

async function startForkLoop(): Promise<{ b: Bundle; seen: number[] }> {
  const b = bundle({ args: forkLoop, namespaces: [...noPidns] });
  assertOk(await rt.create(b.id, b.dir));
  assertOk(await rt.start(b.id));
  await waitFor('the loop to fork', () => cgroupPids(b.cgroupsPath!).length >= 40);
  return { b, seen: cgroupPids(b.cgroupsPath!) };
}

describe(`killing a whole cgroup (${mode} layout)`, () => {
  it('kill --all KILL ends a loop that keeps forking; the cgroup empties and delete removes it everywhere', async () => {
    const { b, seen } = await startForkLoop();
    const t = traced();
    assertOk(await rt.kill(b.id, 'KILL', { all: true, env: t.env }));
    if (isBerthRuntime) expect(killSteps(t.read(), b), t.read()).toEqual(expectedSteps);
    await waitFor('the cgroup to empty', () => cgroupPids(b.cgroupsPath!).length === 0);
    expect(seen.filter(alive)).toEqual([]);
    await waitFor('the init to stop', async () => (await rt.state(b.id)).status === 'stopped');
    assertOk(await rt.delete(b.id));
    expect(existingCgroupDirs(b.cgroupsPath!)).toEqual([]);
  });

  it('delete --force ends a loop that keeps forking and removes its cgroup in every hierarchy', async () => {
    const { b, seen } = await startForkLoop();
    const t = traced();
    assertOk(await rt.delete(b.id, { force: true, env: t.env }));
    // After the SIGKILL to the init: the whole cgroup, the same way as kill --all.
    const steps = killSteps(t.read(), b);
    const from = steps.indexOf(expectedSteps[0]!);
    if (isBerthRuntime) expect(steps.slice(from, from + expectedSteps.length), t.read()).toEqual(expectedSteps);
    expect(existingCgroupDirs(b.cgroupsPath!)).toEqual([]);
    expect(seen.filter(alive)).toEqual([]);
  });

  it('kill --all TERM of a paused container leaves it paused; the signal lands on resume', async () => {
    const b = bundle({ args: ['/bin/sh', '-c', 'sleep 1001 & sleep 1002 & echo up > /tmp/up; wait'] });
    assertOk(await rt.create(b.id, b.dir));
    assertOk(await rt.start(b.id));
    await waitFor('the children', () => existsSync(join(b.rootfs, 'tmp/up')) && cgroupPids(b.cgroupsPath!).length === 3);
    const pids = cgroupPids(b.cgroupsPath!);
    assertOk(await rt.pause(b.id));
    assertOk(await rt.kill(b.id, 'TERM', { all: true }));
    if (isCrun) {
      // crun 1.8 thaws the cgroup after signalling it, paused or not (as runc 1.1 does).
      await waitFor('every process to die of TERM', () => pids.every((p) => !alive(p)));
      return;
    }
    expect((await rt.state(b.id)).status).toBe('paused');
    expect(pids.filter(alive)).toEqual(pids);
    assertOk(await rt.resume(b.id));
    await waitFor('every process to die of TERM', () => pids.every((p) => !alive(p)));
  });
});

describe(`delete removes only the container's own cgroup (${mode} layout)`, () => {
  it('a nested cgroupsPath: the levels above the container stay in every hierarchy', async () => {
    const top = `/berth-test/${process.pid}-nest-${++traceSeq}`;
    parents.push(top, `${top}/a`);
    const b = bundle({ args: ['/bin/sleep', '1000'], cgroupsPath: `${top}/a/b` });
    assertOk(await rt.create(b.id, b.dir));
    assertOk(await rt.start(b.id));
    const made = existingCgroupDirs(`${top}/a/b`);
    expect(made.length).toBeGreaterThan(0);
    assertOk(await rt.delete(b.id, { force: true }));
    expect(existingCgroupDirs(`${top}/a/b`)).toEqual([]);
    // Wherever the container's cgroup was, its parents are still there.
    const kept = made.map((d) => join(d, '..'));
    expect(kept.filter((d) => !existsSync(d))).toEqual([]);
    expect(existingCgroupDirs(top).length).toBe(made.length);
  });

  it('a parent made before the container keeps its own limit after the container is deleted', async () => {
    const parent = `/berth-test/${process.pid}-parent-${++traceSeq}`;
    parents.push(parent);
    const memory = cgroupDir(parent, 'memory');
    const limitFile = mode === 'v2' ? 'pids.max' : 'memory.limit_in_bytes';
    const limit = mode === 'v2' ? '77' : String(256 * 1024 * 1024);
    for (const h of hierarchies()) mkdirSync(join(h, parent), { recursive: true });
    const canLimit = existsSync(join(memory, limitFile));
    if (canLimit) writeFileSync(join(memory, limitFile), limit);
    const b = bundle({ args: ['/bin/sleep', '1000'], cgroupsPath: `${parent}/c` });
    assertOk(await rt.create(b.id, b.dir));
    assertOk(await rt.start(b.id));
    assertOk(await rt.delete(b.id, { force: true }));
    expect(existingCgroupDirs(`${parent}/c`)).toEqual([]);
    expect(existingCgroupDirs(parent)).toEqual(hierarchies().map((h) => join(h, parent)));
    if (canLimit) expect(readFileSync(join(memory, limitFile), 'utf8').trim()).toBe(limit);
  });
});
