// One container: header with state and actions, and its tabs.
import { useState } from 'react';
import { useApi, useApiMutation } from '../api/api';
import type { ContainerAction } from '@shared/contract';
import { shortId } from '../lib/format';
import { pendingLabel } from '../lib/container-filter';
import { go } from '../lib/router';
import { useStatsHistory } from '../lib/stats-history';
import { PageHeader } from '../components/PageHeader';
import { ErrorBox } from '../components/Notice';
import { StateChip } from '../components/StateChip';
import { PortLinks } from '../components/PortLinks';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyButton } from '../components/CopyButton';
import { LogsTab } from './container/LogsTab';
import { StatsTab } from './container/StatsTab';
import { InspectTab } from './container/InspectTab';
import { ProcessesTab } from './container/ProcessesTab';
import { ChangesTab } from './container/ChangesTab';
import { ResourcesTab } from './container/ResourcesTab';
import { TerminalsTab } from './container/TerminalsTab';

const TABS = [
  ['logs', 'Logs'], ['stats', 'Stats'], ['terminal', 'Terminals'], ['resources', 'Resources'], ['processes', 'Processes'], ['changes', 'Changes'], ['inspect', 'Inspect'],
] as const;

export function ContainerPage({ id, tab }: { id: string; tab: string }) {
  const details = useApi('containers.inspect', { id }, { refetchInterval: 3000 });
  const act = useApiMutation('containers.action', ['containers.list', 'containers.inspect']);
  const d = details.data;
  // The engine stopped answering for this container (it went away, or the container was removed):
  // what is on screen is the last known state, so it says so, and no action is offered on it.
  const stale = Boolean(details.error && d);
  const running = !stale && d?.row.state === 'running';
  const stats = useStatsHistory(id, Boolean(running), tab === 'stats' || tab === 'resources');
  const [confirmRemove, setConfirmRemove] = useState(false);
  const remove = () => act.mutate({ ids: [id], action: 'remove' }, { onSuccess: (r) => { if (r[0]?.ok) go('containers'); } });
  // The action under way, named on its button until the engine answers (a stop can take 10 s).
  const busy = act.isPending ? act.variables.action : null;
  const actions: ContainerAction[] = !d ? [] : d.row.state === 'running' ? ['stop', 'restart', 'pause', 'kill'] : d.row.state === 'paused' ? ['unpause', 'kill'] : ['start'];
  return (
    <div className="flex h-full flex-col">
      <PageHeader
        title={<span className="flex items-center gap-3">{d?.row.name ?? shortId(id)} {d && (stale
          ? <span className="chip bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300" title={`Last known: ${d.row.state}`}>state unknown</span>
          : <StateChip c={d.row} />)}</span>}
        subtitle={d ? <span className="flex items-center gap-x-1.5 whitespace-nowrap"><span className="shrink-0 font-mono">{shortId(id)}</span><CopyButton text={typeof d.inspect.Id === 'string' ? d.inspect.Id : id} label="Copy ID" title="Copy the full container ID" /> · <span className="max-w-[12rem] shrink-0 truncate" title={d.row.image}>{d.row.image}</span> · <span className="min-w-0 truncate font-mono" title={d.row.command} data-testid="container-command">{d.row.command}</span>{running && d.row.ports.length > 0 && <> · <span className="shrink-0"><PortLinks ports={d.row.ports} name={d.row.name} /></span></>}</span> : undefined}
        actions={<>
          <button className="btn" onClick={() => go('containers')}>← Containers</button>
          {actions.map((a) => <button key={a} className="btn capitalize" disabled={act.isPending || stale} onClick={() => act.mutate({ ids: [id], action: a })}>{busy === a ? pendingLabel(a) : a}</button>)}
          {/* Off until the container's state is known: a click before would remove a running one unasked. */}
          <button className="btn btn-danger" disabled={act.isPending || stale || !d} onClick={() => { if (d?.row.state === 'running' || d?.row.state === 'paused' || d?.row.state === 'restarting') setConfirmRemove(true); else remove(); }}>{busy === 'remove' ? 'Removing…' : 'Remove'}</button>
        </>} />
      {details.error && <div className="p-4"><ErrorBox title="Container not available" message={`${details.error.message}\n${stale ? 'What is shown is its last known state. ' : ''}The engine may be down (the list says so), or the container was removed. Go back to the list.`} action={<button className="btn" onClick={() => go('containers')}>Containers</button>} /></div>}
      {act.data?.some((r) => !r.ok) && <div className="px-6 pt-3"><ErrorBox title="Action failed" message={act.data.filter((r) => !r.ok).map((r) => r.error).join('\n')} onDismiss={() => act.reset()} /></div>}
      {d?.oom && <div className="px-6 pt-3"><ErrorBox title="Out of memory" message={d.oom.message} /></div>}
      <div role="tablist" aria-label="Container views" className="flex gap-1 border-b border-slate-200 bg-white px-4 dark:border-slate-800 dark:bg-slate-900">
        {TABS.map(([key, label]) => (
          <a key={key} role="tab" aria-selected={tab === key} className="tab" href={`#/containers/${id}/${key}`}>{label}</a>
        ))}
      </div>
      <div role="tabpanel" className="min-h-0 flex-1 overflow-auto p-4">
        {tab === 'logs' && <LogsTab id={id} running={Boolean(running)} name={d?.row.name ?? id} />}
        {tab === 'stats' && <StatsTab stats={stats} resources={d?.resources} cpuQuota={d?.cpuQuota} running={Boolean(running)} />}
        {tab === 'inspect' && d && <InspectTab value={d.inspect} />}
        {tab === 'processes' && <ProcessesTab id={id} running={Boolean(running)} />}
        {tab === 'changes' && <ChangesTab id={id} />}
        {tab === 'resources' && d && <ResourcesTab id={id} details={d} stats={stats} />}
        <TerminalsTab id={id} running={Boolean(running)} visible={tab === 'terminal'} />
      </div>
      {confirmRemove && d && (
        <ConfirmDialog title={`Remove ${d.row.name}?`} confirmLabel="Remove" onCancel={() => setConfirmRemove(false)} onConfirm={() => { setConfirmRemove(false); remove(); }}>
          <p>This removes <strong>{d.row.name}</strong>: its files and anonymous volumes are deleted; this cannot be undone.</p>
          <p className="font-medium text-red-700 dark:text-red-300">It is still {d.row.state}: removing kills it first, and ends its terminals.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
