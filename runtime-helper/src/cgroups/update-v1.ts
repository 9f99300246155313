// A live update written to v1 files. The kernel keeps memory.limit <= memsw.limit at every step,
// so the order of the two writes depends on where the new limit sits against the current memsw.
import { join } from 'node:path';
import { CgroupError, missingController } from './errors.js';
import { readNumber, readText, writeValue } from './files.js';
import type { CgroupPaths, ResourceUpdate, V1Controller } from './types.js';

const limitText = (v: number): string => String(v < 0 ? -1 : v);

export async function applyUpdateV1(paths: CgroupPaths, u: ResourceUpdate, create: boolean): Promise<void> {
  const dir = (c: V1Controller, why: string): string => {
    const d = paths.v1[c];
    if (!d) throw missingController(c, why, 'this host');
    return d;
  };
  const write = (d: string, file: string, value: string): Promise<void> =>
    writeValue(join(d, file), value, create);

  if (u.memory !== undefined || u.memorySwap !== undefined || u.memoryReservation !== undefined) {
    const mem = dir('memory', 'a memory limit');
    if (u.memoryReservation !== undefined)
      await write(mem, 'memory.soft_limit_in_bytes', limitText(u.memoryReservation));
    let swapFirst = false;
    if (u.memorySwap !== undefined) {
      const current = await readNumber(join(mem, 'memory.memsw.limit_in_bytes'));
      if (current === null && !create) {
        throw new CgroupError(
          400,
          `a swap limit needs '${mem}/memory.memsw.limit_in_bytes' (swap accounting is off in this kernel)`,
        );
      }
      const next = u.memory === undefined ? null : u.memory < 0 ? Infinity : u.memory;
      swapFirst = next !== null && next > (current ?? Infinity);
    }
    if (swapFirst) await write(mem, 'memory.memsw.limit_in_bytes', limitText(u.memorySwap!));
    if (u.memory !== undefined) await write(mem, 'memory.limit_in_bytes', limitText(u.memory));
    if (u.memorySwap !== undefined && !swapFirst)
      await write(mem, 'memory.memsw.limit_in_bytes', limitText(u.memorySwap));
  }
  if (u.cpuShares !== undefined || u.cpuQuota !== undefined || u.cpuPeriod !== undefined) {
    const cpu = dir('cpu', 'a cpu limit');
    if (u.cpuShares !== undefined) await write(cpu, 'cpu.shares', String(u.cpuShares));
    let quotaDone = false;
    if (u.cpuPeriod !== undefined) {
      try {
        await write(cpu, 'cpu.cfs_period_us', String(u.cpuPeriod));
      } catch (e) {
        // A shorter period is refused while the old quota is larger than it allows: quota first.
        if (u.cpuQuota === undefined) throw e;
        await write(cpu, 'cpu.cfs_quota_us', limitText(u.cpuQuota));
        await write(cpu, 'cpu.cfs_period_us', String(u.cpuPeriod));
        quotaDone = true;
      }
    }
    if (u.cpuQuota !== undefined && !quotaDone) await write(cpu, 'cpu.cfs_quota_us', limitText(u.cpuQuota));
  }
  if (u.cpusetCpus !== undefined || u.cpusetMems !== undefined) {
    const cpuset = dir('cpuset', 'a cpuset');
    if (u.cpusetCpus !== undefined) await write(cpuset, 'cpuset.cpus', u.cpusetCpus);
    if (u.cpusetMems !== undefined) await write(cpuset, 'cpuset.mems', u.cpusetMems);
  }
  if (u.pidsLimit !== undefined) {
    await write(dir('pids', 'a pids limit'), 'pids.max', u.pidsLimit <= 0 ? 'max' : String(u.pidsLimit));
  }
  if (u.blkioWeight !== undefined) {
    const blkio = dir('blkio', 'a blkio weight');
    // CFQ's blkio.weight is gone from current kernels; BFQ has blkio.bfq.weight.
    const cfq = (await readText(join(blkio, 'blkio.weight'))) !== null;
    const bfq = !cfq && (await readText(join(blkio, 'blkio.bfq.weight'))) !== null;
    if (!cfq && !bfq && !create)
      throw new CgroupError(400, `a blkio weight needs blkio.weight or blkio.bfq.weight in '${blkio}'`);
    await write(blkio, bfq ? 'blkio.bfq.weight' : 'blkio.weight', String(u.blkioWeight));
  }
}
