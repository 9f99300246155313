// The renderer's single API client and the React hooks over it.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useQuery, useMutation, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import { ApiClient, type StreamHandle } from '@shared/client';
import type { RequestName, StreamName } from '@shared/contract';
import type { CallParams, CallResult, StreamData, StreamParams } from '@shared/protocol';
import { browserApiUrl, ipcTransport, webSocketTransport, type ConnectionState, type Transport } from './transport';

const transport: Transport = window.berth ? ipcTransport(window.berth) : webSocketTransport(browserApiUrl());
export const api = new ApiClient(transport);

let connState: ConnectionState = 'connecting';
let connDetail: string | undefined;
const connListeners = new Set<() => void>();
transport.onState((s, d) => {
  if (s === 'closed' && connState === 'open') api.disconnect('connection to the app lost');
  connState = s;
  connDetail = d;
  connListeners.forEach((l) => l());
});

export function useConnection(): { state: ConnectionState; detail?: string | undefined } {
  const [, force] = useState(0);
  useEffect(() => {
    const l = () => force((n) => n + 1);
    connListeners.add(l);
    return () => void connListeners.delete(l);
  }, []);
  return { state: connState, detail: connDetail };
}

export function useApi<K extends RequestName>(method: K, params: CallParams<K>, opts: Partial<UseQueryOptions<CallResult<K>, Error>> = {}) {
  return useQuery<CallResult<K>, Error>({ queryKey: [method, params], queryFn: () => api.call(method, params), ...opts });
}

export function useApiMutation<K extends RequestName>(method: K, invalidate: RequestName[] = []) {
  const qc = useQueryClient();
  return useMutation<CallResult<K>, Error, CallParams<K>>({
    mutationFn: (p) => api.call(method, p),
    onSettled: () => { for (const k of invalidate) void qc.invalidateQueries({ queryKey: [k] }); },
  });
}

/** Subscribes to a stream while mounted; `onData` sees every item. A new stream or new params
 * (compared by value) open a new subscription, whose error and end state start afresh. */
export function useStream<K extends StreamName>(stream: K, params: StreamParams<K> | null, onData: (d: StreamData<K>) => void): { error: string | null; ended: boolean } {
  const key = params ? `${stream} ${JSON.stringify(params)}` : null;
  // The end of a subscription, tagged with its key: a state left by the previous one reads as none.
  const [end, setEnd] = useState<{ key: string; error: string | null } | null>(null);
  const cb = useRef(onData);
  const liveKey = useRef(key);
  // Updated after commit, not during render, so a render React discards never leaves its value here.
  useLayoutEffect(() => { cb.current = onData; liveKey.current = key; });
  useEffect(() => {
    if (!key || !params) return;
    let handle: StreamHandle | null = api.open(stream, params, {
      // Once new params are committed, the old subscription's last items (before its close, in
      // this effect's cleanup) would land in the new one's consumer: drop them.
      onData: (d) => { if (liveKey.current === key) cb.current(d); },
      onEnd: (e) => { setEnd({ key, error: e?.message ?? null }); handle = null; },
    });
    return () => handle?.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- params by value (`key`), so a new object with the same fields keeps the stream
  }, [key]);
  const current = end && end.key === key ? end : null;
  return { error: current?.error ?? null, ended: current !== null };
}
