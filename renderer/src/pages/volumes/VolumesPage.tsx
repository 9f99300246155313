// Volumes: searchable, sortable list with size and users; create, inspect, remove (the in-use
// case explained), prune unused. #/volumes/<name> opens that volume's inspect.
import { Fragment, useMemo, useState } from 'react';
import type { VolumeRow } from '@shared/contract';
import { useApi, useApiMutation } from '../../api/api';
import { ago, bytes, plural } from '../../lib/format';
import { go } from '../../lib/router';
import { useKeptState } from '../../lib/kept-state';
import { filterVolumes, isUnused, pruneSummary, sortVolumes, type VolumeSortKey } from '../../lib/volume-list';
import { PageHeader } from '../../components/PageHeader';
import { SortHeader } from '../../components/SortHeader';
import { EmptyState, ErrorBox, InfoBox } from '../../components/Notice';
import { CreateVolumeForm } from './CreateVolumeForm';
import { VolumeInspect } from './VolumeInspect';
import { UsedBy } from './UsedBy';
import { InUseDialog, PruneDialog, RemoveDialog } from './VolumeDialogs';

type Asking = { kind: 'remove' | 'in-use'; volume: VolumeRow } | { kind: 'prune' } | null;
const COLUMNS = 7;

export function VolumesPage({ open }: { open?: string | undefined }) {
  const volumes = useApi('volumes.list', {}, { refetchInterval: 10_000 });
  const remove = useApiMutation('volumes.remove', ['volumes.list']);
  const prune = useApiMutation('volumes.prune', ['volumes.list', 'system.df']);
  const [q, setQ] = useKeptState('volumes.search', '');
  const [sort, setSort] = useState<{ key: VolumeSortKey; dir: 1 | -1 }>({ key: 'name', dir: 1 });
  const [showCreate, setShowCreate] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [asking, setAsking] = useState<Asking>(null);
  const all = useMemo(() => volumes.data ?? [], [volumes.data]);
  const rows = useMemo(() => sortVolumes(filterVolumes(all, q), sort.key, sort.dir), [all, q, sort]);
  const askRemove = (v: VolumeRow) => { setNotice(null); remove.reset(); setAsking({ kind: isUnused(v) ? 'remove' : 'in-use', volume: v }); };
  const doRemove = (name: string) => {
    setAsking(null);
    remove.mutate({ name }, { onSuccess: () => { setNotice(`Removed volume ${name}.`); if (open === name) go('volumes'); } });
  };
  const askPrune = () => {
    setNotice(null);
    prune.reset();
    if (pruneSummary(all).names.length === 0) setNotice('Nothing to prune: every volume is used by a container.');
    else setAsking({ kind: 'prune' });
  };
  const doPrune = () => {
    setAsking(null);
    prune.mutate({}, {
      onSuccess: (r) => {
        setNotice(`Pruned ${plural(r.removed.length, 'unused volume')}, reclaimed ${bytes(r.spaceReclaimed)}.`);
        if (open && r.removed.includes(open)) go('volumes'); // its inspect has nothing left to show
      },
    });
  };
  const header = (key: VolumeSortKey, label: string) => <SortHeader sortKey={key} label={label} sort={sort} onSort={setSort} />;
  return (
    <div>
      <PageHeader title="Volumes" subtitle={volumes.data ? `${plural(all.length, 'volume')}, ${all.filter((v) => !isUnused(v)).length} in use` : undefined}
        actions={<>
          <button className="btn btn-primary" disabled={!volumes.data} aria-expanded={showCreate} onClick={() => setShowCreate((v) => !v)}>Create volume…</button>
          <button className="btn" disabled={!volumes.data} onClick={askPrune}>Prune unused…</button>
        </>} />
      <div className="space-y-4 p-6">
        {(showCreate || all.length === 0) && volumes.data && <CreateVolumeForm onCreated={(name) => { setNotice(`Created volume ${name}.`); setShowCreate(false); }} />}
        {notice && <InfoBox tone="ok">{notice}</InfoBox>}
        {remove.error && <ErrorBox title={`Could not remove ${remove.variables?.name ?? 'the volume'}`} message={remove.error.message} />}
        {prune.error && <ErrorBox title="Prune failed" message={prune.error.message} />}
        {volumes.error && <ErrorBox title="Could not list volumes" message={`${volumes.error.message}\nIs the engine running? See the status at the bottom left, or pick another engine in Settings.`} action={<button className="btn" onClick={() => void volumes.refetch()}>Retry</button>} />}
        {volumes.data && all.length === 0 && (
          <EmptyState title="No volumes yet">
            <p>A volume keeps a container's data after the container is gone. Create one with the form above, then mount it when you run a container: in the run dialog's Volumes, give its name as the source and a path inside the container as the target.</p>
          </EmptyState>
        )}
        {all.length > 0 && (
          <div className="card overflow-x-auto">
            <div className="flex items-center gap-2 border-b border-slate-200 p-3 dark:border-slate-800">
              <label htmlFor="volume-search" className="sr-only">Search volumes</label>
              <input id="volume-search" className="input max-w-sm" placeholder="Search by name, driver, label or container" value={q} onChange={(e) => setQ(e.target.value)} />
              <span className="text-xs text-slate-500 dark:text-slate-400">{rows.length} shown</span>
            </div>
            <table className="w-full">
              <thead className="bg-slate-50 dark:bg-slate-800/50"><tr>{header('name', 'Name')}{header('driver', 'Driver')}{header('mountpoint', 'Mountpoint')}{header('created', 'Created')}{header('size', 'Size')}{header('usedBy', 'Used by')}<th className="th"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {rows.map((v) => {
                  const expanded = open === v.name;
                  return (
                    <Fragment key={v.name}>
                      <tr data-testid="volume-row" data-name={v.name} className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
                        <td className="td max-w-[16rem] font-medium [overflow-wrap:anywhere]">{v.name}</td>
                        <td className="td">{v.driver}</td>
                        <td className="td max-w-[18rem] truncate font-mono text-xs" title={v.mountpoint}>{v.mountpoint || '—'}</td>
                        <td className="td whitespace-nowrap text-slate-500 dark:text-slate-400">{v.created !== undefined ? ago(v.created) : '—'}</td>
                        <td className="td whitespace-nowrap tabular-nums">{bytes(v.size)}</td>
                        <td className="td text-sm" data-testid="volume-used-by"><UsedBy users={v.usedBy} /></td>
                        <td className="td whitespace-nowrap text-right">
                          <button className="btn btn-sm" aria-expanded={expanded} aria-label={`Inspect ${v.name}`} onClick={() => go('volumes', expanded ? undefined : v.name)}>Inspect</button>{' '}
                          <button className="btn btn-sm" aria-label={`Remove ${v.name}`} onClick={() => askRemove(v)}>Remove</button>
                        </td>
                      </tr>
                      {expanded && <tr><td colSpan={COLUMNS} className="bg-slate-50/60 dark:bg-slate-900/40"><VolumeInspect name={v.name} usedBy={v.usedBy} /></td></tr>}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
            {rows.length === 0 && <div className="p-6 text-center text-sm text-slate-500 dark:text-slate-400">No volume matches "{q}". Clear the search to see all.</div>}
          </div>
        )}
        {open && volumes.data && !all.some((v) => v.name === open) && <InfoBox tone="warn">There is no volume named {open} on this engine (any more).</InfoBox>}
      </div>
      {asking?.kind === 'in-use' && <InUseDialog volume={asking.volume} onClose={() => setAsking(null)} />}
      {asking?.kind === 'remove' && <RemoveDialog volume={asking.volume} onConfirm={() => doRemove(asking.volume.name)} onCancel={() => setAsking(null)} />}
      {asking?.kind === 'prune' && <PruneDialog volumes={all} onConfirm={doPrune} onCancel={() => setAsking(null)} />}
    </div>
  );
}
