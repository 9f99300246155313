// Plain words for CPU throttling, memory pressure and PSI, shared by the Stats and Resources tabs.
import type { ContainerDetails, PsiFigures, StatsSample } from '@shared/contract';

export function quotaText(q: ContainerDetails['cpuQuota']): string {
  if (!q) return 'No CPU quota';
  const cpus = Number(q.cpus.toFixed(2));
  return `Quota ${cpus} CPU${cpus === 1 ? '' : 's'} (${q.quotaUs / 1000} ms per ${q.periodUs / 1000} ms)`;
}

export function throttleText(s: StatsSample | undefined): string {
  if (!s) return '—';
  const pct = s.cpuPeriods > 0 ? ` (${((s.throttledPeriods / s.cpuPeriods) * 100).toFixed(0)} %)` : '';
  return `Throttled in ${s.throttledPeriods} of ${s.cpuPeriods} periods${pct}, ${(s.throttledTimeNs / 1e9).toFixed(2)} s held back`;
}

export function psiText(p: PsiFigures | undefined): string {
  if (!p) return '—';
  return `some ${p.someAvg10.toFixed(2)} %${p.fullAvg10 !== undefined ? `, full ${p.fullAvg10.toFixed(2)} %` : ''} (10 s average)`;
}

/** Why there is no PSI: the host's cgroup version, or an engine that does not report it. */
export function psiMissing(cgroupVersion: string | undefined): string {
  if (cgroupVersion === '1') return 'Not available on this host: it uses cgroup v1, and pressure stall information (PSI) needs cgroup v2.';
  return 'Not reported by this engine (it gives PSI only on cgroup v2, in recent versions).';
}
