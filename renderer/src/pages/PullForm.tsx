// Pull an image by name with one progress bar per layer from the engine's progress stream.
import { useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { PullProgress } from '@shared/contract';
import type { StreamHandle } from '@shared/client';
import { api } from '../api/api';
import { bytes } from '../lib/format';
import { ErrorBox, InfoBox } from '../components/Notice';

interface Layer { id: string; status: string; current?: number | undefined; total?: number | undefined }

export function PullForm() {
  const [name, setName] = useState('');
  const [layers, setLayers] = useState<Layer[]>([]);
  const [messages, setMessages] = useState<string[]>([]);
  const [state, setState] = useState<'idle' | 'pulling' | 'done' | 'failed'>('idle');
  const [error, setError] = useState<string | null>(null);
  const handle = useRef<StreamHandle | null>(null);
  const qc = useQueryClient();
  const start = () => {
    if (!name.trim()) { setError('Type an image name, like busybox or registry.local:5000/app:1.0'); setState('failed'); return; }
    setLayers([]); setMessages([]); setError(null); setState('pulling');
    handle.current = api.open('pull', { image: name.trim() }, {
      onData: (p: PullProgress) => {
        if (p.id && /^[0-9a-f]{12}$/.test(p.id)) {
          setLayers((prev) => {
            const next = prev.slice();
            const i = next.findIndex((l) => l.id === p.id);
            const l = { id: p.id as string, status: p.status, current: p.current, total: p.total };
            if (i < 0) next.push(l); else next[i] = { ...next[i], ...l, total: p.total ?? next[i]?.total };
            return next;
          });
        } else if (p.status) setMessages((m) => [...m.slice(-4), p.status]);
      },
      onEnd: (e) => {
        handle.current = null;
        if (e) { setError(e.message); setState('failed'); } else { setState('done'); void qc.invalidateQueries({ queryKey: ['images.list'] }); }
      },
    });
  };
  return (
    <section aria-label="Pull an image" className="card p-4">
      <form className="flex gap-2" onSubmit={(e) => { e.preventDefault(); start(); }}>
        <label htmlFor="pull-name" className="sr-only">Image to pull</label>
        <input id="pull-name" className="input" placeholder="Pull an image: name[:tag], e.g. alpine:3.20" value={name} onChange={(e) => setName(e.target.value)} />
        {state === 'pulling'
          ? <button type="button" className="btn" onClick={() => { handle.current?.close(); setState('idle'); }}>Cancel</button>
          : <button type="submit" className="btn btn-primary">Pull</button>}
      </form>
      {layers.length > 0 && (
        <ul className="mt-3 space-y-1.5" aria-label="Layer progress">
          {layers.map((l) => {
            const pct = l.total ? Math.min(100, ((l.current ?? 0) / l.total) * 100) : /complete|already exists/i.test(l.status) ? 100 : 0;
            return (
              <li key={l.id} className="grid grid-cols-[7rem_1fr_12rem] items-center gap-2 text-xs">
                <span className="font-mono">{l.id}</span>
                <progress className="h-2 w-full" max={100} value={pct} aria-label={`layer ${l.id}`} />
                <span className="truncate text-slate-500">{l.status}{l.total ? ` ${bytes(l.current)} / ${bytes(l.total)}` : ''}</span>
              </li>
            );
          })}
        </ul>
      )}
      {messages.length > 0 && <div className="mt-2 text-xs text-slate-500">{messages[messages.length - 1]}</div>}
      {state === 'done' && <div className="mt-2"><InfoBox tone="ok">Pulled {name}.</InfoBox></div>}
      {state === 'failed' && error && <div className="mt-2"><ErrorBox title="Pull failed" message={`${error}\nCheck the name and tag, that the registry is reachable from the engine, and try again.`} /></div>}
    </section>
  );
}
