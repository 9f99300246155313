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

/** Subscribes to a stream while mounted; `onData` sees every item. */
export function useStream<K extends StreamName>(stream: K, params: StreamParams<K> | null, onData: (d: StreamData<K>) => void, deps: unknown[] = []): { error: string | null; ended: boolean } {
  const [error, setError] = useState<string | null>(null);
  const [ended, setEnded] = useState(false);
  const cb = useRef(onData);
  // Updated after commit, not during render, so a render React discards never leaves its value here.
  useLayoutEffect(() => { cb.current = onData; });
  const key = JSON.stringify(params);
  useEffect(() => {
    if (!params) return;
    setError(null);
    setEnded(false);
    let handle: StreamHandle | null = api.open(stream, params, {
      onData: (d) => cb.current(d),
      onEnd: (e) => { setEnded(true); if (e) setError(e.message); handle = null; },
    });
    return () => handle?.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- params by value (`key`), so a new object with the same fields keeps the stream; callers add their own deps
  }, [stream, key, ...deps]);
  return { error, ended };
}
