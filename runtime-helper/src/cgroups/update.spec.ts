import { afterEach, describe, expect, it } from 'vitest';
import { fakeProc, fakeTree, type FakeTree } from './fake-tree.testkit.js';
import { createCgroupDriver } from './index.js';

describe('live updates on fake trees', () => {
  const trees: FakeTree[] = [];
  afterEach(() => trees.splice(0).forEach((t) => t.cleanup()));
  const track = (t: FakeTree): FakeTree => (trees.push(t), t);

  const v1Tree = (): FakeTree => {
    const t = track(fakeTree());
    for (const c of ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'blkio']) t.dir(`${c}/berth/u1`);
    t.put('memory/berth/u1/memory.usage_in_bytes', '1048576\n');
    t.put('memory/berth/u1/memory.memsw.limit_in_bytes', '9223372036854771712\n');
    t.put('blkio/berth/u1/blkio.bfq.weight', '100\n');
    return t;
  };

  it('v1: writes every resource to its file', async () => {
    const t = v1Tree();
    const cg = createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });
    await cg.update(cg.pathsFor('/berth/u1'), {
      memory: 64 * 1024 * 1024,
      memorySwap: 128 * 1024 * 1024,
      memoryReservation: 32 * 1024 * 1024,
      cpuShares: 512,
      cpuQuota: 50000,
      cpuPeriod: 100000,
      cpusetCpus: '0',
      cpusetMems: '0',
      pidsLimit: 50,
      blkioWeight: 300,
    });
    expect(t.read('memory/berth/u1/memory.limit_in_bytes')).toBe('67108864');
    expect(t.read('memory/berth/u1/memory.memsw.limit_in_bytes')).toBe('134217728');
    expect(t.read('memory/berth/u1/memory.soft_limit_in_bytes')).toBe('33554432');
    expect(t.read('cpu/berth/u1/cpu.shares')).toBe('512');
    expect(t.read('cpu/berth/u1/cpu.cfs_quota_us')).toBe('50000');
    expect(t.read('cpu/berth/u1/cpu.cfs_period_us')).toBe('100000');
    expect(t.read('cpuset/berth/u1/cpuset.cpus')).toBe('0');
    expect(t.read('pids/berth/u1/pids.max')).toBe('50');
    expect(t.read('blkio/berth/u1/blkio.bfq.weight')).toBe('300');
    await cg.update(cg.pathsFor('/berth/u1'), { pidsLimit: -1, cpuQuota: -1, memorySwap: -1 });
    expect(t.read('pids/berth/u1/pids.max')).toBe('max');
    expect(t.read('cpu/berth/u1/cpu.cfs_quota_us')).toBe('-1');
    expect(t.read('memory/berth/u1/memory.memsw.limit_in_bytes')).toBe('-1');
  });

  it('v1: refuses a memory limit below the current usage, writing nothing', async () => {
    const t = v1Tree();
    t.put('memory/berth/u1/memory.usage_in_bytes', '52428800\n');
    t.put('memory/berth/u1/memory.limit_in_bytes', '104857600');
    const cg = createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });
    await expect(
      cg.update(cg.pathsFor('/berth/u1'), { memory: 16 * 1024 * 1024, pidsLimit: 5 }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(
        /memory limit 16777216 is below the container's current memory usage 52428800/,
      ),
    });
    expect(t.read('memory/berth/u1/memory.limit_in_bytes')).toBe('104857600');
    expect(() => t.read('pids/berth/u1/pids.max')).toThrow(/ENOENT/);
  });

  it('v1: a missing controller is named', async () => {
    const t = track(fakeTree());
    t.dir('memory/berth/u2');
    const cg = createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });
    await expect(cg.update(cg.pathsFor('/berth/u2'), { pidsLimit: 5 })).rejects.toThrow(
      /cgroup controller 'pids'/,
    );
  });

  it('v2: memory.swap.max is swap alone, cpu.weight from shares, cpu.max keeps the other half', async () => {
    const t = track(fakeTree());
    t.put('cgroup.controllers', 'cpuset cpu io memory pids\n');
    t.put('berth/u3/cgroup.controllers', 'cpuset cpu io memory pids\n');
    t.put('berth/u3/memory.current', '1048576\n');
    t.put('berth/u3/cpu.max', '50000 100000\n');
    const cg = createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });
    const paths = cg.pathsFor('/berth/u3');
    await cg.update(paths, {
      memory: 64 * 1024 * 1024,
      memorySwap: 96 * 1024 * 1024,
      memoryReservation: 8 * 1024 * 1024,
      cpuShares: 1024,
      cpuPeriod: 200000,
      pidsLimit: 20,
      blkioWeight: 500,
      cpusetCpus: '1',
    });
    expect(t.read('berth/u3/memory.max')).toBe('67108864');
    expect(t.read('berth/u3/memory.swap.max')).toBe('33554432');
    expect(t.read('berth/u3/memory.low')).toBe('8388608');
    expect(t.read('berth/u3/cpu.weight')).toBe('100');
    expect(t.read('berth/u3/cpu.max')).toBe('50000 200000');
    expect(t.read('berth/u3/pids.max')).toBe('20');
    expect(t.read('berth/u3/io.weight')).toBe('default 4950');
    expect(t.read('berth/u3/cpuset.cpus')).toBe('1');
    await cg.update(paths, { cpuQuota: -1, memory: -1, memorySwap: -1 });
    expect(t.read('berth/u3/cpu.max')).toBe('max 200000');
    expect(t.read('berth/u3/memory.max')).toBe('max');
    expect(t.read('berth/u3/memory.swap.max')).toBe('max');
    t.put('berth/u3/io.bfq.weight', 'default 100\n');
    await cg.update(paths, { blkioWeight: 800 });
    expect(t.read('berth/u3/io.bfq.weight')).toBe('800');
  });

  it('v2: a controller not enabled for the cgroup is named', async () => {
    const t = track(fakeTree());
    t.put('cgroup.controllers', 'memory\n');
    t.put('berth/u4/cgroup.controllers', 'memory\n');
    const cg = createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });
    await expect(cg.update(cg.pathsFor('/berth/u4'), { cpuShares: 512 })).rejects.toThrow(
      /cgroup controller 'cpu'/,
    );
  });

  it.each([
    [{ memory: -5 }, /memory: Minimum memory limit allowed is 6MB/],
    [{ memory: 1024 }, /Minimum memory limit allowed is 6MB/],
    [{ memory: 1.5e7 + 0.5 }, /memory/],
    [{ memory: 64 << 20, memorySwap: 32 << 20 }, /memoryswap limit should be larger than memory limit/],
    [{ cpuQuota: 10 }, /CPU cfs quota can not be less than 1ms/],
    [{ cpuPeriod: 5_000_000 }, /CPU cfs period/],
    [{ cpuShares: 1e12 }, /cpuShares/],
    [{ blkioWeight: 5 }, /Range of blkio weight is from 10 to 1000/],
    [{ cpusetCpus: '0\n1' }, /cpusetCpus/],
    [{ kernelMemory: 5 }, /Unrecognized key|kernelMemory/],
    [{ memory: '64m' }, /memory/],
  ])('refuses %j with a clear 400', async (input, message) => {
    const t = v1Tree();
    const cg = createCgroupDriver({ root: t.root, procRoot: track(fakeProc()).root });
    await expect(cg.update(cg.pathsFor('/berth/u1'), input)).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(message),
    });
  });
});
