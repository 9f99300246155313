// Live resource tuning: the run dialog's controls applied with the engine's update, confirmed by
// the next stats sample, with a marker on the charts; throttling and OOM pressure beside limits.
import { useState } from 'react';
import type { ContainerDetails, ResourceSpec, StatsSample } from '@shared/contract';
import { useApi, useApiMutation } from '../../api/api';
import { bytes } from '../../lib/format';
import { addMarker } from '../../lib/stats-history';
import { ResourceControls } from '../../components/ResourceControls';
import { ErrorBox, InfoBox } from '../../components/Notice';
import { PressurePanel } from './PressurePanel';
import type { Marker } from '../../charts/TimeChart';

function diff(a: ResourceSpec, b: ResourceSpec): Partial<ResourceSpec> {
  const out: Partial<ResourceSpec> = {};
  for (const k of Object.keys(a) as (keyof ResourceSpec)[]) if (a[k] !== b[k]) (out as Record<string, unknown>)[k] = a[k];
  return out;
}

function describe(p: Partial<ResourceSpec>): string {
  const parts: string[] = [];
  if (p.memory !== undefined) parts.push(`memory ${p.memory ? bytes(p.memory) : 'no limit'}`);
  if (p.cpuShares !== undefined) parts.push(`cpu shares ${p.cpuShares}`);
  if (p.cpusetCpus !== undefined) parts.push(`cpus ${p.cpusetCpus || 'all'}`);
  if (p.pidsLimit !== undefined) parts.push(`pids ${p.pidsLimit || 'no limit'}`);
  if (p.blkioWeight !== undefined) parts.push(`blkio ${p.blkioWeight || 'default'}`);
  if (p.cpus !== undefined) parts.push(`cpu quota ${p.cpus || 'none'}`);
  return parts.join(', ');
}

export function ResourcesTab({ id, details, stats }: { id: string; details: ContainerDetails; stats: { samples: StatsSample[]; markers: Marker[] } }) {
  const host = useApi('system.host', {});
  const update = useApiMutation('containers.update', ['containers.inspect']);
  const [value, setValue] = useState<ResourceSpec>(details.resources);
  // What the engine has: the inspected resources, or the update's answer until the next inspect
  // (the applied spec is tagged with the inspect result it was applied over).
  const [applied, setApplied] = useState<{ over: ResourceSpec; spec: ResourceSpec } | null>(null);
  const base = applied && applied.over === details.resources ? applied.spec : details.resources;
  const [appliedAt, setAppliedAt] = useState<{ at: number; memory?: number | undefined } | null>(null);
  const changes = diff(value, base);
  const dirty = Object.keys(changes).length > 0;
  const last = stats.samples[stats.samples.length - 1];
  const confirmed = appliedAt && last && last.at > appliedAt.at && (appliedAt.memory === undefined || appliedAt.memory === 0 || last.memLimit === appliedAt.memory);
  const apply = () => {
    if (changes.memory === 0) {
      // Engines (Docker included) cannot lift a memory limit on a running container.
    }
    update.mutate({ id, resources: changes }, {
      onSuccess: (r) => {
        addMarker(id, describe(changes));
        setAppliedAt({ at: Date.now(), memory: changes.memory });
        setApplied({ over: details.resources, spec: r.resources });
        setValue(r.resources);
      },
    });
  };
  return (
    <div className="grid gap-4 lg:grid-cols-[1fr_20rem]">
      <section className="card p-4" aria-label="Limits">
        {host.data ? <ResourceControls idPrefix="live" value={value} onChange={setValue} total={host.data.memTotal} ncpu={host.data.ncpu} /> : <div className="text-sm text-slate-500 dark:text-slate-400">Reading host facts…</div>}
        {changes.cpus === 0 && (base.cpus ?? 0) > 0 && <div className="mt-3"><InfoBox tone="warn">A running container's CPU quota can be changed but not removed; set it to all CPUs instead, or recreate it without one.</InfoBox></div>}
        {changes.memory === 0 && base.memory > 0 && <div className="mt-3"><InfoBox tone="warn">A running container's memory limit can be raised or lowered but not removed; choose a large value instead, or recreate it without a limit.</InfoBox></div>}
        <div className="mt-4 flex items-center gap-2">
          <button className="btn btn-primary" disabled={!dirty || update.isPending || details.row.state !== 'running' && details.row.state !== 'paused'} onClick={apply}>{update.isPending ? 'Applying…' : 'Apply now'}</button>
          <button className="btn" disabled={!dirty} onClick={() => setValue(base)}>Reset</button>
          {dirty && <span className="text-sm text-slate-500 dark:text-slate-400">Will change: {describe(changes)}</span>}
        </div>
        {update.error && <div className="mt-3"><ErrorBox title="The engine refused the change" message={update.error.message} onDismiss={() => update.reset()} /></div>}
        {update.data?.warnings.length ? <div className="mt-3"><InfoBox tone="warn">{update.data.warnings.join(' ')}</InfoBox></div> : null}
        {appliedAt && <div className="mt-3" data-testid="update-status">{confirmed
          ? <InfoBox tone="ok">Applied. The next stats sample confirms it{appliedAt.memory ? `: memory limit now ${bytes(last?.memLimit)}` : ''}.</InfoBox>
          : <InfoBox>Applied; waiting for the next stats sample to confirm…</InfoBox>}</div>}
      </section>
      <PressurePanel id={id} details={details} base={base} last={last} cgroupVersion={host.data?.cgroupVersion} />
    </div>
  );
}
