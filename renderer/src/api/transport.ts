// Picks the transport: Electron's preload bridge (window.berth) or the browser-mode WebSocket.
import type { Channel, ClientMessage, ServerMessage } from '@shared/protocol';
import { decodeBytesFrame } from '@shared/protocol';

declare global {
  interface Window {
    berth?: { send(msg: ClientMessage): void; onMessage(cb: (msg: ServerMessage) => void): () => void };
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport extends Channel<ServerMessage, ClientMessage> {
  onState(cb: (s: ConnectionState, detail?: string) => void): void;
}

export function ipcTransport(bridge: NonNullable<Window['berth']>): Transport {
  return { send: (m) => bridge.send(m), onMessage: (cb) => bridge.onMessage(cb), onState: (cb) => cb('open') };
}

export function webSocketTransport(url: string): Transport {
  const listeners = new Set<(m: ServerMessage) => void>();
  const stateListeners = new Set<(s: ConnectionState, detail?: string) => void>();
  let queue: string[] = [];
  let ws: WebSocket;
  let retry = 500;
  const setState = (s: ConnectionState, d?: string) => stateListeners.forEach((l) => l(s, d));
  const connect = () => {
    setState('connecting');
    ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      retry = 500;
      setState('open');
      for (const m of queue) ws.send(m);
      queue = [];
    };
    ws.onmessage = (ev) => {
      const msg: ServerMessage = typeof ev.data === 'string' ? JSON.parse(ev.data) : { t: 'bytes', ...decodeBytesFrame(new Uint8Array(ev.data as ArrayBuffer)) };
      listeners.forEach((l) => l(msg));
    };
    ws.onclose = (ev) => {
      setState('closed', ev.code === 1006 ? 'The app server is not answering (was it stopped, or is the token wrong?). Retrying…' : `closed (${ev.code})`);
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10_000);
    };
  };
  connect();
  return {
    send: (m) => {
      const s = JSON.stringify(m);
      if (ws.readyState === WebSocket.OPEN) ws.send(s);
      else queue.push(s);
    },
    onMessage: (cb) => { listeners.add(cb); return () => listeners.delete(cb); },
    onState: (cb) => { stateListeners.add(cb); },
  };
}

export function browserApiUrl(): string {
  const params = new URLSearchParams(location.search);
  const token = params.get('token') ?? sessionStorage.getItem('berth-token') ?? '';
  if (token) sessionStorage.setItem('berth-token', token);
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api?token=${encodeURIComponent(token)}`;
}
