// Transport A: the API over Electron IPC. One ApiSession per renderer (webContents); messages come
// in on one channel and go out on the same. Only frames loaded from the app's own bundle may talk.
import type { EngineHub } from '../engine/hub.js';
import { ApiSession } from '../api/session.js';
import type { ServerMessage } from '../shared/protocol.js';

export const API_CHANNEL = 'berth:api';

/** The slices of Electron's ipcMain / webContents the bridge uses (so tests can stand in). */
export interface IpcMainLike {
  on(channel: string, listener: (event: IpcEventLike, msg: unknown) => void): unknown;
  removeAllListeners(channel: string): unknown;
}
export interface WebContentsLike {
  id: number;
  send(channel: string, msg: unknown): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}
export interface IpcEventLike { sender: WebContentsLike; senderFrame?: { url: string } | null }

export class IpcBridge {
  private readonly sessions = new Map<number, ApiSession>();

  constructor(private readonly ipc: IpcMainLike, private readonly hub: EngineHub, private readonly isAppUrl: (url: string) => boolean) {
    ipc.on(API_CHANNEL, (event, msg) => this.receive(event, msg));
  }

  private receive(event: IpcEventLike, msg: unknown): void {
    const url = event.senderFrame?.url ?? '';
    if (!this.isAppUrl(url)) return; // a foreign frame gets no API
    const wc = event.sender;
    let session = this.sessions.get(wc.id);
    if (!session) {
      session = new ApiSession(this.hub, (m: ServerMessage) => { if (!wc.isDestroyed()) wc.send(API_CHANNEL, m); });
      this.sessions.set(wc.id, session);
      wc.once('destroyed', () => this.drop(wc.id));
    }
    session.receive(msg);
  }

  /** The renderer reloaded or closed: its streams end. */
  drop(id: number): void {
    this.sessions.get(id)?.dispose();
    this.sessions.delete(id);
  }

  dispose(): void {
    for (const id of [...this.sessions.keys()]) this.drop(id);
    this.ipc.removeAllListeners(API_CHANNEL);
  }
}
