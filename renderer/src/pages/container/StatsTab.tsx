// Live charts: CPU %, memory against its limit, pids, block I/O; markers where a limit changed.
import { useMemo } from 'react';
import type { ContainerDetails, ResourceSpec, StatsSample } from '@shared/contract';
import { TimeChart, type Marker } from '../../charts/TimeChart';
import { bytes } from '../../lib/format';
import { quotaText, throttleText } from '../../lib/pressure';
import { ErrorBox, InfoBox } from '../../components/Notice';

const MIB = 1024 * 1024;

export function StatsTab({ stats, resources, cpuQuota, running }: { stats: { samples: StatsSample[]; markers: Marker[]; error: string | null }; resources?: ResourceSpec | undefined; cpuQuota?: ContainerDetails['cpuQuota']; running: boolean }) {
  const s = stats.samples;
  const t = useMemo(() => s.map((x) => x.at / 1000), [s]);
  const last = s[s.length - 1];
  const limitKnown = Boolean(resources?.memory);
  return (
    <div className="space-y-4">
      {!running && <InfoBox>The container is not running, so there are no live numbers. Start it to see them.</InfoBox>}
      {stats.error && <ErrorBox title="Stats stopped" message={stats.error} />}
      {last && (
        <dl className="grid grid-cols-2 gap-3 md:grid-cols-5">
          <div className="card p-3"><dt className="label">CPU</dt><dd className="text-lg font-semibold tabular-nums">{last.cpuPercent.toFixed(1)} %</dd></div>
          <div className="card p-3"><dt className="label">Memory</dt><dd className="text-lg font-semibold tabular-nums">{bytes(last.memUsage)} <span className="text-sm text-slate-500 dark:text-slate-400">/ {limitKnown ? bytes(last.memLimit) : 'no limit'}</span></dd></div>
          <div className="card p-3"><dt className="label">Processes</dt><dd className="text-lg font-semibold tabular-nums">{last.pids}</dd></div>
          <div className="card p-3"><dt className="label">Block I/O</dt><dd className="text-lg font-semibold tabular-nums">{bytes(last.blkRead)} / {bytes(last.blkWrite)}</dd><dd className="text-xs text-slate-500 dark:text-slate-400">read / written since start</dd></div>
          <div className="card p-3"><dt className="label">CPU throttled</dt><dd className="text-lg font-semibold tabular-nums">{last.throttledPeriods} periods</dd><dd className="text-xs text-slate-500 dark:text-slate-400">{cpuQuota ? `${quotaText(cpuQuota)}. ${throttleText(last)}` : 'No CPU quota: nothing to throttle'}</dd></div>
        </dl>
      )}
      <div className="grid gap-4 xl:grid-cols-2">
        <TimeChart title="CPU %" series={[{ label: 'CPU', color: '#2f7de1' }]} data={[t, s.map((x) => x.cpuPercent)]} markers={stats.markers} format={(v) => `${v.toFixed(1)}%`} />
        <TimeChart title="Memory" series={[{ label: 'used', color: '#10b981' }, { label: 'limit', color: '#ef4444', dash: [6, 4] }]}
          data={[t, s.map((x) => x.memUsage), s.map((x) => (limitKnown ? x.memLimit : null))]} markers={stats.markers} format={(v) => bytes(v)} floor={MIB} binary />
        <TimeChart title="Processes" series={[{ label: 'pids', color: '#a855f7' }]} data={[t, s.map((x) => x.pids)]} markers={stats.markers} format={(v) => v.toFixed(0)} floor={4} />
        <TimeChart title="Block I/O (cumulative)" series={[{ label: 'read', color: '#0ea5e9' }, { label: 'write', color: '#f97316' }]} data={[t, s.map((x) => x.blkRead), s.map((x) => x.blkWrite)]} markers={stats.markers} format={(v) => bytes(v)} floor={MIB} binary />
      </div>
    </div>
  );
}
