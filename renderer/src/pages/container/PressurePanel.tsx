// Beside the limits: CPU quota and throttling, memory limit with peak, limit hits and OOM kills,
// processes against their limit, and PSI where the host and engine offer it.
import type { ContainerDetails, ResourceSpec, StatsSample } from '@shared/contract';
import { useApi } from '../../api/api';
import { bytes } from '../../lib/format';
import { psiMissing, psiText, quotaText, throttleText } from '../../lib/pressure';

export function PressurePanel({ id, details, base, last: sample, cgroupVersion }: { id: string; details: ContainerDetails; base: ResourceSpec; last: StatsSample | undefined; cgroupVersion: string | undefined }) {
  const ooms = useApi('containers.oomEvents', { id }, { refetchInterval: 5000 });
  // A stopped container's samples are empty: show no live figures for it.
  const live = details.row.state === 'running' || details.row.state === 'paused';
  const last = live ? sample : undefined;
  const psi = last?.psi;
  return (
    <aside className="space-y-3" aria-label="Pressure">
      <div className="card p-3 text-sm" data-testid="cpu-pressure">
        <div className="label">CPU</div>
        <div>{last ? `${last.cpuPercent.toFixed(1)} % now` : '—'} · shares {base.cpuShares || 1024}</div>
        <div>{quotaText(details.cpuQuota)}</div>
        <div className="text-slate-500 dark:text-slate-400">{details.cpuQuota ? throttleText(last) : 'Throttling happens only under a quota; shares weigh it against others only when CPUs are busy.'}</div>
      </div>
      <div className="card p-3 text-sm" data-testid="memory-pressure">
        <div className="label">Memory</div>
        <div>Used {bytes(last?.memUsage)} of {base.memory ? bytes(base.memory) : 'no limit'}</div>
        {last?.memPeak !== undefined && <div className="text-slate-500 dark:text-slate-400">Peak {bytes(last.memPeak)}</div>}
        {!live && details.oom?.peak !== undefined && <div className="text-slate-500 dark:text-slate-400">Peak {bytes(details.oom.peak)}, at the OOM kill</div>}
        {live && <div className="text-slate-500 dark:text-slate-400">{last?.memFailcnt !== undefined ? `Hit the limit ${last.memFailcnt} times (the kernel reclaimed memory each time)` : last ? 'Limit hits: none reported (engines leave the count out at 0, and on cgroup v2)' : 'Limit hits: waiting for a sample'}</div>}
        <div className={ooms.data?.count ? 'font-medium text-red-700 dark:text-red-300' : 'text-slate-500 dark:text-slate-400'}>
          {ooms.error ? `OOM-killer events: unknown (${ooms.error.message})` : ooms.data ? `OOM-killer events: ${ooms.data.count}${ooms.data.lastAt ? `, last at ${new Date(ooms.data.lastAt).toLocaleTimeString()}` : ''}` : 'OOM-killer events: …'}
        </div>
      </div>
      <div className="card p-3 text-sm"><div className="label">Processes</div><div>{last?.pids ?? '—'} of {base.pidsLimit || 'no limit'}</div></div>
      <div className="card p-3 text-sm" data-testid="psi">
        <div className="label">Pressure stalls (PSI)</div>
        {psi
          ? <dl className="grid grid-cols-[4rem_1fr] gap-x-2"><dt>CPU</dt><dd>{psiText(psi.cpu)}</dd><dt>Memory</dt><dd>{psiText(psi.memory)}</dd><dt>I/O</dt><dd>{psiText(psi.io)}</dd></dl>
          : <div className="text-slate-500 dark:text-slate-400">{live ? psiMissing(cgroupVersion) : 'The container is not running.'}</div>}
      </div>
    </aside>
  );
}
