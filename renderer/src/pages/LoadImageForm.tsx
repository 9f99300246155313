// Load an image from a file: a `docker save` archive, or a root filesystem tar to import.
import { useState } from 'react';
import { useApiMutation } from '../api/api';
import { ErrorBox, InfoBox } from '../components/Notice';

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(new Error(`read ${file.name}: ${r.error?.message ?? 'failed'}`));
    r.readAsDataURL(file);
  });
}

export function LoadImageForm() {
  const load = useApiMutation('images.load', ['images.list']);
  const [kind, setKind] = useState<'load' | 'import'>('load');
  const [repo, setRepo] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const submit = async () => {
    if (!file) return;
    setReadError(null);
    try {
      const dataBase64 = await readBase64(file);
      load.mutate({ kind, fileName: file.name, dataBase64, repo: kind === 'import' && repo ? repo : undefined });
    } catch (e) {
      setReadError((e as Error).message);
    }
  };
  return (
    <section aria-label="Load an image from a file" className="card p-4">
      <form className="flex flex-wrap items-end gap-3" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <div>
          <label className="label" htmlFor="load-file">Image file (.tar)</label>
          <input id="load-file" type="file" accept=".tar,application/x-tar" className="text-sm" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <div>
          <label className="label" htmlFor="load-kind">It is</label>
          <select id="load-kind" className="input" value={kind} onChange={(e) => setKind(e.target.value as 'load' | 'import')}>
            <option value="load">an image archive (docker save)</option>
            <option value="import">a root filesystem tar (import)</option>
          </select>
        </div>
        {kind === 'import' && (
          <div>
            <label className="label" htmlFor="load-repo">Name it</label>
            <input id="load-repo" className="input" placeholder="myimage:latest" value={repo} onChange={(e) => setRepo(e.target.value)} />
          </div>
        )}
        <button className="btn" type="submit" disabled={!file || load.isPending}>{load.isPending ? 'Loading…' : 'Load'}</button>
      </form>
      {readError && <div className="mt-2"><ErrorBox title="Could not read the file" message={readError} /></div>}
      {load.error && <div className="mt-2"><ErrorBox title="The engine refused the file" message={`${load.error.message}\nIs it the kind of tar chosen above?`} onDismiss={() => load.reset()} /></div>}
      {load.data && <div className="mt-2"><InfoBox tone="ok">Loaded: {load.data.images.join(', ') || 'done'}.</InfoBox></div>}
    </section>
  );
}
