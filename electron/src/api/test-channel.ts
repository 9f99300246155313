// An in-memory channel joining an ApiClient to an ApiSession, with a JSON round trip on the way
// (as IPC's structured clone and the WebSocket would), for tests and benchmarks.
import { ApiClient } from '../shared/client.js';
import type { ClientMessage, ServerMessage } from '../shared/protocol.js';
import type { EngineHub } from '../engine/hub.js';
import { ApiSession } from './session.js';

export function connectInMemory(hub: EngineHub): { client: ApiClient; session: ApiSession; sent: ClientMessage[]; logged: string[] } {
  const toClient = new Set<(m: ServerMessage) => void>();
  const sent: ClientMessage[] = [];
  const logged: string[] = [];
  const session = new ApiSession(hub, (m) => {
    const copy = m.t === 'bytes' ? { ...m, data: new Uint8Array(m.data) } : (JSON.parse(JSON.stringify(m)) as ServerMessage);
    queueMicrotask(() => toClient.forEach((l) => l(copy)));
  }, (line) => logged.push(line));
  const client = new ApiClient({
    send: (m) => { sent.push(m); const copy = JSON.parse(JSON.stringify(m)); queueMicrotask(() => session.receive(copy)); },
    onMessage: (cb) => { toClient.add(cb); return () => toClient.delete(cb); },
  });
  return { client, session, sent, logged };
}
