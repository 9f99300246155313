// Pull an image by name with one progress bar per layer from the engine's progress stream.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useLayerProgress } from '../lib/layer-progress';
import { LayerProgress } from '../components/LayerProgress';
import { ErrorBox, InfoBox } from '../components/Notice';
import { pullHint } from '../lib/pull-hint';

export function PullForm() {
  const [name, setName] = useState('');
  const qc = useQueryClient();
  const p = useLayerProgress(() => void qc.invalidateQueries({ queryKey: ['images.list'] }));
  const start = () => {
    if (!name.trim()) { p.fail('Type an image name, like busybox or registry.local:5000/app:1.0'); return; }
    p.start('pull', { image: name.trim() });
  };
  return (
    <section aria-label="Pull an image" className="card p-4">
      {/* A visible label: the placeholder's example goes away once the user types. */}
      <label htmlFor="pull-name" className="label">Image to pull</label>
      <form className="flex gap-2" onSubmit={(e) => { e.preventDefault(); start(); }}>
        <input id="pull-name" className="input" placeholder="name[:tag], e.g. alpine:3.20" value={name} onChange={(e) => setName(e.target.value)} />
        {p.state === 'running'
          ? <button type="button" className="btn" onClick={p.cancel}>Cancel</button>
          : <button type="submit" className="btn btn-primary">Pull</button>}
      </form>
      <LayerProgress layers={p.layers} label="Layer progress" />
      {p.messages.length > 0 && p.state !== 'failed' && <div className="mt-2 text-xs text-slate-500 dark:text-slate-400">{p.messages[p.messages.length - 1]}</div>}
      {p.state === 'done' && <div className="mt-2"><InfoBox tone="ok">Pulled {name}.</InfoBox></div>}
      {p.state === 'failed' && p.error && <div className="mt-2"><ErrorBox title="Pull failed" message={name.trim() ? `${p.error}\n${pullHint(p.error)}` : p.error} /></div>}
    </section>
  );
}
