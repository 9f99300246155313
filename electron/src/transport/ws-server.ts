// Browser mode: the renderer over HTTP and the API over a WebSocket on 127.0.0.1, guarded by a
// random per-run token (and the page's own Origin).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineHub } from '../engine/hub.js';
import { ApiSession } from '../api/session.js';
import { encodeBytesFrame, type ServerMessage } from '../shared/protocol.js';
import { contentSecurityPolicy } from './csp.js';
import { serveStatic } from './static-files.js';
import { newToken, tokenMatches } from './token.js';

export interface BrowserServer {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

export interface BrowserServerOptions { hub: EngineHub; port?: number; staticDir: string; token?: string }

export async function startBrowserServer(opts: BrowserServerOptions): Promise<BrowserServer> {
  const token = opts.token ?? newToken();
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (err) => reject(new Error(`browser mode: listen on 127.0.0.1:${opts.port ?? 0}: ${err.message}`)));
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const handler = serveStatic(opts.staticDir, contentSecurityPolicy([`ws://127.0.0.1:${port}`]));
  http.on('request', handler);
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const originOk = !req.headers.origin || req.headers.origin === origin || req.headers.origin === `http://localhost:${port}`;
    if (url.pathname !== '/api' || !tokenMatches(token, url.searchParams.get('token')) || !originOk) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-type: text/plain\r\n\r\nberth: a valid token is required\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, opts.hub));
  });
  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    server: http,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

function attach(ws: WebSocket, hub: EngineHub): void {
  const send = (msg: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    if (msg.t === 'bytes') ws.send(encodeBytesFrame(msg.sid, msg.data), { binary: true });
    else ws.send(JSON.stringify(msg));
  };
  const session = new ApiSession(hub, send);
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return;
    }
    session.receive(msg);
  });
  ws.on('close', () => session.dispose());
  ws.on('error', () => session.dispose());
}
