// The build's inputs: context folder (a native picker inside Electron), Dockerfile, tags, build
// args, target stage, no-cache and the network of RUN steps. The folder is checked as it is typed.
import { useEffect, useState } from 'react';
import { useApi } from '../../api/api';
import { KeyValueEditor } from '../volumes/KeyValueEditor';
import type { BuildFormValues } from './build-form';
import { folderPicker } from './pick-folder';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => { const t = setTimeout(() => setV(value), ms); return () => clearTimeout(t); }, [value, ms]);
  return v;
}

/** What the app found at the typed path: the Dockerfile there, or what is wrong. */
function ContextStatus({ context, dockerfile }: { context: string; dockerfile: string }) {
  const at = useDebounced({ context: context.trim(), dockerfile: dockerfile.trim() }, 300);
  const check = useApi('build.check', at, { enabled: at.context.startsWith('/'), retry: false });
  if (!at.context.startsWith('/')) return null;
  if (check.error) return <p id="build-context-status" className="mt-1 text-xs text-red-700 dark:text-red-300">{check.error.message}</p>;
  const c = check.data;
  if (!c) return <p id="build-context-status" className="mt-1 text-xs text-slate-500 dark:text-slate-400">Checking the folder…</p>;
  if (c.problem) return <p id="build-context-status" className="mt-1 text-xs text-red-700 dark:text-red-300" data-testid="build-context-problem">{c.problem}</p>;
  return (
    <p id="build-context-status" className="mt-1 text-xs text-emerald-800 dark:text-emerald-300" data-testid="build-context-ok">
      Found {c.dockerfile} in {c.context}{c.hasIgnoreFile ? '; .dockerignore applies (ignored files are not sent)' : ''}.
    </p>
  );
}

export function BuildForm({ values, onChange, disabled }: { values: BuildFormValues; onChange: (v: BuildFormValues) => void; disabled: boolean }) {
  const pick = folderPicker();
  const set = (patch: Partial<BuildFormValues>) => onChange({ ...values, ...patch });
  return (
    <fieldset disabled={disabled} className="grid gap-4 md:grid-cols-2">
      <legend className="sr-only">Build settings</legend>
      <div className="md:col-span-2">
        <label className="label" htmlFor="build-context">Context folder</label>
        <div className="flex gap-2">
          <input id="build-context" className="input font-mono" placeholder="/home/you/project" value={values.context} aria-describedby="build-context-help build-context-status"
            onChange={(e) => set({ context: e.target.value })} spellCheck={false} autoComplete="off" />
          {pick && <button type="button" className="btn" onClick={() => void pick(values.context || undefined).then((p) => { if (p) set({ context: p }); })}>Choose…</button>}
        </div>
        <p id="build-context-help" className="mt-1 text-xs text-slate-500 dark:text-slate-400">A folder on this computer; the app packs it and sends it to the engine.</p>
        <ContextStatus context={values.context} dockerfile={values.dockerfile} />
      </div>
      <div>
        <label className="label" htmlFor="build-dockerfile">Dockerfile (inside the folder)</label>
        <input id="build-dockerfile" className="input font-mono" value={values.dockerfile} onChange={(e) => set({ dockerfile: e.target.value })} spellCheck={false} />
      </div>
      <div>
        <label className="label" htmlFor="build-tags">Tags</label>
        <input id="build-tags" className="input font-mono" placeholder="myapp:1.0 myapp:latest" value={values.tags} aria-describedby="build-tags-help"
          onChange={(e) => set({ tags: e.target.value })} spellCheck={false} />
        <p id="build-tags-help" className="mt-1 text-xs text-slate-500 dark:text-slate-400">name:tag, several separated by spaces or commas; none gives an untagged image.</p>
      </div>
      <div className="md:col-span-2">
        <KeyValueEditor legend="Build args" noun="Build arg" keyHint="NAME" rows={values.buildArgs} onChange={(buildArgs) => set({ buildArgs })} />
      </div>
      <div>
        <label className="label" htmlFor="build-target">Target stage</label>
        <input id="build-target" className="input font-mono" placeholder="last stage" value={values.target} onChange={(e) => set({ target: e.target.value })} spellCheck={false} />
      </div>
      <div>
        <label className="label" htmlFor="build-network">Network for RUN steps</label>
        <select id="build-network" className="input" value={values.network} onChange={(e) => set({ network: e.target.value as BuildFormValues['network'] })}>
          <option value="default">Engine default</option>
          <option value="none">None (no network)</option>
          <option value="host">Host</option>
        </select>
      </div>
      <div className="md:col-span-2 flex flex-wrap gap-6 text-sm">
        <label className="flex items-center gap-2"><input type="checkbox" checked={values.noCache} onChange={(e) => set({ noCache: e.target.checked })} /> Do not use the build cache</label>
        <span className="text-slate-500 dark:text-slate-400">Pull is off: the engine uses the base images it has (podman still fetches a missing one).</span>
      </div>
    </fieldset>
  );
}
