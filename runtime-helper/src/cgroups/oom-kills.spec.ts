import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fakeProc, fakeTree, type FakeTree } from './fake-tree.testkit.js';
import { createCgroupDriver } from './index.js';
import { oomKillCounterFile, oomPollTimers, parseOomKillCount, watchOomKills, type OomKillWatch } from './oom-kills.js';

/** Waits until `cond` holds (a watch answers within a few ticks), failing after 3 s. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await sleep(10);
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('watchOomKills', () => {
  const trees: FakeTree[] = [];
  const open: OomKillWatch[] = [];
  afterEach(() => {
    open.splice(0).forEach((w) => w.stop());
    trees.splice(0).forEach((t) => t.cleanup());
  });
  const track = (t: FakeTree): FakeTree => (trees.push(t), t);
  const driver = (t: FakeTree) => createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });

  it('v1: polls memory.oom_control and reports each kill once, counting from the baseline', async () => {
    const t = track(fakeTree());
    t.put('memory/c/memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    const seen: number[] = [];
    const w = watchOomKills(driver(t).pathsFor('/c'), (n) => seen.push(n), { pollMs: 10 });
    open.push(w);
    expect(w.how).toBe('poll');
    expect(w.file).toBe(`${t.root}/memory/c/memory.oom_control`);
    await sleep(50);
    expect(seen).toEqual([]); // the 3 kills before the watch are not news
    t.put('memory/c/memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 4\n');
    await until(() => seen.length === 1, 'the first kill');
    t.put('memory/c/memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 6\n');
    await until(() => seen.length === 3, 'two kills in one tick');
    await sleep(50);
    expect(seen).toEqual([4, 5, 6]);
    expect(w.reported).toBe(3);
  });

  it('v2: wakes on the inotify modify of memory.events, with no timer', async () => {
    const t = track(fakeTree());
    t.put('cgroup.controllers', 'memory\n');
    t.put('c/memory.events', 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n');
    const seen: number[] = [];
    const timersBefore = oomPollTimers();
    const w = watchOomKills(driver(t).pathsFor('/c'), (n) => seen.push(n), { pollMs: 60_000 });
    open.push(w);
    expect(w.how).toBe('inotify');
    expect(oomPollTimers()).toBe(timersBefore);
    t.put('c/memory.events', 'low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n');
    await until(() => seen.length === 1, 'the inotify wake-up'); // the 60 s poll never runs
    expect(seen).toEqual([1]);
  });

  it('flush reads synchronously: a kill just before the exit is reported once, and never twice', async () => {
    const t = track(fakeTree());
    t.put('memory/c/memory.oom_control', 'oom_kill 0\n');
    const seen: number[] = [];
    const w = watchOomKills(driver(t).pathsFor('/c'), (n) => seen.push(n), { pollMs: 60_000 });
    open.push(w);
    t.put('memory/c/memory.oom_control', 'oom_kill 1\n');
    expect(w.flush()).toBe(1);
    expect(seen).toEqual([1]);
    expect(w.flush()).toBe(1);
    w.stop();
    t.put('memory/c/memory.oom_control', 'oom_kill 2\n');
    expect(w.flush()).toBe(1); // stopped: nothing more
    expect(seen).toEqual([1]);
  });

  it('stopping the last v1 watch of a period stops its timer; a missing cgroup is no error', async () => {
    const t = track(fakeTree());
    t.dir('memory/gone');
    const before = oomPollTimers();
    const paths = driver(t).pathsFor('/gone');
    const a = watchOomKills(paths, () => undefined, { pollMs: 37 });
    const b = watchOomKills(paths, () => undefined, { pollMs: 37 });
    expect(oomPollTimers()).toBe(before + 1); // one shared timer
    await sleep(100);
    expect(a.flush()).toBe(0);
    a.stop();
    expect(oomPollTimers()).toBe(before + 1);
    b.stop();
    b.stop();
    expect(oomPollTimers()).toBe(before);
  });

  it('a torn or foreign file counts nothing; the counter file follows the layout', () => {
    expect(parseOomKillCount('')).toBeNull();
    expect(parseOomKillCount('oom_kill_disable 0\nunder_oom 0\n')).toBeNull(); // kernel < 4.13
    expect(parseOomKillCount('oom_kill x\n')).toBeNull();
    expect(parseOomKillCount('oom 2\noom_kill 7\n')).toBe(7);
    expect(oomKillCounterFile({ mode: 'v1', v1: {}, unified: null })).toBeNull();
    expect(oomKillCounterFile({ mode: 'hybrid', v1: { memory: '/m/c' }, unified: '/u/c' })).toEqual({ file: '/m/c/memory.oom_control', v2: false });
    expect(oomKillCounterFile({ mode: 'v2', v1: {}, unified: '/u/c' })).toEqual({ file: '/u/c/memory.events', v2: true });
  });
});

describe('watchOomKills descriptors', () => {
  const openFds = (): string[] => readdirSync('/proc/self/fd').map((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } });

  it('keeps one descriptor on the counter file while it runs and none after stop', async () => {
    const t = fakeTree();
    try {
      t.put('memory/c/memory.oom_control', 'oom_kill 0\n');
      const file = `${t.root}/memory/c/memory.oom_control`;
      const paths = createCgroupDriver({ root: t.root, procRoot: t.root }).pathsFor('/c');
      const w = watchOomKills(paths, () => undefined, { pollMs: 10 });
      await sleep(50);
      expect(openFds().filter((f) => f === file)).toHaveLength(1);
      w.stop();
      await sleep(30);
      expect(w.flush()).toBe(0);
      expect(openFds().filter((f) => f === file)).toHaveLength(0);
    } finally {
      t.cleanup();
    }
  });

  it('a cgroup made after the watch is picked up; one removed under it reads as gone, not as an error', async () => {
    const t = fakeTree();
    try {
      t.dir('memory');
      const paths = createCgroupDriver({ root: t.root, procRoot: t.root }).pathsFor('/late');
      const seen: number[] = [];
      const w = watchOomKills(paths, (n) => seen.push(n), { pollMs: 10 });
      t.put('memory/late/memory.oom_control', 'oom_kill 1\n');
      for (let i = 0; i < 300 && seen.length < 1; i++) await sleep(10);
      expect(seen).toEqual([1]); // the baseline was 0: no file yet
      t.cleanup();
      expect(w.flush()).toBe(1);
      w.stop();
    } finally {
      t.cleanup();
    }
  });
});
