// Containers: state filter with counts, search, actions, multi-select; virtualized so 1,000 rows
// draw at once. The search and the filter stay when the user opens a container and comes back.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ContainerAction, ContainerRow } from '@shared/contract';
import { useApi, useApiMutation } from '../api/api';
import { ago, shortId } from '../lib/format';
import { go } from '../lib/router';
import { useKeptState } from '../lib/kept-state';
import { countByState, filterContainers, pendingLabel, STATE_FILTERS, stateGroup, type StateFilter } from '../lib/container-filter';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorBox } from '../components/Notice';
import { StateChip } from '../components/StateChip';
import { PortLinks } from '../components/PortLinks';
import { statusDetail } from '../lib/container-status';
import { holdRows, type HeldRow } from '../lib/held-rows';
import { VirtualList } from '../components/VirtualList';
import { ConfirmDialog } from '../components/ConfirmDialog';

const ROW = 48;
/** How long rows keep their places after the pointer last moved over the list: the time to aim and click. */
const HOLD_MS = 2000;

/** Why a row's Terminal button is off: a terminal runs a process in a running container. */
function terminalWhyNot(state: string): string {
  return state === 'gone' ? 'it has left this list' : state === 'paused' ? 'it is paused; unpause it first' : 'it is not running; start it first';
}
// Below xl (a narrow window) the Status and Created columns give way, so the actions stay in view.
const COLS = 'grid items-center grid-cols-[2.5rem_minmax(8rem,1.4fr)_minmax(6rem,1fr)_8rem_14rem] xl:grid-cols-[2.5rem_minmax(10rem,1.4fr)_minmax(8rem,1fr)_9rem_minmax(8rem,1fr)_8rem_15rem]';
const WIDE_ONLY = 'hidden xl:block';
// A removed row held in place reads as gone (lighter text, its name struck through) with text
// that still meets WCAG AA in both themes: opacity would blend its grey details below 4.5:1.
const GONE_ROW = 'text-slate-500 dark:text-slate-400 [&_a]:line-through';

function actionsFor(c: ContainerRow): ContainerAction[] {
  if (c.state === 'running') return ['stop', 'restart', 'pause', 'kill'];
  if (c.state === 'paused') return ['unpause', 'kill'];
  return ['start'];
}

/** A removal waiting for the user's yes: what goes, and how many of them still run. */
interface PendingRemoval { ids: string[]; title: string; body: ReactNode }

function removalOf(targets: ContainerRow[], title: string): PendingRemoval {
  const live = targets.filter((c) => stateGroup(c.state) !== 'stopped');
  const names = targets.slice(0, 5).map((c) => c.name).join(', ') + (targets.length > 5 ? `, and ${targets.length - 5} more` : '');
  return {
    ids: targets.map((c) => c.id), title,
    body: <>
      <p>{targets.length === 1 ? 'This removes' : `These ${targets.length} containers are removed`}: <strong>{names}</strong>. Their files and anonymous volumes are deleted; this cannot be undone.</p>
      {live.length > 0 && <p className="font-medium text-red-700 dark:text-red-300">{live.length === targets.length && live.length === 1 ? 'It is' : `${live.length} of them are`} still running: removing kills {live.length === 1 ? 'it' : 'them'} first.</p>}
    </>,
  };
}

export function ContainersPage() {
  const [q, setQ] = useKeptState('containers.search', '');
  const [filter, setFilter] = useKeptState<StateFilter>('containers.filter', 'all');
  const list = useApi('containers.list', { all: true }, { refetchInterval: 5000 });
  const act = useApiMutation('containers.action', ['containers.list']);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [errors, setErrors] = useState<string[]>([]);
  // The action each container is waiting for, shown on its row until the list has its new state.
  const [pending, setPending] = useState<ReadonlyMap<string, ContainerAction>>(new Map());
  const [removal, setRemoval] = useState<PendingRemoval | null>(null);
  const all = useMemo(() => list.data ?? [], [list.data]);
  const counts = useMemo(() => countByState(all), [all]);
  const rows = useMemo(() => filterContainers(all, filter, q), [all, filter, q]);
  // While the pointer moves over the list (and for HOLD_MS after), rows keep their places
  // (lib/held-rows.ts): a row that goes away does not pull the next one up under a click meant for
  // it. Derived state, updated while rendering when the rows or the pointer change.
  const [holding, setHolding] = useState(false);
  const holdTimer = useRef<number | undefined>(undefined);
  const hold = () => {
    setHolding(true);
    window.clearTimeout(holdTimer.current);
    holdTimer.current = window.setTimeout(() => setHolding(false), HOLD_MS);
  };
  const release = () => { window.clearTimeout(holdTimer.current); setHolding(false); };
  useEffect(() => () => window.clearTimeout(holdTimer.current), []);
  const [held, setHeld] = useState<{ rows: ContainerRow[]; holding: boolean; shown: HeldRow<ContainerRow>[] }>(() => ({ rows, holding, shown: holdRows([], rows, false) }));
  if (held.rows !== rows || held.holding !== holding) setHeld({ rows, holding, shown: holdRows(held.shown, rows, holding) });
  const shown = held.shown;
  const stopped = useMemo(() => all.filter((c) => stateGroup(c.state) === 'stopped'), [all]);
  const run = (ids: string[], action: ContainerAction) => {
    setErrors([]);
    setPending((p) => new Map([...p, ...ids.map((id) => [id, action] as const)]));
    const settle = () => setPending((p) => { const n = new Map(p); for (const id of ids) n.delete(id); return n; });
    // mutateAsync, not mutate's callbacks: those fire for the latest call only, and several rows can be busy at once.
    act.mutateAsync({ ids, action })
      .then((res) => { setErrors((e) => [...e, ...res.filter((r) => !r.ok).map((r) => r.error ?? r.id)]); if (action === 'remove') setSelected(new Set()); })
      .catch((e: Error) => setErrors((old) => [...old, e.message]))
      .finally(() => { void list.refetch().finally(settle); });
  };
  const removeOne = (c: ContainerRow) => {
    if (stateGroup(c.state) === 'stopped') run([c.id], 'remove');
    else setRemoval(removalOf([c], `Remove ${c.name}?`));
  };
  const toggle = (id: string) => setSelected((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  const sel = [...selected].filter((id) => rows.some((r) => r.id === id));
  return (
    <div className="flex h-full flex-col">
      <PageHeader title="Containers" subtitle={list.data ? `${counts.running} running, ${counts.paused ? `${counts.paused} paused, ` : ''}${counts.all} total` : undefined}
        actions={<a className="btn btn-primary" href="#/images">Run from an image…</a>} />
      <div className="flex min-h-0 flex-1 flex-col gap-3 p-6">
        {list.error && <ErrorBox title="Could not list containers" message={`${list.error.message}\nIs the engine running? See the status at the bottom left, or pick another engine in Settings.`} action={<button className="btn" onClick={() => void list.refetch()}>Retry</button>} />}
        {errors.length > 0 && <ErrorBox title="Some actions failed" message={errors.join('\n')} onDismiss={() => setErrors([])} />}
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor="container-search" className="sr-only">Search containers</label>
          <input id="container-search" className="input max-w-xs" placeholder="Search by name, image or ID" value={q} onChange={(e) => setQ(e.target.value)} />
          <div role="group" aria-label="Show containers" className="inline-flex overflow-hidden rounded-md border border-slate-300 dark:border-slate-700">
            {STATE_FILTERS.map((f) => (
              <button key={f.key} type="button" aria-pressed={filter === f.key} onClick={() => setFilter(f.key)}
                className={`border-r border-slate-300 px-2.5 py-1 text-xs font-medium last:border-r-0 dark:border-slate-700 ${filter === f.key ? 'bg-accent-600 text-white' : 'bg-white text-slate-700 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700'}`}>
                {f.label} <span className="tabular-nums opacity-80">{counts[f.key]}</span>
              </button>
            ))}
          </div>
          <button type="button" className="btn btn-sm" disabled={stopped.length === 0} onClick={() => setRemoval(removalOf(stopped, `Remove ${stopped.length} stopped container${stopped.length === 1 ? '' : 's'}?`))}>
            Remove stopped…
          </button>
          <div className="ml-auto flex flex-wrap items-center gap-2" role="toolbar" aria-label="Selected containers">
            <span className="text-sm text-slate-500 dark:text-slate-400">{sel.length} selected</span>
            {(['start', 'stop', 'restart', 'pause', 'unpause', 'kill'] as ContainerAction[]).map((a) => (
              <button key={a} className="btn btn-sm capitalize" disabled={!sel.length} onClick={() => run(sel, a)}>{a}</button>
            ))}
            <button className="btn btn-sm btn-danger" disabled={!sel.length} onClick={() => setRemoval(removalOf(all.filter((c) => sel.includes(c.id)), `Remove ${sel.length} selected container${sel.length === 1 ? '' : 's'}?`))}>Remove</button>
          </div>
        </div>
        {list.data && list.data.length === 0 && (
          <EmptyState title="No containers yet">Go to <a className="text-accent-600 underline dark:text-accent-300" href="#/images">Images</a> and press Run on one. No images? The Images page shows how to get one, including a one-click starter image.</EmptyState>
        )}
        {list.data && list.data.length > 0 && rows.length === 0 && (
          <EmptyState title="No container matches">
            {filter !== 'all' ? `None of the ${counts[filter]} ${filter} containers` : 'No container'}{q ? ` matches "${q}"` : ''}.{' '}
            <button className="text-accent-600 underline dark:text-accent-300" onClick={() => { setQ(''); setFilter('all'); }}>Show all containers</button>
          </EmptyState>
        )}
        {rows.length > 0 && (
          <div className="card flex min-h-0 flex-1 flex-col overflow-hidden" data-testid="containers-table" onPointerMove={hold} onPointerLeave={release}>
            <div className={`${COLS} border-b border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-800/50`}>
              <div className="th"><input type="checkbox" aria-label="Select all" checked={sel.length > 0 && sel.length === rows.length} onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((r) => r.id)) : new Set())} /></div>
              <div className="th">Name</div><div className="th">Image</div><div className="th">State</div><div className={`th ${WIDE_ONLY}`}>Status</div><div className={`th ${WIDE_ONLY}`}>Created</div><div className="th"><span className="sr-only">Actions</span></div>
            </div>
            <VirtualList className="min-h-0 flex-1" label="Containers" count={shown.length} rowHeight={ROW} render={(i) => {
              const { row: c, gone } = shown[i] as HeldRow<ContainerRow>;
              const busy = pending.get(c.id) ?? (gone ? 'gone' : undefined);
              return (
                <div className={`${COLS} h-full border-b border-slate-100 hover:bg-slate-50 dark:border-slate-800 dark:hover:bg-slate-800/40 ${gone ? GONE_ROW : ''}`} data-testid="container-row" data-name={c.name} data-state={c.state} data-gone={gone || undefined} aria-busy={busy && !gone ? true : undefined}>
                  <div className="td"><input type="checkbox" aria-label={`Select ${c.name}`} disabled={gone} checked={selected.has(c.id)} onChange={() => toggle(c.id)} /></div>
                  <div className="td min-w-0"><a className="block truncate font-medium hover:underline" href={`#/containers/${c.id}/logs`}>{c.name}</a><div className="font-mono text-[11px] text-slate-500 dark:text-slate-400">{shortId(c.id)}</div></div>
                  <div className="td min-w-0"><div className="truncate" title={c.image}>{c.image}</div>{c.state === 'running' && <PortLinks ports={c.ports} name={c.name} />}</div>
                  <div className="td" title={c.status}>{busy === 'gone'
                    ? <span className="chip bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300" title="Leaves the list when the pointer does">{all.some((x) => x.id === c.id) ? 'not in this view' : 'removed'}</span>
                    : busy ? <span className="chip bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200" role="status">{pendingLabel(busy)}</span>
                    : <StateChip c={c} />}</div>
                  <div className={`td truncate text-slate-500 dark:text-slate-400 ${WIDE_ONLY}`} title={c.status} data-testid="status-detail">{statusDetail(c.status)}</div>
                  <div className={`td text-slate-500 dark:text-slate-400 ${WIDE_ONLY}`}>{ago(c.created)}</div>
                  <div className="td flex justify-end gap-1">
                    {actionsFor(c).slice(0, 2).map((a) => <button key={a} className="btn btn-sm capitalize" disabled={Boolean(busy)} aria-label={`${a} ${c.name}`} onClick={() => run([c.id], a)}>{a}</button>)}
                    {c.state === 'running' && !gone
                      ? <button className="btn btn-sm" aria-label={`Terminal in ${c.name}`} onClick={() => go('containers', c.id, 'terminal')}>Terminal</button>
                      : <button className="btn btn-sm" disabled aria-label={`Terminal in ${c.name}: ${terminalWhyNot(gone ? 'gone' : c.state)}`} title={`No terminal: ${terminalWhyNot(gone ? 'gone' : c.state)}`}>Terminal</button>}
                    <button className="btn btn-sm" disabled={Boolean(busy)} aria-label={`Remove ${c.name}`} title={`Remove ${c.name}`} onClick={() => removeOne(c)}>✕</button>
                  </div>
                </div>
              );
            }} />
          </div>
        )}
      </div>
      {removal && (
        <ConfirmDialog title={removal.title} confirmLabel="Remove" onCancel={() => setRemoval(null)}
          onConfirm={() => { run(removal.ids, 'remove'); setRemoval(null); }}>
          {removal.body}
        </ConfirmDialog>
      )}
    </div>
  );
}
