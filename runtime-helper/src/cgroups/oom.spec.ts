import { afterEach, describe, expect, it } from 'vitest';
import { fakeProc, fakeTree, type FakeTree } from './fake-tree.testkit.js';
import { createCgroupDriver } from './index.js';
import { parsePressure } from './oom.js';

describe('OOM counters and memory pressure', () => {
  const trees: FakeTree[] = [];
  afterEach(() => trees.splice(0).forEach((t) => t.cleanup()));
  const track = (t: FakeTree): FakeTree => (trees.push(t), t);

  it('v1 reads memory.oom_control and has no PSI', async () => {
    const t = track(fakeTree());
    t.put('memory/c/memory.oom_control', 'oom_kill_disable 0\nunder_oom 1\noom_kill 2\n');
    const cg = createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });
    const paths = cg.pathsFor('/c');
    expect(await cg.oom(paths)).toEqual({ oomKillCount: 2, oomCount: null, underOom: true });
    expect(await cg.memoryPressure(paths)).toBeNull();
  });

  it('v2 reads memory.events and memory.pressure', async () => {
    const t = track(fakeTree());
    t.put('cgroup.controllers', 'memory\n');
    t.put('c/memory.events', 'low 0\nhigh 0\nmax 9\noom 3\noom_kill 1\noom_group_kill 0\n');
    t.put(
      'c/memory.pressure',
      'some avg10=1.50 avg60=0.25 avg300=0.00 total=12345\nfull avg10=0.50 avg60=0.00 avg300=0.00 total=678\n',
    );
    const cg = createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });
    const paths = cg.pathsFor('/c');
    expect(await cg.oom(paths)).toEqual({ oomKillCount: 1, oomCount: 3, underOom: null });
    expect(await cg.memoryPressure(paths)).toEqual({
      some: { avg10: 1.5, avg60: 0.25, avg300: 0, total: 12345 },
      full: { avg10: 0.5, avg60: 0, avg300: 0, total: 678 },
    });
  });

  it('hybrid takes PSI from the unified side', async () => {
    const t = track(fakeTree());
    t.dir('memory/c');
    t.put('unified/c/memory.pressure', 'some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n');
    const cg = createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });
    expect(cg.layout.mode).toBe('hybrid');
    expect(await cg.memoryPressure(cg.pathsFor('/c'))).toEqual({
      some: { avg10: 0, avg60: 0, avg300: 0, total: 5 },
      full: null,
    });
  });

  it('rejects malformed pressure text', () => {
    expect(parsePressure('garbage')).toBeNull();
  });

  it('watchOom reports a growing kill count once', async () => {
    const t = track(fakeTree());
    t.put('memory/c/memory.oom_control', 'oom_kill 0\n');
    const cg = createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });
    const seen: number[] = [];
    const stop = cg.watchOom(cg.pathsFor('/c'), (info) => seen.push(info.oomKillCount), 10);
    await new Promise((r) => setTimeout(r, 50));
    t.put('memory/c/memory.oom_control', 'oom_kill 1\n');
    await new Promise((r) => setTimeout(r, 80));
    stop();
    expect(seen).toEqual([1]);
  });
});
