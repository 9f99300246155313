import { afterEach, describe, expect, it } from 'vitest';
import { fakeTree, type FakeTree } from './fake-tree.testkit.js';
import { detectLayout } from './layout.js';
import { parseProcCgroup, pathsForCgroup, pathsForPid } from './paths.js';

describe('container cgroup paths', () => {
  const trees: FakeTree[] = [];
  afterEach(() => trees.splice(0).forEach((t) => t.cleanup()));

  const hybrid = (): FakeTree => {
    const t = fakeTree();
    trees.push(t);
    t.dir('cpu,cpuacct');
    t.link('cpu', 'cpu,cpuacct');
    t.link('cpuacct', 'cpu,cpuacct');
    for (const c of ['memory', 'pids', 'blkio', 'cpuset']) t.dir(c);
    t.put('unified/cgroup.controllers', '');
    return t;
  };

  it('parses /proc/PID/cgroup, splitting combined controllers and keeping named ones apart', () => {
    const parsed = parseProcCgroup(
      '12:pids:/berth/a\n3:cpu,cpuacct:/berth/a\n1:name=systemd:/x\n0::/berth/a\n',
    );
    expect(parsed.v1.get('cpu')).toBe('/berth/a');
    expect(parsed.v1.get('cpuacct')).toBe('/berth/a');
    expect(parsed.v1.get('name=systemd')).toBe('/x');
    expect(parsed.unified).toBe('/berth/a');
  });

  it('maps a configured cgroupsPath into every hierarchy', () => {
    const t = hybrid();
    const paths = pathsForCgroup(detectLayout(t.root), '/berth/abc');
    expect(paths.mode).toBe('hybrid');
    expect(paths.v1.memory).toBe(`${t.root}/memory/berth/abc`);
    expect(paths.v1.cpuacct).toBe(`${t.root}/cpuacct/berth/abc`);
    expect(paths.unified).toBe(`${t.root}/unified/berth/abc`);
  });

  it('refuses paths that climb out', () => {
    const t = hybrid();
    expect(() => pathsForCgroup(detectLayout(t.root), '/berth/../../etc')).toThrow(/must not contain '\.\.'/);
    expect(() => pathsForCgroup(detectLayout(t.root), '')).toThrow(/non-empty/);
  });

  it('reads a pid cgroup from a (fake) /proc', async () => {
    const t = hybrid();
    const proc = fakeTree('berth-proc-');
    trees.push(proc);
    proc.put('4242/cgroup', '5:memory:/other/c\n4:pids:/other/c\n2:cpu,cpuacct:/other/c\n0::/other/c\n');
    const paths = await pathsForPid(detectLayout(t.root), 4242, proc.root);
    expect(paths.v1.memory).toBe(`${t.root}/memory/other/c`);
    expect(paths.v1.cpu).toBe(`${t.root}/cpu/other/c`);
    expect(paths.v1.blkio).toBeUndefined();
    expect(paths.unified).toBe(`${t.root}/unified/other/c`);
    await expect(pathsForPid(detectLayout(t.root), 999999, proc.root)).rejects.toMatchObject({ status: 404 });
    await expect(pathsForPid(detectLayout(t.root), -3, proc.root)).rejects.toMatchObject({ status: 400 });
  });
});
