import { statfsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeTree, type FakeTree } from './fake-tree.testkit.js';
import { detectLayout } from './layout.js';

const V1 = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'blkio', 'devices', 'freezer'];

describe('detectLayout on fake trees', () => {
  let tree: FakeTree;
  afterEach(() => tree.cleanup());

  it('reads controller directories as v1', () => {
    tree = fakeTree();
    for (const c of V1) tree.dir(c);
    const layout = detectLayout(tree.root);
    expect(layout.mode).toBe('v1');
    expect(layout.fake).toBe(true);
    expect(layout.hierarchies.memory).toBe(`${tree.root}/memory`);
    expect(layout.hierarchies.hugetlb).toBeUndefined();
    expect(layout.unifiedRoot).toBeNull();
  });

  it('reads controller directories plus unified/ as hybrid', () => {
    tree = fakeTree();
    for (const c of V1) tree.dir(c);
    tree.put('unified/cgroup.controllers', '');
    const layout = detectLayout(tree.root);
    expect(layout.mode).toBe('hybrid');
    expect(layout.unifiedRoot).toBe(`${tree.root}/unified`);
  });

  it('reads a root cgroup.controllers as v2', () => {
    tree = fakeTree();
    tree.put('cgroup.controllers', 'cpu memory pids\n');
    const layout = detectLayout(tree.root);
    expect(layout).toEqual({
      mode: 'v2',
      root: tree.root,
      fake: true,
      hierarchies: {},
      unifiedRoot: tree.root,
    });
  });

  it('finds cpu and cpuacct in a combined cpu,cpuacct mount, with or without symlinks', () => {
    tree = fakeTree();
    tree.dir('cpu,cpuacct');
    tree.dir('memory');
    expect(detectLayout(tree.root).hierarchies).toMatchObject({
      cpu: `${tree.root}/cpu,cpuacct`,
      cpuacct: `${tree.root}/cpu,cpuacct`,
    });
    tree.link('cpu', 'cpu,cpuacct');
    expect(detectLayout(tree.root).hierarchies.cpu).toBe(`${tree.root}/cpu`);
  });

  it('refuses a directory with no cgroup shape', () => {
    tree = fakeTree();
    tree.dir('nothing-here');
    expect(() => detectLayout(tree.root)).toThrow(/no cgroup hierarchy found/);
  });
});

describe('detectLayout on this host', () => {
  it('matches the mounts: hybrid when unified/ is cgroup2 beside v1 mounts', () => {
    const layout = detectLayout();
    expect(layout.fake).toBe(false);
    const rootType = statfsSync('/sys/fs/cgroup').type;
    let unifiedType = 0;
    try {
      unifiedType = statfsSync('/sys/fs/cgroup/unified').type;
    } catch {
      /* not hybrid */
    }
    const expected = rootType === 0x63677270 ? 'v2' : unifiedType === 0x63677270 ? 'hybrid' : 'v1';
    expect(layout.mode).toBe(expected);
    if (expected !== 'v2') {
      expect(statfsSync(layout.hierarchies.memory!).type).toBe(0x27e0eb);
      expect(layout.hierarchies.cpu).toBeDefined();
      expect(layout.hierarchies.cpuacct).toBeDefined();
    }
  });
});
