// Pull and push progress: the engine's per-layer items folded into one row per layer, and the
// other status lines (digest, "Waiting", the final summary) kept apart.
import { useLayoutEffect, useRef, useState } from 'react';
import type { PullProgress } from '@shared/contract';
import type { StreamHandle } from '@shared/client';
import { api } from '../api/api';

export interface Layer { id: string; status: string; current?: number | undefined; total?: number | undefined }

export function foldLayer(prev: Layer[], p: PullProgress): Layer[] {
  const next = prev.slice();
  const i = next.findIndex((l) => l.id === p.id);
  const l: Layer = { id: p.id as string, status: p.status, current: p.current, total: p.total };
  if (i < 0) next.push(l); else next[i] = { ...next[i], ...l, total: p.total ?? next[i]?.total };
  return next;
}

export type ProgressState = 'idle' | 'running' | 'done' | 'failed';

/** Runs one pull or push stream and keeps its layers, messages, state and error. */
export function useLayerProgress(onDone?: () => void) {
  const [layers, setLayers] = useState<Layer[]>([]);
  const [messages, setMessages] = useState<string[]>([]);
  const [state, setState] = useState<ProgressState>('idle');
  const [error, setError] = useState<string | null>(null);
  const handle = useRef<StreamHandle | null>(null);
  const done = useRef(onDone);
  // Updated after commit, not during render, so a render React discards never leaves its value here.
  useLayoutEffect(() => { done.current = onDone; });
  const start = (stream: 'pull' | 'push', params: { image: string; username?: string | undefined; password?: string | undefined }) => {
    setLayers([]); setMessages([]); setError(null); setState('running');
    const onData = (p: PullProgress) => {
      if (p.id && /^[0-9a-f]{12}$/.test(p.id)) setLayers((prev) => foldLayer(prev, p));
      else if (p.status) setMessages((m) => [...m.slice(-4), p.id && !p.status.includes(p.id) ? `${p.id}: ${p.status}` : p.status]);
    };
    const onEnd = (e?: { message: string }) => {
      handle.current = null;
      if (e) {
        // Layers still in flight stopped with the operation.
        setLayers((prev) => prev.map((l) => (/complete|already exists|^pushed|mounted from/i.test(l.status) ? l : { ...l, status: `stopped (${l.status})` })));
        setError(e.message); setState('failed');
      } else { setState('done'); done.current?.(); }
    };
    handle.current = stream === 'pull'
      ? api.open('pull', { image: params.image }, { onData, onEnd })
      : api.open('push', params, { onData, onEnd });
  };
  const cancel = () => { handle.current?.close(); handle.current = null; setState('idle'); };
  const fail = (message: string) => { setError(message); setState('failed'); };
  return { layers, messages, state, error, start, cancel, fail };
}
