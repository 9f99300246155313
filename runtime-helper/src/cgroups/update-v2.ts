// A live update written to a v2 directory: memory.max and memory.swap.max (swap alone, so
// Docker's memory+swap is converted), cpu.weight from shares, cpu.max "quota period".
import { join } from 'node:path';
import { CgroupError, missingController } from './errors.js';
import { readNumber, readText, writeValue } from './files.js';
import type { ResourceUpdate } from './types.js';
import { blkioToIoWeight, sharesToWeight } from './weights.js';

const maxText = (v: number): string => (v < 0 || !Number.isFinite(v) ? 'max' : String(v));

export async function applyUpdateV2(dir: string, u: ResourceUpdate, create: boolean): Promise<void> {
  const controllers = ((await readText(join(dir, 'cgroup.controllers'))) ?? '').split(/\s+/);
  const need = (c: string, why: string): void => {
    if (!controllers.includes(c)) throw missingController(c, why, dir);
  };
  const write = (file: string, value: string): Promise<void> => writeValue(join(dir, file), value, create);

  if (u.memory !== undefined || u.memorySwap !== undefined || u.memoryReservation !== undefined) {
    need('memory', 'a memory limit');
    if (u.memory !== undefined) await write('memory.max', maxText(u.memory));
    if (u.memoryReservation !== undefined) await write('memory.low', maxText(u.memoryReservation));
    if (u.memorySwap !== undefined) {
      if (u.memorySwap < 0) await write('memory.swap.max', 'max');
      else {
        const memory = u.memory ?? (await readNumber(join(dir, 'memory.max'))) ?? Infinity;
        if (memory < 0 || !Number.isFinite(memory))
          throw new CgroupError(400, `a swap limit needs a memory limit ('${dir}')`);
        if (u.memorySwap < memory)
          throw new CgroupError(
            400,
            'Minimum memoryswap limit should be larger than memory limit, see usage',
          );
        await write('memory.swap.max', String(u.memorySwap - memory));
      }
    }
  }
  if (u.cpuShares !== undefined || u.cpuQuota !== undefined || u.cpuPeriod !== undefined) {
    need('cpu', 'a cpu limit');
    if (u.cpuShares !== undefined) await write('cpu.weight', String(sharesToWeight(u.cpuShares)));
    if (u.cpuQuota !== undefined || u.cpuPeriod !== undefined) {
      const [quota = 'max', period = '100000'] = ((await readText(join(dir, 'cpu.max'))) ?? 'max 100000')
        .trim()
        .split(/\s+/);
      await write(
        'cpu.max',
        `${u.cpuQuota !== undefined ? maxText(u.cpuQuota) : quota} ${u.cpuPeriod ?? period}`,
      );
    }
  }
  if (u.cpusetCpus !== undefined || u.cpusetMems !== undefined) {
    need('cpuset', 'a cpuset');
    if (u.cpusetCpus !== undefined) await write('cpuset.cpus', u.cpusetCpus);
    if (u.cpusetMems !== undefined) await write('cpuset.mems', u.cpusetMems);
  }
  if (u.pidsLimit !== undefined) {
    need('pids', 'a pids limit');
    await write('pids.max', u.pidsLimit <= 0 ? 'max' : String(u.pidsLimit));
  }
  if (u.blkioWeight !== undefined) {
    need('io', 'a blkio weight');
    if ((await readText(join(dir, 'io.bfq.weight'))) !== null)
      await write('io.bfq.weight', String(u.blkioWeight));
    else await write('io.weight', `default ${blkioToIoWeight(u.blkioWeight)}`);
  }
}
