// Containers: state, actions, multi-select; virtualized so 1,000 rows draw at once.
import { useMemo, useState } from 'react';
import type { ContainerAction, ContainerRow } from '@shared/contract';
import { useApi, useApiMutation } from '../api/api';
import { ago, shortId } from '../lib/format';
import { go } from '../lib/router';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorBox } from '../components/Notice';
import { StateChip } from '../components/StateChip';
import { VirtualList } from '../components/VirtualList';

const ROW = 48;
const COLS = 'grid grid-cols-[2.5rem_minmax(10rem,1.4fr)_minmax(8rem,1fr)_9rem_minmax(8rem,1fr)_8rem_15rem] items-center';

function actionsFor(c: ContainerRow): ContainerAction[] {
  if (c.state === 'running') return ['stop', 'restart', 'pause', 'kill'];
  if (c.state === 'paused') return ['unpause', 'kill'];
  return ['start'];
}

export function ContainersPage() {
  const [all, setAll] = useState(true);
  const [q, setQ] = useState('');
  const list = useApi('containers.list', { all }, { refetchInterval: 5000 });
  const act = useApiMutation('containers.action', ['containers.list']);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [errors, setErrors] = useState<string[]>([]);
  const rows = useMemo(() => {
    const n = q.toLowerCase();
    return (list.data ?? []).filter((c) => !n || c.name.toLowerCase().includes(n) || c.image.toLowerCase().includes(n) || c.id.startsWith(n));
  }, [list.data, q]);
  const run = (ids: string[], action: ContainerAction) => {
    setErrors([]);
    act.mutate({ ids, action }, {
      onSuccess: (res) => { setErrors(res.filter((r) => !r.ok).map((r) => r.error ?? r.id)); if (action === 'remove') setSelected(new Set()); },
      onError: (e) => setErrors([e.message]),
    });
  };
  const toggle = (id: string) => setSelected((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  const sel = [...selected].filter((id) => rows.some((r) => r.id === id));
  return (
    <div className="flex h-full flex-col">
      <PageHeader title="Containers" subtitle={list.data ? `${list.data.filter((c) => c.state === 'running').length} running, ${list.data.length} total` : undefined}
        actions={<a className="btn btn-primary" href="#/images">Run from an image…</a>} />
      <div className="flex min-h-0 flex-1 flex-col gap-3 p-6">
        {list.error && <ErrorBox title="Could not list containers" message={`${list.error.message}\nIs the engine running? See the status at the bottom left, or pick another engine in Settings.`} action={<button className="btn" onClick={() => void list.refetch()}>Retry</button>} />}
        {errors.length > 0 && <ErrorBox title="Some actions failed" message={errors.join('\n')} />}
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor="container-search" className="sr-only">Search containers</label>
          <input id="container-search" className="input max-w-xs" placeholder="Search by name, image or ID" value={q} onChange={(e) => setQ(e.target.value)} />
          <label className="flex items-center gap-1.5 text-sm"><input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Show stopped</label>
          <div className="ml-auto flex items-center gap-2" role="toolbar" aria-label="Selected containers">
            <span className="text-sm text-slate-500 dark:text-slate-400">{sel.length} selected</span>
            {(['start', 'stop', 'restart', 'pause', 'unpause', 'kill'] as ContainerAction[]).map((a) => (
              <button key={a} className="btn btn-sm capitalize" disabled={!sel.length || act.isPending} onClick={() => run(sel, a)}>{a}</button>
            ))}
            <button className="btn btn-sm btn-danger" disabled={!sel.length || act.isPending} onClick={() => { if (confirm(`Remove ${sel.length} container(s)? Their files are deleted.`)) run(sel, 'remove'); }}>Remove</button>
          </div>
        </div>
        {list.data && list.data.length === 0 && (
          <EmptyState title="No containers yet">Go to <a className="text-accent-600 underline dark:text-accent-300" href="#/images">Images</a> and press Run on one. No images? The Images page shows how to get one, including a one-click starter image.</EmptyState>
        )}
        {rows.length > 0 && (
          <div className="card flex min-h-0 flex-1 flex-col overflow-hidden" data-testid="containers-table">
            <div className={`${COLS} border-b border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-800/50`}>
              <div className="th"><input type="checkbox" aria-label="Select all" checked={sel.length > 0 && sel.length === rows.length} onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((r) => r.id)) : new Set())} /></div>
              <div className="th">Name</div><div className="th">Image</div><div className="th">State</div><div className="th">Status</div><div className="th">Created</div><div className="th"><span className="sr-only">Actions</span></div>
            </div>
            <VirtualList className="min-h-0 flex-1" label="Containers" count={rows.length} rowHeight={ROW} render={(i) => {
              const c = rows[i] as ContainerRow;
              return (
                <div className={`${COLS} h-full border-b border-slate-100 hover:bg-slate-50 dark:border-slate-800 dark:hover:bg-slate-800/40`} data-testid="container-row" data-name={c.name} data-state={c.state}>
                  <div className="td"><input type="checkbox" aria-label={`Select ${c.name}`} checked={selected.has(c.id)} onChange={() => toggle(c.id)} /></div>
                  <div className="td min-w-0"><a className="block truncate font-medium hover:underline" href={`#/containers/${c.id}/logs`}>{c.name}</a><div className="font-mono text-[11px] text-slate-500 dark:text-slate-400">{shortId(c.id)}</div></div>
                  <div className="td truncate" title={c.image}>{c.image}</div>
                  <div className="td"><StateChip c={c} /></div>
                  <div className="td truncate text-slate-500 dark:text-slate-400" title={c.status}>{c.status}</div>
                  <div className="td text-slate-500 dark:text-slate-400">{ago(c.created)}</div>
                  <div className="td flex justify-end gap-1">
                    {actionsFor(c).slice(0, 2).map((a) => <button key={a} className="btn btn-sm capitalize" aria-label={`${a} ${c.name}`} onClick={() => run([c.id], a)}>{a}</button>)}
                    {c.state === 'running' && <button className="btn btn-sm" aria-label={`Terminal in ${c.name}`} onClick={() => go('containers', c.id, 'terminal')}>Terminal</button>}
                    <button className="btn btn-sm" aria-label={`Remove ${c.name}`} onClick={() => run([c.id], 'remove')}>✕</button>
                  </div>
                </div>
              );
            }} />
          </div>
        )}
      </div>
    </div>
  );
}
