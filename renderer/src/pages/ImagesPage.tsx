// Images: searchable, sortable list; pull; starter image; run, details, remove; prune.
import { useMemo, useState } from 'react';
import type { ImageRow } from '@shared/contract';
import { useApi, useApiMutation } from '../api/api';
import { ago, bytes, plural, shortId } from '../lib/format';
import { go } from '../lib/router';
import { PageHeader } from '../components/PageHeader';
import { SortHeader } from '../components/SortHeader';
import { EmptyState, ErrorBox, InfoBox } from '../components/Notice';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { PullForm } from './PullForm';
import { LoadImageForm } from './LoadImageForm';
import { RunDialog } from './RunDialog';
import { ImageRemoveError, removedText } from './ImageRemoveError';

type SortKey = 'repo' | 'tag' | 'id' | 'size' | 'created';

function repoTag(i: ImageRow): [string, string] {
  const t = i.repoTags[0];
  if (!t) return ['<none>', '<none>'];
  const at = t.lastIndexOf(':');
  return [t.slice(0, at), t.slice(at + 1)];
}

export function ImagesPage() {
  const images = useApi('images.list', {}, { refetchInterval: 10_000 });
  const starter = useApiMutation('images.starter', ['images.list']);
  const remove = useApiMutation('images.remove', ['images.list']);
  const prune = useApiMutation('images.prune', ['images.list']);
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: 'created', dir: -1 });
  const [runImage, setRunImage] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [showLoad, setShowLoad] = useState(false);
  const [asking, setAsking] = useState<string | null>(null);
  const removeImage = (ref: string, force: boolean) => {
    setNotice(null);
    remove.mutate({ id: ref, force }, { onSuccess: (r) => setNotice(removedText(ref, r.removed)) });
  };
  const rows = useMemo(() => {
    const list = (images.data ?? []).flatMap((i) => (i.repoTags.length ? i.repoTags.map((t) => ({ ...i, repoTags: [t] })) : [i]));
    const needle = q.toLowerCase();
    const filtered = needle ? list.filter((i) => (i.repoTags[0] ?? '').toLowerCase().includes(needle) || i.id.includes(needle)) : list;
    const val = (i: ImageRow): string | number => {
      const [r, t] = repoTag(i);
      return sort.key === 'repo' ? r : sort.key === 'tag' ? t : sort.key === 'id' ? i.id : sort.key === 'size' ? i.size : i.created;
    };
    return filtered.sort((a, b) => (val(a) < val(b) ? -1 : val(a) > val(b) ? 1 : 0) * sort.dir);
  }, [images.data, q, sort]);
  const header = (key: SortKey, label: string) => <SortHeader sortKey={key} label={label} sort={sort} onSort={setSort} />;
  return (
    <div>
      <PageHeader title="Images" subtitle={images.data ? plural(images.data.length, 'image') : undefined}
        actions={<>
          <a className="btn" href="#/build">Build image…</a>
          <button className="btn" aria-expanded={showLoad} onClick={() => setShowLoad((v) => !v)}>Load from file…</button>
          <button className="btn" disabled={prune.isPending} aria-busy={prune.isPending || undefined} onClick={() => { setNotice(null); prune.mutate({ dangling: true }, { onSuccess: (r) => setNotice(`Pruned ${plural(r.removed, 'unused image')}, reclaimed ${bytes(r.spaceReclaimed)}.`) }); }}>{prune.isPending ? 'Pruning…' : 'Prune dangling'}</button>
        </>} />
      <div className="space-y-4 p-6">
        <PullForm />
        {(showLoad || images.data?.length === 0) && <LoadImageForm />}
        {notice && <InfoBox tone="ok">{notice}</InfoBox>}
        {prune.error && <ErrorBox title="Could not prune dangling images" message={prune.error.message} onDismiss={() => prune.reset()} />}
        {remove.error && <ImageRemoveError error={remove.error} pending={remove.isPending} onForce={() => removeImage(remove.variables.id, true)} onDismiss={() => remove.reset()} />}
        {images.error && <ErrorBox title="Could not list images" message={`${images.error.message}\nCheck the engine in Settings.`} action={<button className="btn" onClick={() => void images.refetch()}>Retry</button>} />}
        {images.data && images.data.length === 0 && (
          <EmptyState title="No images yet">
            <p>Get one to run your first container:</p>
            <ul className="mt-2 list-inside list-disc text-left">
              <li>Pull by name with the form above (needs a registry the engine can reach).</li>
              <li>Or load one from a file with the form above (an image archive or a root filesystem tar).</li>
              <li>Or make a small starter image from this computer's busybox in one click:</li>
            </ul>
            <button className="btn btn-primary mt-3" disabled={starter.isPending} onClick={() => starter.mutate({})}>{starter.isPending ? 'Making…' : 'Create starter image (busybox)'}</button>
            {starter.error && <div className="mt-2"><ErrorBox title="Starter image failed" message={starter.error.message} onDismiss={() => starter.reset()} /></div>}
          </EmptyState>
        )}
        {images.data && images.data.length > 0 && (
          <div className="card overflow-x-auto">
            <div className="flex items-center gap-2 border-b border-slate-200 p-3 dark:border-slate-800">
              <label htmlFor="image-search" className="sr-only">Search images</label>
              <input id="image-search" className="input max-w-sm" placeholder="Search by name, tag or ID" value={q} onChange={(e) => setQ(e.target.value)} />
              <span className="text-xs text-slate-500 dark:text-slate-400">{rows.length} shown</span>
            </div>
            <table className="w-full">
              <thead className="bg-slate-50 dark:bg-slate-800/50"><tr>{header('repo', 'Repository')}{header('tag', 'Tag')}{header('id', 'Image ID')}{header('size', 'Size')}{header('created', 'Created')}<th className="th"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {rows.map((i) => {
                  const [r, t] = repoTag(i);
                  const ref = i.repoTags[0] ?? i.id;
                  return (
                    <tr key={`${i.id}-${ref}`} className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
                      <td className="td font-medium"><a className="hover:underline" href={`#/images/${encodeURIComponent(i.id)}`}>{r}</a></td>
                      <td className="td"><span className="chip bg-slate-100 dark:bg-slate-800">{t}</span></td>
                      <td className="td font-mono text-xs">{shortId(i.id)}</td>
                      <td className="td tabular-nums">{bytes(i.size)}</td>
                      <td className="td text-slate-500 dark:text-slate-400">{ago(i.created)}</td>
                      <td className="td text-right whitespace-nowrap">
                        <button className="btn btn-sm btn-primary" onClick={() => setRunImage(ref)} aria-label={`Run ${ref}`}>Run</button>{' '}
                        <button className="btn btn-sm" onClick={() => go('images', i.id)} aria-label={`Details of ${ref}`}>Details</button>{' '}
                        <button className="btn btn-sm" onClick={() => go('images', i.id, 'push')} aria-label={`Push ${ref}`}>Push…</button>{' '}
                        <button className="btn btn-sm" onClick={() => setAsking(ref)} aria-label={`Remove ${ref}`}>Remove</button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {rows.length === 0 && <div className="p-6 text-center text-sm text-slate-500 dark:text-slate-400">No image matches "{q}". Clear the search to see all.</div>}
          </div>
        )}
      </div>
      {runImage && <RunDialog image={runImage} onClose={() => setRunImage(null)} />}
      {asking && (
        <ConfirmDialog title={`Remove ${asking}?`} confirmLabel="Remove" onCancel={() => setAsking(null)} onConfirm={() => { removeImage(asking, false); setAsking(null); }}>
          <p>The engine removes this tag, and the image with it when no other tag or container uses it.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
