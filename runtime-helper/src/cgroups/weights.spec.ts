import { describe, expect, it } from 'vitest';
import { blkioToIoWeight, sharesToWeight } from './weights.js';
import { systemCpuUsage, onlineCpus, memTotal } from './host.js';

describe('conversions (same as the C runtime and crun)', () => {
  it.each([
    [0, 0],
    [2, 1],
    [1024, 100],
    [262144, 10000],
    [999999, 10000],
  ])('shares %d -> cpu.weight %d', (shares, weight) => expect(sharesToWeight(shares)).toBe(weight));

  it.each([
    [0, 0],
    [10, 1],
    [500, 4950],
    [1000, 10000],
  ])('blkio weight %d -> io.weight %d', (w, io) => expect(blkioToIoWeight(w)).toBe(io));
});

describe('host numbers', () => {
  const stat =
    'cpu  10 1 2 30 4 5 6 7 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\ncpu1 1 1 1 1 1 1 1 1 0 0\ncpu2 1 1 1 1 1 1 1 1 0 0\n';
  it('sums the first seven cpu fields as Docker does', () => expect(systemCpuUsage(stat)).toBe(58 * 1e7));
  it('counts online cpus', () => expect(onlineCpus(stat)).toBe(3));
  it('reads MemTotal', () => expect(memTotal('MemTotal:  1024 kB\n')).toBe(1024 * 1024));
});
