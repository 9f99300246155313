import { afterEach, describe, expect, it } from 'vitest';
import { fakeProc, fakeTree, type FakeTree } from './fake-tree.testkit.js';
import { createCgroupDriver, dockerStatsBody } from './index.js';
import { pressureOf } from './pressure.js';

const CPU = 'some avg10=2.50 avg60=1.00 avg300=0.25 total=4000\nfull avg10=1.00 avg60=0.50 avg300=0.00 total=1500\n';
const MEM = 'some avg10=0.75 avg60=0.10 avg300=0.02 total=900\nfull avg10=0.25 avg60=0.05 avg300=0.01 total=300\n';
const IO = 'some avg10=0.00 avg60=0.00 avg300=0.00 total=77\n'; // a kernel without the full line

function v2Tree(t: FakeTree): void {
  t.put('cgroup.controllers', 'cpu memory io pids\n');
  t.put('c/cpu.stat', 'usage_usec 10\nuser_usec 6\nsystem_usec 4\n');
  t.put('c/memory.current', '4096\n');
  t.put('c/memory.max', 'max\n');
  t.put('c/memory.stat', 'anon 4096\n');
  t.put('c/pids.current', '1\n');
  t.put('c/pids.max', 'max\n');
  t.put('c/io.stat', '');
  t.put('c/cgroup.procs', '1\n');
}

describe('PSI in the stats body', () => {
  const trees: FakeTree[] = [];
  afterEach(() => trees.splice(0).forEach((t) => t.cleanup()));
  const track = (t: FakeTree): FakeTree => (trees.push(t), t);

  it('v2: cpu_stats.psi, memory_stats.psi and blkio_stats.psi from the three pressure files', async () => {
    const t = track(fakeTree());
    v2Tree(t);
    t.put('c/cpu.pressure', CPU);
    t.put('c/memory.pressure', MEM);
    t.put('c/io.pressure', IO);
    const cg = createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });
    const stats = await cg.stats(cg.pathsFor('/c'));
    expect(stats.cpu_stats.psi).toEqual({
      some: { avg10: 2.5, avg60: 1, avg300: 0.25, total: 4000 },
      full: { avg10: 1, avg60: 0.5, avg300: 0, total: 1500 },
    });
    expect(stats.memory_stats.psi).toEqual({
      some: { avg10: 0.75, avg60: 0.1, avg300: 0.02, total: 900 },
      full: { avg10: 0.25, avg60: 0.05, avg300: 0.01, total: 300 },
    });
    expect(stats.blkio_stats.psi).toEqual({ some: { avg10: 0, avg60: 0, avg300: 0, total: 77 } });
    // The body keeps Docker's keys and carries psi through, precpu_stats included next time.
    const first = { at: new Date(0), stats };
    const body = dockerStatsBody({ id: 'x', name: 'n' }, { at: new Date(1000), stats }, first);
    expect(body.memory_stats.psi?.some.total).toBe(900);
    expect(body.precpu_stats.psi?.full?.total).toBe(1500);
    expect(Object.keys(body.memory_stats).at(-1)).toBe('psi');
  });

  it('v2 with PSI off (no pressure files): no psi keys at all', async () => {
    const t = track(fakeTree());
    v2Tree(t);
    const cg = createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });
    const stats = await cg.stats(cg.pathsFor('/c'));
    expect('psi' in stats.cpu_stats || 'psi' in stats.memory_stats || 'psi' in stats.blkio_stats).toBe(false);
  });

  it('hybrid: v1 figures with PSI from the unified side; pure v1: none', async () => {
    const t = track(fakeTree());
    t.put('memory/c/memory.usage_in_bytes', '8192\n');
    t.put('memory/c/memory.limit_in_bytes', '9223372036854771712\n');
    t.put('memory/c/memory.stat', 'cache 0\nrss 8192\n');
    t.put('cpuacct/c/cpuacct.usage', '100\n');
    t.put('unified/c/memory.pressure', MEM);
    t.put('unified/c/cpu.pressure', 'garbage\n');
    const proc = track(fakeProc()).root;
    const cg = createCgroupDriver({ root: t.root, procRoot: proc });
    expect(cg.layout.mode).toBe('hybrid');
    const stats = await cg.stats(cg.pathsFor('/c'));
    expect(stats.memory_stats.usage).toBe(8192);
    expect(stats.memory_stats.psi?.some.total).toBe(900);
    expect(stats.cpu_stats.psi).toBeUndefined(); // unreadable text is left out, not guessed
    expect(stats.blkio_stats.psi).toBeUndefined();

    const v1 = track(fakeTree());
    v1.put('memory/c/memory.usage_in_bytes', '8192\n');
    const cg1 = createCgroupDriver({ root: v1.root, procRoot: proc });
    expect(cg1.layout.mode).toBe('v1');
    expect((await cg1.stats(cg1.pathsFor('/c'))).memory_stats.psi).toBeUndefined();
  });

  it('pressureOf refuses text that is not PSI', () => {
    expect(pressureOf(null)).toBeUndefined();
    expect(pressureOf('')).toBeUndefined();
    expect(pressureOf('full avg10=1 total=2\n')).toBeUndefined(); // no `some` line
    expect(pressureOf('some avg10=1.00 avg60=2.00 avg300=3.00 total=4\n')).toEqual({
      some: { avg10: 1, avg60: 2, avg300: 3, total: 4 },
    });
  });
});
