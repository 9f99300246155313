// Transport A with Electron's ipcMain and webContents stood in thinly: one session per renderer,
// foreign frames ignored, streams closed when the renderer goes away.
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { SettingsStore } from '../config/settings-store.js';
import { EngineHub } from '../engine/hub.js';
import { API_CHANNEL, IpcBridge, type IpcEventLike, type WebContentsLike } from './ipc-bridge.js';
import { isAppUrl, secureWebPreferences } from './window-options.js';

class FakeWebContents extends EventEmitter implements WebContentsLike {
  sent: unknown[] = [];
  destroyed = false;
  constructor(readonly id: number) { super(); }
  send(_channel: string, msg: unknown) { this.sent.push(msg); }
  isDestroyed() { return this.destroyed; }
}

function bridge() {
  const ipc = new EventEmitter();
  const hub = new EngineHub(new SettingsStore(null));
  const b = new IpcBridge({ on: (c, l) => ipc.on(c, l), removeAllListeners: (c) => ipc.removeAllListeners(c) }, hub, (url) => isAppUrl(url, '/app'));
  const emit = (wc: FakeWebContents, url: string, msg: unknown) => ipc.emit(API_CHANNEL, { sender: wc, senderFrame: { url } } as IpcEventLike, msg);
  return { ipc, b, emit };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('IPC bridge', () => {
  it('answers a call from the app bundle on the same channel', async () => {
    const { emit } = bridge();
    const wc = new FakeWebContents(1);
    emit(wc, 'file:///app/renderer/dist/index.html#/images', { t: 'call', id: 1, method: 'settings.get', params: {} });
    await tick();
    expect(wc.sent).toEqual([expect.objectContaining({ t: 'result', id: 1, result: expect.objectContaining({ theme: 'system' }) })]);
  });

  it('ignores frames that are not the app bundle', async () => {
    const { emit } = bridge();
    const wc = new FakeWebContents(2);
    emit(wc, 'https://example.org/', { t: 'call', id: 1, method: 'settings.get', params: {} });
    emit(wc, 'file:///etc/passwd', { t: 'call', id: 2, method: 'settings.get', params: {} });
    await tick();
    expect(wc.sent).toEqual([]);
  });

  it('keeps one session per renderer and drops it when the renderer is destroyed', async () => {
    const { emit, b } = bridge();
    const a = new FakeWebContents(3);
    emit(a, 'file:///app/renderer/dist/index.html', { t: 'call', id: 1, method: 'settings.get', params: {} });
    await tick();
    expect((b as unknown as { sessions: Map<number, unknown> }).sessions.size).toBe(1);
    a.emit('destroyed');
    expect((b as unknown as { sessions: Map<number, unknown> }).sessions.size).toBe(0);
    b.dispose();
  });

  it('creates windows isolated, sandboxed, without Node', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({ contextIsolation: true, nodeIntegration: false, sandbox: true, webSecurity: true });
  });
});
