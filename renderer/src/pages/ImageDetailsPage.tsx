// One image: layers from history (size and the command that made each), config, labels; tag, push, remove.
import { useState } from 'react';
import { useApi, useApiMutation } from '../api/api';
import { ago, bytes, shortId } from '../lib/format';
import { go } from '../lib/router';
import { PageHeader } from '../components/PageHeader';
import { ErrorBox, InfoBox } from '../components/Notice';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { JsonTree } from '../components/JsonTree';
import { RunDialog } from './RunDialog';
import { PushForm } from './PushForm';
import { ImageRemoveError } from './ImageRemoveError';
import { imageCommand } from '../lib/image-command';

/** The fields of an image's inspect document this page reads; the whole document is shown as a tree. */
interface ImageInspect extends Record<string, unknown> {
  RepoTags?: string[];
  Size?: number;
  Created?: string;
  Config?: { Cmd?: string[] | null; Entrypoint?: string[] | string | null; Labels?: Record<string, string> | null };
}

export function ImageDetailsPage({ id, section }: { id: string; section?: string | undefined }) {
  const d = useApi('images.inspect', { id });
  const tag = useApiMutation('images.tag', ['images.list', 'images.inspect']);
  const remove = useApiMutation('images.remove', ['images.list']);
  const save = useApiMutation('images.save');
  const download = () => save.mutate({ id }, {
    onSuccess: (r) => {
      const bytes = Uint8Array.from(atob(r.dataBase64), (c) => c.charCodeAt(0));
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([bytes], { type: 'application/x-tar' }));
      a.download = r.fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 5000);
    },
  });
  const [repo, setRepo] = useState('');
  const [tagName, setTagName] = useState('latest');
  const [run, setRun] = useState(false);
  const [asking, setAsking] = useState(false);
  const inspect = d.data?.inspect as ImageInspect | undefined;
  const name = inspect?.RepoTags?.[0] ?? shortId(id);
  return (
    <div>
      <PageHeader title={name} subtitle={<span className="font-mono">{shortId(id)}</span>}
        actions={<>
          <button className="btn" onClick={() => go('images')}>← Images</button>
          <button className="btn btn-primary" onClick={() => setRun(true)}>Run…</button>
          <button className="btn" disabled={save.isPending} onClick={download}>{save.isPending ? 'Saving…' : 'Save to file'}</button>
          <button className="btn" disabled={remove.isPending} onClick={() => setAsking(true)}>Remove</button>
        </>} />
      <div className="space-y-4 p-6">
        {d.error && <ErrorBox title="Could not read the image" message={d.error.message} />}
        {remove.error && <ImageRemoveError error={remove.error} pending={remove.isPending} onForce={() => remove.mutate({ id, force: true }, { onSuccess: () => go('images') })} onDismiss={() => remove.reset()} />}
        {save.error && <ErrorBox title="Could not save the image" message={save.error.message} onDismiss={() => save.reset()} />}
        {inspect && (
          <div className="grid gap-4 md:grid-cols-3">
            <div className="card p-4 text-sm"><div className="label">Size</div>{bytes(inspect.Size)}</div>
            <div className="card p-4 text-sm"><div className="label">Created</div>{String(inspect.Created ?? '')}</div>
            <ImageCommandCard entrypoint={inspect.Config?.Entrypoint} cmd={inspect.Config?.Cmd} />
          </div>
        )}
        <section className="card p-4" aria-label="Layers">
          <h2 className="mb-2 font-semibold">Layers</h2>
          <table className="w-full">
            <thead><tr><th className="th">Created</th><th className="th">Size</th><th className="th">Created by</th></tr></thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {d.data?.history.map((h, i) => (
                <tr key={i}><td className="td whitespace-nowrap text-slate-500 dark:text-slate-400">{ago(h.created)}</td><td className="td tabular-nums">{bytes(h.size)}</td><td className="td break-all font-mono text-xs">{h.createdBy || h.comment || '—'}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card p-4" aria-label="Tag">
          <h2 className="mb-2 font-semibold">Tag</h2>
          <form className="flex flex-wrap gap-2" onSubmit={(e) => { e.preventDefault(); tag.mutate({ id, repo, tag: tagName }); }}>
            <label className="sr-only" htmlFor="tag-repo">Repository</label>
            <input id="tag-repo" className="input max-w-xs" placeholder="repository, e.g. myapp" value={repo} onChange={(e) => setRepo(e.target.value)} />
            <label className="sr-only" htmlFor="tag-tag">Tag</label>
            <input id="tag-tag" className="input max-w-[10rem]" placeholder="tag" value={tagName} onChange={(e) => setTagName(e.target.value)} />
            <button className="btn" type="submit">Add tag</button>
          </form>
          {tag.error && <div className="mt-2"><ErrorBox title="Tag failed" message={tag.error.message} onDismiss={() => tag.reset()} /></div>}
          {tag.isSuccess && <div className="mt-2"><InfoBox tone="ok">Tagged {repo}:{tagName}.</InfoBox></div>}
        </section>
        {inspect && <PushForm focus={section === 'push'} tags={(inspect.RepoTags ?? []).filter((t) => t !== '<none>:<none>')} />}
        {inspect?.Config?.Labels && <section className="card p-4"><h2 className="mb-2 font-semibold">Labels</h2><JsonTree value={inspect.Config.Labels} /></section>}
        {inspect && <section className="card p-4"><h2 className="mb-2 font-semibold">Inspect</h2><JsonTree value={inspect} /></section>}
      </div>
      {run && <RunDialog image={name} onClose={() => setRun(false)} />}
      {asking && (
        <ConfirmDialog title={(inspect?.RepoTags?.length ?? 0) > 1 ? `Remove this image and its ${inspect?.RepoTags?.length} tags?` : `Remove ${name}?`} confirmLabel="Remove"
          onCancel={() => setAsking(false)} onConfirm={() => { setAsking(false); remove.mutate({ id, force: false }, { onSuccess: () => go('images') }); }}>
          {(inspect?.RepoTags?.length ?? 0) > 1 ? <p>Removing by ID takes every tag: {inspect?.RepoTags?.join(', ')}.</p> : <p>The image is deleted from the engine unless a container uses it.</p>}
        </ConfirmDialog>
      )}
    </div>
  );
}

function ImageCommandCard({ entrypoint, cmd }: { entrypoint: string[] | string | null | undefined; cmd: string[] | null | undefined }) {
  const c = imageCommand(entrypoint, cmd);
  return (
    <div className="card p-4 text-sm" data-testid="image-command">
      <div className="label">Command</div>
      {c.none ? <span className="text-slate-600 dark:text-slate-400">{c.text}</span> : <code className="break-all font-mono">{c.text}</code>}
    </div>
  );
}
