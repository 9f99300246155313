// Browser mode's server: the WebSocket needs the per-run token (and our Origin); the renderer is
// served with a CSP and nothing outside its folder.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { SettingsStore } from '../config/settings-store.js';
import { EngineHub } from '../engine/hub.js';
import { startBrowserServer, type BrowserServer } from './ws-server.js';

let server: BrowserServer | null = null;
let dir = '';
afterEach(async () => { await server?.close(); server = null; rmSync(dir, { recursive: true, force: true }); });

async function start(): Promise<BrowserServer> {
  dir = mkdtempSync(join(tmpdir(), 'berth-ws-'));
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist/index.html'), '<!doctype html><title>Berth</title>');
  writeFileSync(join(dir, 'secret.txt'), 'not for the web');
  const hub = new EngineHub(new SettingsStore(null));
  server = await startBrowserServer({ hub, staticDir: join(dir, 'dist') });
  return server;
}

function connect(url: string, origin?: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => { resolve({ status: res.statusCode }); ws.terminate(); });
    ws.on('error', () => resolve({ status: -1 }));
  });
}

describe('browser-mode server', () => {
  it('prints a loopback URL carrying a long random token', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    const other = await startBrowserServer({ hub: new EngineHub(new SettingsStore(null)), staticDir: dir });
    expect(other.token).not.toBe(s.token);
    await other.close();
  });

  it('refuses the API without the token, with a wrong token, or from another origin', async () => {
    const s = await start();
    const base = `ws://127.0.0.1:${s.port}/api`;
    expect((await connect(base)).status).toBe(401);
    expect((await connect(`${base}?token=${'x'.repeat(s.token.length)}`)).status).toBe(401);
    expect((await connect(`${base}?token=${s.token}`, 'http://evil.example')).status).toBe(401);
  });

  it('serves the API with the token: a call gets its typed answer', async () => {
    const s = await start();
    const { ws } = await connect(`ws://127.0.0.1:${s.port}/api?token=${s.token}`, `http://127.0.0.1:${s.port}`);
    expect(ws).toBeDefined();
    const answer = await new Promise<Record<string, unknown>>((resolve) => {
      ws!.on('message', (d) => resolve(JSON.parse(d.toString())));
      ws!.send(JSON.stringify({ t: 'call', id: 7, method: 'settings.get', params: {} }));
    });
    expect(answer).toMatchObject({ t: 'result', id: 7, result: { theme: 'system', scrollback: 5000 } });
    ws!.close();
  });

  it('serves the renderer with a strict CSP and nothing outside its folder', async () => {
    const s = await start();
    const res = await fetch(`http://127.0.0.1:${s.port}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(res.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://127.0.0.1:${s.port}`);
    const escape = await fetch(`http://127.0.0.1:${s.port}/..%2fsecret.txt`);
    expect(escape.status).toBe(403);
    expect(await escape.text()).not.toContain('not for the web');
  });
});
