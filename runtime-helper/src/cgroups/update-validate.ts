// Validation of a live update before anything is written, with Docker's limits and messages
// where Docker has them.
import { z } from 'zod';
import { invalidUpdate } from './errors.js';
import type { ResourceUpdate } from './types.js';

const MIN_MEMORY = 6 * 1024 * 1024;
const int = z.number().int();
const cpuList = z.string().regex(/^[0-9,-]*$/, 'must be a list like "0-2,4"');

const schema = z
  .object({
    memory: int
      .refine((v) => v === -1 || v === 0 || v >= MIN_MEMORY, 'Minimum memory limit allowed is 6MB')
      .optional(),
    memoryReservation: int.min(-1).optional(),
    memorySwap: int.min(-1).optional(),
    cpuShares: int.min(0).max(262144, 'must be at most 262144').optional(),
    cpuQuota: int
      .refine((v) => v === -1 || v === 0 || v >= 1000, 'CPU cfs quota can not be less than 1ms (i.e. 1000)')
      .optional(),
    cpuPeriod: int
      .refine(
        (v) => v === 0 || (v >= 1000 && v <= 1_000_000),
        'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1 second (i.e. 1000000)',
      )
      .optional(),
    cpusetCpus: cpuList.optional(),
    cpusetMems: cpuList.optional(),
    pidsLimit: int.optional(),
    blkioWeight: int
      .refine((v) => v === 0 || (v >= 10 && v <= 1000), 'Range of blkio weight is from 10 to 1000')
      .optional(),
  })
  .strict();

/** Returns the update with "unset" values (0, "") dropped; throws a 400 CgroupError on bad input. */
export function validateUpdate(input: unknown): ResourceUpdate {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'update';
    throw invalidUpdate(`invalid resource update: ${field}: ${issue?.message ?? 'invalid'}`);
  }
  const u = parsed.data;
  const out: ResourceUpdate = {};
  for (const [key, value] of Object.entries(u) as [keyof ResourceUpdate, number | string | undefined][]) {
    if (value === undefined || value === 0 || value === '') continue;
    (out as Record<string, number | string>)[key] = value;
  }
  if (
    out.memory !== undefined &&
    out.memory > 0 &&
    out.memorySwap !== undefined &&
    out.memorySwap > 0 &&
    out.memorySwap < out.memory
  ) {
    throw invalidUpdate(
      'invalid resource update: Minimum memoryswap limit should be larger than memory limit, see usage',
    );
  }
  return out;
}
