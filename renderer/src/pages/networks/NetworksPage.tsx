// Networks: searchable, sortable list (name, driver, scope, subnet, attached containers, created);
// create, inspect, remove (pre-defined ones and ones in use explained), prune unused. An engine
// that refused a create as not supported says so here, and the create button waits for a retry.
// #/networks/<name> opens that network's inspect.
import { Fragment, useMemo, useState } from 'react';
import type { NetworkRow } from '@shared/contract';
import { useApi, useApiMutation } from '../../api/api';
import { ago, plural } from '../../lib/format';
import { go } from '../../lib/router';
import { useKeptState } from '../../lib/kept-state';
import { filterNetworks, holding, pruneSummary, removeKind, sortNetworks, withoutOperation, type NetworkSortKey } from '../../lib/network-list';
import { PageHeader } from '../../components/PageHeader';
import { SortHeader } from '../../components/SortHeader';
import { EmptyState, ErrorBox, InfoBox } from '../../components/Notice';
import { CreateNetworkForm } from './CreateNetworkForm';
import { NetworkInspect } from './NetworkInspect';
import { BuiltinDialog, InUseDialog, PruneDialog, RemoveDialog } from './NetworkDialogs';

type Asking = { kind: 'builtin' | 'in-use' | 'remove'; network: NetworkRow } | { kind: 'prune' } | null;
const COLUMNS = 7;

export function NetworksPage({ open }: { open?: string | undefined }) {
  const list = useApi('networks.list', {}, { refetchInterval: 10_000 });
  const remove = useApiMutation('networks.remove', ['networks.list']);
  const prune = useApiMutation('networks.prune', ['networks.list']);
  const [q, setQ] = useKeptState('networks.search', '');
  const [sort, setSort] = useState<{ key: NetworkSortKey; dir: 1 | -1 }>({ key: 'name', dir: 1 });
  const [showCreate, setShowCreate] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [asking, setAsking] = useState<Asking>(null);
  const all = useMemo(() => list.data?.networks ?? [], [list.data]);
  const refused = list.data?.createRefused;
  const rows = useMemo(() => sortNetworks(filterNetworks(all, q), sort.key, sort.dir), [all, q, sort]);
  const askRemove = (n: NetworkRow) => { setNotice(null); remove.reset(); setAsking({ kind: removeKind(n), network: n }); };
  const doRemove = (n: NetworkRow) => {
    setAsking(null);
    remove.mutate({ id: n.id }, { onSuccess: () => { setNotice(`Removed network ${n.name}.`); if (open === n.name) go('networks'); } });
  };
  const askPrune = () => {
    setNotice(null);
    prune.reset();
    const s = pruneSummary(all);
    if (s.unused.length + s.stoppedOnly.length === 0) setNotice('Nothing to prune: the pre-defined networks always stay, and every other network has a running container on it.');
    else setAsking({ kind: 'prune' });
  };
  const doPrune = () => {
    setAsking(null);
    prune.mutate({}, {
      onSuccess: (r) => {
        setNotice(r.removed.length ? `Pruned ${plural(r.removed.length, 'unused network')}: ${r.removed.join(', ')}.` : 'The engine pruned no network: it counts every one as in use.');
        if (open && r.removed.includes(open)) go('networks');
      },
    });
  };
  const header = (key: NetworkSortKey, label: string) => <SortHeader sortKey={key} label={label} sort={sort} onSort={setSort} />;
  const inUse = all.filter((n) => holding(n.containers).length > 0).length;
  return (
    <div>
      <PageHeader title="Networks" subtitle={list.data ? `${plural(all.length, 'network')}, ${inUse} with running containers` : undefined}
        actions={<>
          <button className="btn btn-primary" disabled={!list.data || (!!refused && !showCreate)} aria-expanded={showCreate} aria-describedby={refused ? 'networks-create-refused' : undefined}
            onClick={() => { setNotice(null); setShowCreate((v) => !v); }}>Create network…</button>
          <button className="btn" disabled={!list.data} onClick={askPrune}>Prune unused…</button>
        </>} />
      <div className="space-y-4 p-6">
        {refused && !showCreate && (
          <div id="networks-create-refused">
            <InfoBox tone="warn">
              <p><strong>This engine does not create networks.</strong> It refused the last create with: “{refused}”. Containers can still use the networks below (pick one in the run dialog).</p>
              <button type="button" className="btn btn-sm mt-2" onClick={() => setShowCreate(true)}>Try creating anyway</button>
            </InfoBox>
          </div>
        )}
        {showCreate && list.data && <CreateNetworkForm onCreated={(name) => { setNotice(`Created network ${name}.`); setShowCreate(false); }} onCancel={() => setShowCreate(false)} />}
        {notice && <InfoBox tone="ok">{notice}</InfoBox>}
        {remove.error && <ErrorBox title={`Could not remove ${all.find((n) => n.id === remove.variables?.id)?.name ?? 'the network'}`} message={withoutOperation(remove.error.message)} onDismiss={() => remove.reset()} />}
        {prune.error && <ErrorBox title="Prune failed" message={withoutOperation(prune.error.message)} onDismiss={() => prune.reset()} />}
        {list.error && <ErrorBox title="Could not list networks" message={`${withoutOperation(list.error.message)}\nIs the engine running? See the status at the bottom left, or pick another engine in Settings.`} action={<button className="btn" onClick={() => void list.refetch()}>Retry</button>} />}
        {list.data && all.length === 0 && (
          <EmptyState title="No networks">
            <p>This engine reports no network at all. Create one with Create network…; containers join a network when they are run.</p>
          </EmptyState>
        )}
        {all.length > 0 && (
          <div className="card overflow-x-auto">
            <div className="flex items-center gap-2 border-b border-slate-200 p-3 dark:border-slate-800">
              <label htmlFor="network-search" className="sr-only">Search networks</label>
              <input id="network-search" className="input max-w-sm" placeholder="Search by name, ID, driver, subnet, label or container" value={q} onChange={(e) => setQ(e.target.value)} />
              <span className="text-xs text-slate-500 dark:text-slate-400" aria-live="polite">{rows.length} shown</span>
            </div>
            <table className="w-full">
              <caption className="sr-only">Networks of this engine</caption>
              <thead className="bg-slate-50 dark:bg-slate-800/50"><tr>{header('name', 'Name')}{header('driver', 'Driver')}{header('scope', 'Scope')}{header('subnet', 'Subnet')}{header('containers', 'Containers')}{header('created', 'Created')}<th className="th"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {rows.map((n) => {
                  const expanded = open === n.name;
                  return (
                    <Fragment key={n.id}>
                      <tr data-testid="network-row" data-name={n.name} className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
                        <td className="td max-w-[16rem] font-medium [overflow-wrap:anywhere]">
                          {n.name}
                          {n.builtin && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-700 dark:bg-slate-800 dark:text-slate-300">pre-defined</span>}
                          {n.internal && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-normal text-amber-900 dark:bg-amber-950 dark:text-amber-100">internal</span>}
                        </td>
                        <td className="td">{n.driver || '—'}</td>
                        <td className="td">{n.scope}</td>
                        <td className="td font-mono text-xs" data-testid="network-subnet">{n.subnets.length ? n.subnets.join(', ') : <span className="font-sans text-slate-500 dark:text-slate-400">none</span>}</td>
                        <td className="td tabular-nums" data-testid="network-containers" title={n.containers.map((c) => `${c.name} (${c.state})`).join(', ') || undefined}>{n.containers.length}</td>
                        <td className="td whitespace-nowrap text-slate-500 dark:text-slate-400">{n.created !== undefined ? ago(n.created) : '—'}</td>
                        <td className="td whitespace-nowrap text-right">
                          <button className="btn btn-sm" aria-expanded={expanded} aria-label={`Inspect ${n.name}`} onClick={() => go('networks', expanded ? undefined : n.name)}>Inspect</button>{' '}
                          <button className="btn btn-sm" aria-label={`Remove ${n.name}`} onClick={() => askRemove(n)}>Remove</button>
                        </td>
                      </tr>
                      {expanded && <tr><td colSpan={COLUMNS} className="bg-slate-50/60 dark:bg-slate-900/40"><NetworkInspect network={n} /></td></tr>}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
            {rows.length === 0 && <div className="p-6 text-center text-sm text-slate-500 dark:text-slate-400">No network matches "{q}". Clear the search to see all.</div>}
          </div>
        )}
        {open && list.data && !all.some((n) => n.name === open) && <InfoBox tone="warn">There is no network named {open} on this engine (any more).</InfoBox>}
      </div>
      {asking?.kind === 'builtin' && <BuiltinDialog network={asking.network} onClose={() => setAsking(null)} />}
      {asking?.kind === 'in-use' && <InUseDialog network={asking.network} onClose={() => setAsking(null)} />}
      {asking?.kind === 'remove' && <RemoveDialog network={asking.network} onConfirm={() => doRemove(asking.network)} onCancel={() => setAsking(null)} />}
      {asking?.kind === 'prune' && <PruneDialog networks={all} onConfirm={doPrune} onCancel={() => setAsking(null)} />}
    </div>
  );
}
