// Preload (sandboxed, so CommonJS): exposes exactly one object, window.berth, with send and
// onMessage for the typed API channel. No Node, no ipcRenderer, reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const CHANNEL = 'berth:api';

contextBridge.exposeInMainWorld('berth', {
  send(msg: unknown): void {
    ipcRenderer.send(CHANNEL, msg);
  },
  onMessage(cb: (msg: unknown) => void): () => void {
    const listener = (_e: IpcRendererEvent, msg: unknown) => cb(msg);
    ipcRenderer.on(CHANNEL, listener);
    return () => ipcRenderer.removeListener(CHANNEL, listener);
  },
  /** The native folder picker (build context); null when the user cancels. */
  pickFolder(defaultPath?: string): Promise<string | null> {
    return ipcRenderer.invoke('berth:pick-folder', defaultPath) as Promise<string | null>;
  },
});
