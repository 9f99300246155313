// create, start, state, kill, pause, resume and delete do what the runtime spec says, and a
// deleted container leaves nothing behind.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupDir, cgroupMode, cgroupPids } from '../../../test-support/cgroup-probe.js';
import { useHarness, waitFor, type Running } from '../../../test-support/container-harness.js';
import { leftovers, NO_LEFTOVERS, waitForNoLeftovers } from '../../../test-support/leftovers.js';
import { assertOk } from '../../../test-support/runtime-cli.js';

const h = useHarness();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
}

async function statusOf(id: string): Promise<string> {
  return (await h.rt.state(id)).status;
}

function readRootfsFile(c: Running, path: string): string | undefined {
  const f = join(c.bundle.rootfs, path);
  return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
}

// Init that notes a TERM and keeps going, with two children that die of TERM.
const TRAPPING_INIT =
  'trap "echo term >> /tmp/term" TERM; sleep 1001 & sleep 1002 & echo up > /tmp/up; while :; do sleep 0.2; done';

function cmdlinesIn(cgroupsPath: string): string[] {
  return cgroupPids(cgroupsPath).flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()];
    } catch {
      return [];
    }
  });
}

describe('lifecycle', () => {
  it('create leaves the process waiting in "created"; start runs it', async () => {
    const c = await h.create({ args: ['/bin/sh', '-c', 'echo ran > /tmp/started; exec sleep 1000'] });
    const st = await h.rt.state(c.id);
    expect(st.status).toBe('created');
    expect(alive(c.pid)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(readRootfsFile(c, 'tmp/started')).toBeUndefined();

    assertOk(await h.rt.start(c.id));
    await waitFor('the process to run', () => readRootfsFile(c, 'tmp/started'));
    expect(await statusOf(c.id)).toBe('running');
    expect((await h.rt.state(c.id)).pid).toBe(c.pid);
  });

  it('state JSON has the fields the spec requires', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    const st = await h.rt.state(c.id);
    expect(st.ociVersion).toMatch(/^1\.\d+\.\d+/);
    expect(st.id).toBe(c.id);
    expect(st.status).toBe('running');
    expect(st.pid).toBe(c.pid);
    expect(st.bundle).toBe(c.bundle.dir);
    expect(readFileSync(`/proc/${c.pid}/cmdline`, 'utf8')).toBe('/bin/sleep\u00001000\u0000');
  });

  it('list shows the container; state of an unknown id fails', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    const list = await h.rt.list();
    expect(list.map((e) => e.id)).toContain(c.id);
    const r = await h.rt.stateRaw('no-such-container');
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).not.toBe('');
  });

  it('start runs the process once: a second start fails', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    const r = await h.rt.start(c.id);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).not.toBe('');
  });

  it('kill takes signal names and numbers', async () => {
    for (const signal of ['TERM', 'SIGTERM', '15']) {
      const c = await h.start({ args: ['/bin/sh', '-c', TRAPPING_INIT] });
      await waitFor('init to start', () => readRootfsFile(c, 'tmp/up'));
      assertOk(await h.rt.kill(c.id, signal));
      expect(await waitFor(`init to note ${signal}`, () => readRootfsFile(c, 'tmp/term'))).toBe('term\n');
      expect(alive(c.pid)).toBe(true);
    }
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    assertOk(await h.rt.kill(c.id, 'KILL'));
    await waitFor('SIGKILL to end init', () => !alive(c.pid));
    expect(
      await waitFor('state "stopped"', async () => (await statusOf(c.id)) === 'stopped' || undefined),
    ).toBe(true);
    const c9 = await h.start({ args: ['/bin/sleep', '1000'] });
    assertOk(await h.rt.kill(c9.id, '9'));
    await waitFor('signal 9 to end init', () => !alive(c9.pid));
  });

  it('kill --all reaches every process; plain kill only init', async () => {
    const c = await h.start({ args: ['/bin/sh', '-c', TRAPPING_INIT] });
    const path = c.bundle.cgroupsPath!;
    await waitFor('init and its children', () => readRootfsFile(c, 'tmp/up'));
    const children = () => cmdlinesIn(path).filter((l) => /^sleep 100[12]$/.test(l));
    await waitFor('both children', () => children().length === 2);

    assertOk(await h.rt.kill(c.id, 'TERM'));
    await waitFor('init to note TERM', () => readRootfsFile(c, 'tmp/term'));
    expect(children()).toHaveLength(2);

    const psPids = await h.rt.ps(c.id);
    expect(psPids.sort()).toEqual(expect.arrayContaining([c.pid]));

    assertOk(await h.rt.kill(c.id, 'TERM', { all: true }));
    await waitFor('children to die of TERM', () => children().length === 0);
    expect(alive(c.pid)).toBe(true); // init traps TERM
    expect(await statusOf(c.id)).toBe('running');
  });

  it('kill --all without a pid namespace signals every process of the cgroup', async () => {
    const c = await h.start({
      args: ['/bin/sh', '-c', TRAPPING_INIT],
      namespaces: ['mount', 'ipc', 'uts', 'network'],
    });
    const path = c.bundle.cgroupsPath!;
    await waitFor('init and its children', () => readRootfsFile(c, 'tmp/up'));
    const children = () => cmdlinesIn(path).filter((l) => /^sleep 100[12]$/.test(l));
    await waitFor('both children', () => children().length === 2);
    assertOk(await h.rt.kill(c.id, 'TERM', { all: true }));
    await waitFor('children to die of TERM', () => children().length === 0);
    await waitFor('init to note TERM', () => readRootfsFile(c, 'tmp/term'));
    expect(alive(c.pid)).toBe(true);
  });

  it('pause stops progress, resume continues', async () => {
    // The counter is renamed into place, so a reader never sees a half-written file.
    const c = await h.start({
      args: [
        '/bin/sh',
        '-c',
        'i=0; while :; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; usleep 20000; done',
      ],
    });
    const count = () => Number(readRootfsFile(c, 'tmp/count') ?? '0');
    await waitFor('the counter to move', () => count() > 3);

    assertOk(await h.rt.pause(c.id));
    expect(await statusOf(c.id)).toBe('paused');
    if (cgroupMode() === 'v2')
      expect(
        readFileSync(join(cgroupDir(c.bundle.cgroupsPath!, 'freezer'), 'cgroup.freeze'), 'utf8').trim(),
      ).toBe('1');
    else
      expect(
        readFileSync(join(cgroupDir(c.bundle.cgroupsPath!, 'freezer'), 'freezer.state'), 'utf8').trim(),
      ).toBe('FROZEN');
    const frozenAt = count();
    await new Promise((r) => setTimeout(r, 400));
    expect(count()).toBe(frozenAt);

    assertOk(await h.rt.resume(c.id));
    expect(await statusOf(c.id)).toBe('running');
    await waitFor('the counter to move again', () => count() > frozenAt + 3);
  });

  it('delete after exit leaves no cgroup, mount, process or state', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    expect(leftovers(c.bundle, h.rt).cgroups.length).toBeGreaterThan(0);
    expect(
      leftovers(c.bundle, h.rt).state.length + leftovers(c.bundle, h.rt).processes.length,
    ).toBeGreaterThan(0);
    assertOk(await h.rt.kill(c.id, 'KILL'));
    await waitFor('state "stopped"', async () => (await statusOf(c.id)) === 'stopped' || undefined);
    assertOk(await h.rt.delete(c.id));
    expect(await waitForNoLeftovers(c.bundle, h.rt)).toEqual(NO_LEFTOVERS);
    expect(alive(c.pid)).toBe(false);
    expect((await h.rt.list()).map((e) => e.id)).not.toContain(c.id);
  });

  it('delete refuses a running container; delete --force kills it and cleans up', async () => {
    const c = await h.start({ args: ['/bin/sh', '-c', 'sleep 1000 & sleep 1000'] });
    const r = await h.rt.delete(c.id);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).not.toBe('');
    expect(alive(c.pid)).toBe(true);

    assertOk(await h.rt.delete(c.id, { force: true }));
    expect(await waitForNoLeftovers(c.bundle, h.rt)).toEqual(NO_LEFTOVERS);
    expect(alive(c.pid)).toBe(false);
  });

  it("delete --force kills exec'd processes too, even without a pid namespace", async () => {
    for (const namespaces of [undefined, ['mount', 'ipc', 'uts', 'network'] as const]) {
      const c = await h.start({
        args: ['/bin/sleep', '1000'],
        ...(namespaces ? { namespaces: [...namespaces] } : {}),
      });
      const pidFile = join(c.bundle.dir, 'exec.pid');
      assertOk(await h.rt.exec(c.id, ['/bin/sleep', '1001'], { detach: true, pidFile }));
      const execPid = Number(readFileSync(pidFile, 'utf8').trim());
      await waitFor('the exec to run', () => alive(execPid));
      assertOk(await h.rt.delete(c.id, { force: true }));
      await waitFor('the exec to die', () => !alive(execPid));
      expect(await waitForNoLeftovers(c.bundle, h.rt)).toEqual(NO_LEFTOVERS);
    }
  });

  it('delete --force of a created (never started) container cleans up', async () => {
    const c = await h.create({ args: ['/bin/sleep', '1000'] });
    assertOk(await h.rt.delete(c.id, { force: true }));
    expect(await waitForNoLeftovers(c.bundle, h.rt)).toEqual(NO_LEFTOVERS);
  });

  it('delete --force of a paused container cleans up', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    assertOk(await h.rt.pause(c.id));
    assertOk(await h.rt.delete(c.id, { force: true }));
    expect(await waitForNoLeftovers(c.bundle, h.rt)).toEqual(NO_LEFTOVERS);
  });

  it('--pid-file holds the pid that state reports', async () => {
    const b = h.bundle({ args: ['/bin/sleep', '1000'] });
    const pidFile = join(b.dir, 'init.pid');
    assertOk(await h.rt.create(b.id, b.dir, { pidFile }));
    expect(Number(readFileSync(pidFile, 'utf8').trim())).toBe((await h.rt.state(b.id)).pid);
  });

  it('a created container can be killed, then deleted', async () => {
    const c = await h.create({ args: ['/bin/sleep', '1000'] });
    assertOk(await h.rt.kill(c.id, 'KILL'));
    await waitFor('init to die', () => !alive(c.pid));
    expect(
      await waitFor('state "stopped"', async () => (await statusOf(c.id)) === 'stopped' || undefined),
    ).toBe(true);
    assertOk(await h.rt.delete(c.id));
    expect(await waitForNoLeftovers(c.bundle, h.rt)).toEqual(NO_LEFTOVERS);
  });

  it('a process that exits by itself leaves a "stopped" container that delete removes', async () => {
    const c = await h.start({ args: ['/bin/sh', '-c', 'exit 0'] });
    await waitFor('state "stopped"', async () => (await statusOf(c.id)) === 'stopped' || undefined);
    assertOk(await h.rt.delete(c.id));
    expect(await waitForNoLeftovers(c.bundle, h.rt)).toEqual(NO_LEFTOVERS);
  });

  it('ps lists exactly the processes of the cgroup', async () => {
    const c = await h.start({ args: ['/bin/sh', '-c', 'sleep 1001 & sleep 1002 & exec sleep 1003'] });
    await waitFor('three processes', () => cgroupPids(c.bundle.cgroupsPath!).length === 3);
    expect((await h.rt.ps(c.id)).sort()).toEqual(cgroupPids(c.bundle.cgroupsPath!).sort());
  });

  it('an init killed from outside the runtime shows as "stopped" and deletes cleanly', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    process.kill(c.pid, 'SIGKILL');
    await waitFor('state "stopped"', async () => (await statusOf(c.id)) === 'stopped' || undefined);
    const k = await h.rt.kill(c.id, 'TERM');
    expect(k.code).not.toBe(0); // nothing left to signal
    expect(k.stderr.trim()).not.toBe('');
    assertOk(await h.rt.delete(c.id));
    expect(await waitForNoLeftovers(c.bundle, h.rt)).toEqual(NO_LEFTOVERS);
  });

  it('exec into a paused container is refused', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    assertOk(await h.rt.pause(c.id));
    const r = await h.rt.exec(c.id, ['/bin/true'], { timeoutMs: 10_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/paused/);
    assertOk(await h.rt.resume(c.id));
  });

  it('delete of an unknown id fails, delete --force of one succeeds (as runc and crun do)', async () => {
    const plain = await h.rt.delete('berth-no-such-container');
    expect(plain.code).not.toBe(0);
    expect(plain.stderr.trim()).not.toBe('');
    // Engines call `delete --force` to make sure a container is gone; gone already is success.
    const forced = await h.rt.delete('berth-no-such-container', { force: true });
    expect(forced.code, forced.stderr).toBe(0);
  });

  it('eight containers created, started and deleted at once under one root', async () => {
    const started = await Promise.all(
      Array.from({ length: 8 }, () => h.start({ args: ['/bin/sleep', '1000'] })),
    );
    const listed = (await h.rt.list()).map((e) => e.id);
    for (const c of started) expect(listed).toContain(c.id);
    expect(new Set(started.map((c) => c.pid)).size).toBe(8);
    const deleted = await Promise.all(started.map((c) => h.rt.delete(c.id, { force: true })));
    for (const r of deleted) assertOk(r);
    for (const c of started) expect(await waitForNoLeftovers(c.bundle, h.rt)).toEqual(NO_LEFTOVERS);
  });

  it('run in the foreground returns the exit code and cleans up', async () => {
    const r = await h.run({ args: ['/bin/sh', '-c', 'echo out; echo err >&2; exit 42'] });
    expect(r.code).toBe(42);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toBe('err\n');
    expect(await waitForNoLeftovers(r.bundle, h.rt)).toEqual(NO_LEFTOVERS);
  });

  it('run --detach leaves it running', async () => {
    const b = h.bundle({ args: ['/bin/sleep', '1000'] });
    assertOk(await h.rt.run(b.id, b.dir, { detach: true }));
    expect(await statusOf(b.id)).toBe('running');
  });
});
