// Reducing the engines' stats documents (the shapes dockerd and berthd send on cgroup v1 and v2)
// to the sample the charts and pressure cards draw.
import { describe, expect, it } from 'vitest';
import { sampleFromRaw } from './stats.js';
import { cpuQuotaOf, oomExplanation } from './containers.js';

const MiB = 1024 * 1024;

describe('stats sample', () => {
  it('takes throttling periods and time, and memory.failcnt on cgroup v1', () => {
    const s = sampleFromRaw({
      read: '2026-01-01T00:00:01Z',
      cpu_stats: { cpu_usage: { total_usage: 2e9 }, system_cpu_usage: 20e9, online_cpus: 2, throttling_data: { periods: 30, throttled_periods: 28, throttled_time: 2_260_000_000 } },
      precpu_stats: { cpu_usage: { total_usage: 1e9 }, system_cpu_usage: 10e9 },
      memory_stats: { usage: 20 * MiB, max_usage: 16 * MiB, limit: 16 * MiB, failcnt: 50, stats: { total_inactive_file: 4 * MiB } },
    });
    expect(s).toMatchObject({ cpuPeriods: 30, throttledPeriods: 28, throttledTimeNs: 2_260_000_000, memFailcnt: 50, memUsage: 16 * MiB, memPeak: 16 * MiB, cpuPercent: 20 });
    expect(s.psi).toBeUndefined();
  });

  it('takes PSI where the engine reports it (cgroup v2), and leaves failcnt out there', () => {
    const psi = (some: number, full?: number) => ({ some: { avg10: some, avg60: 0, avg300: 0, total: 1234 }, ...(full !== undefined ? { full: { avg10: full, avg60: 0, avg300: 0, total: 9 } } : {}) });
    const s = sampleFromRaw({
      cpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 }, psi: psi(1.5, 0.5) },
      memory_stats: { usage: MiB, limit: 8 * MiB, psi: psi(12.25, 3) },
      blkio_stats: { psi: psi(0) },
    });
    expect(s.psi).toEqual({ cpu: { someAvg10: 1.5, fullAvg10: 0.5, someTotalUs: 1234 }, memory: { someAvg10: 12.25, fullAvg10: 3, someTotalUs: 1234 }, io: { someAvg10: 0, fullAvg10: undefined, someTotalUs: 1234 } });
    expect(s.memFailcnt).toBeUndefined();
  });
});

describe('container details', () => {
  it('reads the CPU quota from --cpus or from CpuQuota/CpuPeriod', () => {
    expect(cpuQuotaOf({ NanoCpus: 100_000_000 })).toEqual({ cpus: 0.1, quotaUs: 10_000, periodUs: 100_000 });
    expect(cpuQuotaOf({ CpuQuota: 50_000, CpuPeriod: 200_000 })).toEqual({ cpus: 0.25, quotaUs: 50_000, periodUs: 200_000 });
    expect(cpuQuotaOf({ CpuQuota: 0, NanoCpus: 0 })).toBeUndefined();
    expect(cpuQuotaOf({ CpuQuota: -1 })).toBeUndefined();
  });

  it('explains an OOM kill with the limit as the peak, and a lower last sample as such', () => {
    const a = oomExplanation(16 * MiB, 12 * MiB);
    expect(a.peak).toBe(16 * MiB);
    expect(a.message).toMatch(/reached its limit of 16 MiB \(peak usage 16 MiB\).*last sample before the kill read 12 MiB/);
    expect(oomExplanation(16 * MiB, undefined).message).not.toMatch(/last sample/);
    expect(oomExplanation(0, 300 * MiB).message).toMatch(/the host ran out of memory \(peak usage seen: 300 MiB\)/);
  });
});
