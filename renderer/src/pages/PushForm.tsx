// Push one of an image's tags to its registry, with a progress bar per layer and the engine's
// error where it happened. The registry is the tag's host part (tag the image first).
import { useEffect, useRef, useState } from 'react';
import { useLayerProgress } from '../lib/layer-progress';
import { LayerProgress } from '../components/LayerProgress';
import { ErrorBox, InfoBox } from '../components/Notice';

function registryOf(tag: string): string {
  const first = tag.split('/')[0] ?? '';
  return tag.includes('/') && /[.:]|^localhost$/.test(first) ? first : 'Docker Hub';
}

export function PushForm({ tags, focus = false }: { tags: string[]; focus?: boolean }) {
  const [chosen, setTag] = useState(tags[0] ?? '');
  // The chosen tag, or the first one once the chosen one is gone (untagged meanwhile).
  const tag = tags.includes(chosen) ? chosen : tags[0] ?? '';
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const p = useLayerProgress();
  const select = useRef<HTMLSelectElement>(null);
  // Opened from the images list's Push action: bring the form into view, ready to push.
  useEffect(() => { if (focus) { select.current?.scrollIntoView({ block: 'center' }); select.current?.focus(); } }, [focus]);
  const digest = p.messages.find((m) => /digest: sha256:/.test(m));
  if (tags.length === 0) {
    return (
      <section className="card p-4" aria-label="Push">
        <h2 className="mb-2 font-semibold">Push</h2>
        <InfoBox>This image has no tag. Add one with the registry's host first (e.g. <code>127.0.0.1:5000/myapp</code>), then push it.</InfoBox>
      </section>
    );
  }
  return (
    <section className="card p-4" aria-label="Push">
      <h2 className="mb-2 font-semibold">Push</h2>
      <form className="flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); p.start('push', { image: tag, ...(username ? { username, password } : {}) }); }}>
        <label className="flex flex-col text-xs text-slate-500 dark:text-slate-400">Tag to push
          <select ref={select} className="input mt-1 min-w-[16rem]" value={tag} onChange={(e) => setTag(e.target.value)}>
            {tags.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>
        <label className="flex flex-col text-xs text-slate-500 dark:text-slate-400">Registry user (optional)
          <input className="input mt-1 w-40" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="flex flex-col text-xs text-slate-500 dark:text-slate-400">Password
          <input className="input mt-1 w-40" type="password" autoComplete="current-password" value={password} disabled={!username} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {p.state === 'running'
          ? <button type="button" className="btn" onClick={p.cancel}>Cancel</button>
          : <button type="submit" className="btn btn-primary">Push to {registryOf(tag)}</button>}
      </form>
      <LayerProgress layers={p.layers} label="Push progress" />
      {p.state === 'running' && p.messages.length > 0 && <div className="mt-2 text-xs text-slate-500 dark:text-slate-400">{p.messages[p.messages.length - 1]}</div>}
      {p.state === 'done' && <div className="mt-2"><InfoBox tone="ok">Pushed {tag}.{digest ? ` ${digest.replace(/^.*?(digest: )/, 'Digest: ')}` : ''}</InfoBox></div>}
      {p.state === 'failed' && p.error && <div className="mt-2"><ErrorBox title="Push failed" message={`${p.error}\n${/auth|credential|unauthori[sz]ed|denied|401|403/i.test(p.error) ? 'Check the user name and password, and that this user may push to that repository.' : `Check that the registry at ${registryOf(tag)} is running and reachable from the engine, and that you may push there.`}`} /></div>}
    </section>
  );
}
