import { afterEach, describe, expect, it } from 'vitest';
import { fakeProc, fakeTree, type FakeTree } from './fake-tree.testkit.js';
import { createCgroupDriver } from './index.js';

const GiB2 = 2 * 1024 * 1024 * 1024;

describe('stats from fake cgroup trees', () => {
  const trees: FakeTree[] = [];
  afterEach(() => trees.splice(0).forEach((t) => t.cleanup()));
  const track = (t: FakeTree): FakeTree => (trees.push(t), t);

  it('v1 (separate cpu and cpuacct hierarchies, as on this host)', async () => {
    const t = track(fakeTree());
    const proc = track(fakeProc());
    const c = '/berth/s1';
    t.put(`cpuacct${c}/cpuacct.usage`, '5000000000\n');
    t.put(`cpuacct${c}/cpuacct.usage_percpu`, '3000000000 2000000000 \n');
    t.put(`cpuacct${c}/cpuacct.stat`, 'user 300\nsystem 150\n');
    t.put(`cpu${c}/cpu.stat`, 'nr_periods 10\nnr_throttled 4\nthrottled_time 123456\n');
    t.put(`memory${c}/memory.usage_in_bytes`, '10485760\n');
    t.put(`memory${c}/memory.max_usage_in_bytes`, '20971520\n');
    t.put(`memory${c}/memory.failcnt`, '7\n');
    t.put(`memory${c}/memory.limit_in_bytes`, '16777216\n');
    t.put(`memory${c}/memory.stat`, 'cache 4096\nrss 8192\nshmem 0\nswap 0\ntotal_inactive_file 1024\n');
    t.put(`pids${c}/pids.current`, '3\n');
    t.put(`pids${c}/pids.max`, '64\n');
    t.put(
      `blkio${c}/blkio.throttle.io_service_bytes_recursive`,
      '8:0 Read 4096\n8:0 Write 8192\n8:0 Total 12288\nTotal 12288\n',
    );
    t.put(`blkio${c}/blkio.throttle.io_serviced_recursive`, '8:0 Read 1\n8:0 Write 2\nTotal 3\n');
    const cg = createCgroupDriver({ root: t.root, procRoot: proc.root });
    expect(cg.layout.mode).toBe('v1');
    const stats = await cg.stats(cg.pathsFor(c));
    expect(stats).toEqual({
      cpu_stats: {
        cpu_usage: {
          total_usage: 5e9,
          percpu_usage: [3e9, 2e9],
          usage_in_kernelmode: 150e7,
          usage_in_usermode: 300e7,
        },
        system_cpu_usage: (100 + 50 + 800 + 10 + 5) * 1e7,
        online_cpus: 2,
        throttling_data: { periods: 10, throttled_periods: 4, throttled_time: 123456 },
      },
      memory_stats: {
        usage: 10485760,
        max_usage: 20971520,
        stats: { cache: 4096, rss: 8192, total_inactive_file: 1024 },
        failcnt: 7,
        limit: 16777216,
      },
      pids_stats: { current: 3, limit: 64 },
      blkio_stats: {
        io_service_bytes_recursive: [
          { major: 8, minor: 0, op: 'Read', value: 4096 },
          { major: 8, minor: 0, op: 'Write', value: 8192 },
          { major: 8, minor: 0, op: 'Total', value: 12288 },
        ],
        io_serviced_recursive: [
          { major: 8, minor: 0, op: 'Read', value: 1 },
          { major: 8, minor: 0, op: 'Write', value: 2 },
        ],
        io_queue_recursive: [],
        io_service_time_recursive: [],
        io_wait_time_recursive: [],
        io_merged_recursive: [],
        io_time_recursive: [],
        sectors_recursive: [],
      },
    });
  });

  it('v1 reads the CFQ lists when the kernel has them', async () => {
    const t = track(fakeTree());
    const proc = track(fakeProc());
    t.put('memory/c/memory.usage_in_bytes', '100\n');
    t.put('blkio/c/blkio.io_serviced_recursive', '8:0 Read 3\nTotal 3\n');
    t.put('blkio/c/blkio.sectors_recursive', '8:0 8\n');
    t.put('blkio/c/blkio.time_recursive', '8:0 Read 77\n');
    const cg = createCgroupDriver({ root: t.root, procRoot: proc.root });
    const { blkio_stats } = await cg.stats(cg.pathsFor('/c'));
    expect(blkio_stats.io_serviced_recursive).toEqual([{ major: 8, minor: 0, op: 'Read', value: 3 }]);
    expect(blkio_stats.io_time_recursive).toEqual([{ major: 8, minor: 0, op: 'Read', value: 77 }]);
    expect(blkio_stats.sectors_recursive).toEqual([{ major: 8, minor: 0, op: '', value: 8 }]);
    expect(blkio_stats.io_service_bytes_recursive).toEqual([]);
  });

  it('v1 without limits reports host memory and no pids limit', async () => {
    const t = track(fakeTree());
    const proc = track(fakeProc());
    t.put('memory/c/memory.usage_in_bytes', '100\n');
    t.put('memory/c/memory.limit_in_bytes', '9223372036854771712\n');
    t.put('pids/c/pids.current', '1\n');
    t.put('pids/c/pids.max', 'max\n');
    const cg = createCgroupDriver({ root: t.root, procRoot: proc.root });
    const stats = await cg.stats(cg.pathsFor('/c'));
    expect(stats.memory_stats.limit).toBe(GiB2);
    expect(stats.pids_stats).toEqual({ current: 1 });
    expect(stats.memory_stats).toEqual({ usage: 100, stats: {}, limit: GiB2 }); // no max_usage/failcnt when 0
    expect(stats.blkio_stats.io_service_bytes_recursive).toEqual([]);
  });

  it('v2', async () => {
    const t = track(fakeTree());
    const proc = track(fakeProc());
    t.put('cgroup.controllers', 'cpu memory pids io\n');
    t.put(
      'berth/s2/cpu.stat',
      'usage_usec 2500\nuser_usec 2000\nsystem_usec 500\nnr_periods 8\nnr_throttled 2\nthrottled_usec 40\n',
    );
    t.put('berth/s2/memory.current', '3145728\n');
    t.put('berth/s2/memory.max', 'max\n');
    t.put('berth/s2/memory.stat', 'anon 1048576\nfile 2097152\ninactive_file 524288\nzswap 0\n');
    t.put('berth/s2/pids.current', '2\n');
    t.put('berth/s2/pids.max', '100\n');
    t.put('berth/s2/io.stat', '8:0 rbytes=4096 wbytes=512 rios=2 wios=1 dbytes=0 dios=0\n');
    t.put('berth/s2/cgroup.procs', '11\n12\n');
    const cg = createCgroupDriver({ root: t.root, procRoot: proc.root });
    const stats = await cg.stats(cg.pathsFor('/berth/s2'));
    expect(stats.cpu_stats).toEqual({
      cpu_usage: { total_usage: 2_500_000, usage_in_kernelmode: 500_000, usage_in_usermode: 2_000_000 },
      system_cpu_usage: 965e7,
      online_cpus: 2,
      throttling_data: { periods: 8, throttled_periods: 2, throttled_time: 40_000 },
    });
    expect(stats.memory_stats).toEqual({
      usage: 3145728,
      stats: { anon: 1048576, file: 2097152, inactive_file: 524288 },
      limit: GiB2,
    });
    expect(stats.pids_stats).toEqual({ current: 2, limit: 100 });
    expect(stats.blkio_stats.io_service_bytes_recursive).toEqual([
      { major: 8, minor: 0, op: 'read', value: 4096 },
      { major: 8, minor: 0, op: 'write', value: 512 },
    ]);
    expect(stats.blkio_stats.io_serviced_recursive).toBeNull(); // Docker fills only the bytes on v2
  });

  it('a cgroup that is gone is a 404', async () => {
    const t = track(fakeTree());
    const proc = track(fakeProc());
    t.put('cgroup.controllers', 'memory\n');
    const cg = createCgroupDriver({ root: t.root, procRoot: proc.root });
    await expect(cg.stats(cg.pathsFor('/berth/none'))).rejects.toMatchObject({ status: 404 });
    const v1 = track(fakeTree());
    v1.dir('memory');
    const cg1 = createCgroupDriver({ root: v1.root, procRoot: proc.root });
    await expect(cg1.stats(cg1.pathsFor('/berth/none'))).rejects.toMatchObject({ status: 404 });
  });
});
