import { afterEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fakeProc, fakeTree, type FakeTree } from '../cgroups/fake-tree.testkit.js';
import { createCgroupDriver } from '../cgroups/index.js';
import { oomPollTimers } from '../cgroups/oom-kills.js';
import { armOomEvents, endOomEvents } from './oom-watch.js';
import type { ExitInfo, MonitoredProcess } from './monitor.js';

/** A process whose exit the test decides. */
function processStub(): { proc: MonitoredProcess; exit(info: ExitInfo): void } {
  let exit!: (info: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((r) => (exit = r));
  const proc = Object.assign(new EventEmitter(), {
    pid: 4242, tty: false, exited,
    writeStdin: () => undefined, closeStdin: () => undefined, resize: () => undefined,
  }) as MonitoredProcess;
  return { proc, exit };
}

describe('oom events of a container process', () => {
  const trees: FakeTree[] = [];
  afterEach(() => trees.splice(0).forEach((t) => t.cleanup()));

  function v1Cgroup(): { t: FakeTree; paths: ReturnType<ReturnType<typeof createCgroupDriver>['pathsFor']> } {
    const t = fakeTree();
    const proc = fakeProc();
    trees.push(t, proc);
    t.put('memory/berth/c1/memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n');
    return { t, paths: createCgroupDriver({ root: t.root, procRoot: proc.root }).pathsFor('/berth/c1') };
  }

  it('publishes one event per kill while the process runs, and the exit adds none', async () => {
    const { t, paths } = v1Cgroup();
    const { proc, exit } = processStub();
    const events: string[] = [];
    const timers = oomPollTimers();
    armOomEvents(proc, '/berth/c1', () => events.push('oom'), { paths, pollMs: 10 });
    t.put('memory/berth/c1/memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
    for (let i = 0; i < 300 && events.length < 1; i++) await sleep(10);
    expect(events).toEqual(['oom']); // the container still runs
    // PID 1 killed: counted before the exit is seen; the exit's last read reports it.
    t.put('memory/berth/c1/memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    expect(endOomEvents(proc)).toBe(2);
    expect(events).toEqual(['oom', 'oom']);
    expect(endOomEvents(proc)).toBe(0); // ended: a second exit path reports nothing
    exit({ exitCode: 137, oomKilled: true });
    await sleep(20);
    expect(oomPollTimers()).toBe(timers);
  });

  it('an exit the handler skipped still ends the watch (no timer left)', async () => {
    const { paths } = v1Cgroup();
    const { proc, exit } = processStub();
    const timers = oomPollTimers();
    armOomEvents(proc, '/berth/c1', () => undefined, { paths, pollMs: 23 });
    expect(oomPollTimers()).toBe(timers + 1);
    exit({ exitCode: 0, oomKilled: false });
    await sleep(20);
    expect(oomPollTimers()).toBe(timers);
  });

  it('re-arming the same process (a reconnect) replaces its watch instead of adding one', async () => {
    const { t, paths } = v1Cgroup();
    const { proc } = processStub();
    const events: string[] = [];
    armOomEvents(proc, '/berth/c1', () => events.push('a'), { paths, pollMs: 10 });
    armOomEvents(proc, '/berth/c1', () => events.push('b'), { paths, pollMs: 10 });
    t.put('memory/berth/c1/memory.oom_control', 'oom_kill 1\n');
    for (let i = 0; i < 300 && events.length < 1; i++) await sleep(10);
    await sleep(50);
    expect(events).toEqual(['b']);
    expect(endOomEvents(proc)).toBe(1);
  });

  it('a cgroup that is gone (the process ended before the arm) gets no watch and no timer', async () => {
    const { t, paths } = v1Cgroup();
    const gone = createCgroupDriver({ root: t.root, procRoot: t.root }).pathsFor('/berth/c-gone');
    const { proc, exit } = processStub();
    const timers = oomPollTimers();
    expect(armOomEvents(proc, '/berth/c-gone', () => undefined, { paths: gone, pollMs: 17 })).toBeNull();
    expect(oomPollTimers()).toBe(timers);
    expect(endOomEvents(proc)).toBe(0);
    // The same process armed on a live cgroup still gets its watch.
    expect(armOomEvents(proc, '/berth/c1', () => undefined, { paths, pollMs: 17 })).not.toBeNull();
    expect(oomPollTimers()).toBe(timers + 1);
    exit({ exitCode: 0, oomKilled: false });
    await sleep(20);
    expect(oomPollTimers()).toBe(timers);
  });
});
