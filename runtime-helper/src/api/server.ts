// The HTTP server: a unix socket (root:berth, 0660, directory made on start) and, only with
// mutual TLS, TCP. Upgrade requests (attach, exec start) go through the same router with the raw
// socket in the context.
import { createServer as createHttpServer, ServerResponse, type Server, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Duplex } from 'node:stream';
import type { Logger } from '../util/log.js';
import type { Router } from './router.js';
import type { DaemonConfig } from '../config/config.js';

export interface ListenAddress { kind: 'unix'; path: string }
export type HostAddress = ListenAddress | { kind: 'tcp'; host: string; port: number };

export function parseHost(host: string): HostAddress {
  if (host.startsWith('unix://')) {
    const path = host.slice('unix://'.length);
    if (!path.startsWith('/')) throw new Error(`invalid host ${host}: the socket path must be absolute`);
    return { kind: 'unix', path };
  }
  if (host.startsWith('tcp://')) {
    const u = new URL(host);
    const port = Number(u.port || '2376');
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid host ${host}: bad port`);
    return { kind: 'tcp', host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port };
  }
  if (host.startsWith('fd://')) throw new Error(`invalid host ${host}: socket activation (fd://) is not supported`);
  throw new Error(`invalid host ${host}: use unix:///path or tcp://host:port`);
}

/** The gid of the `berth` group, creating the group if missing; null if that fails (socket stays root-only). */
export function ensureGroup(name: string, log: Logger): number | null {
  const find = (): number | null => {
    try {
      const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
      return line ? Number(line.split(':')[2]) : null;
    } catch { return null; }
  };
  let gid = find();
  if (gid === null) {
    try {
      execFileSync('groupadd', ['--system', name], { stdio: 'pipe' });
      gid = find();
    } catch (err) {
      log.warn({ err: String(err) }, `could not create group ${name}; the socket stays root-only`);
    }
  }
  return gid;
}

/** The upgraded connections (attach and exec streams) a server has open. */
type UpgradedSockets = Set<Duplex>;

function attachHandlers(server: Server, router: Router): UpgradedSockets {
  const upgraded: UpgradedSockets = new Set();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => { void router.handle(req, res); });
  // Requests with "Connection: Upgrade" arrive here; they get a normal response object on the raw
  // socket so ordinary routes still answer them, and hijacking routes take the socket.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const res = new ServerResponse(req);
    res.assignSocket(socket as never);
    res.on('finish', () => { if (!socket.destroyed) socket.end(); });
    void router.handle(req, res, { socket, head });
  });
  return upgraded;
}

export interface RunningServer { address: string; server: Server; close(): Promise<void> }

export async function listen(host: string, config: DaemonConfig, router: Router, log: Logger): Promise<RunningServer> {
  const addr = parseHost(host);
  if (addr.kind === 'unix') {
    mkdirSync(dirname(addr.path), { recursive: true, mode: 0o755 });
    if (existsSync(addr.path)) {
      if (!lstatSync(addr.path).isSocket()) throw new Error(`listen ${addr.path}: a non-socket file is in the way`);
      unlinkSync(addr.path);
    }
    const server = createHttpServer({ keepAliveTimeout: 30_000 });
    const upgraded = attachHandlers(server, router);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(addr.path, () => { server.off('error', reject); resolve(); });
    });
    const gid = ensureGroup(config.group, log);
    chownSync(addr.path, 0, gid ?? 0);
    chmodSync(addr.path, gid === null ? 0o600 : 0o660);
    return { address: host, server, close: () => closeServer(server, upgraded, () => { try { unlinkSync(addr.path); } catch { /* gone */ } }) };
  }
  // TCP: mutual TLS only. A plain TCP socket would hand root to anyone who can reach the port.
  const tls = config.tls;
  if (!tls?.verify || !tls.ca || !tls.cert || !tls.key) {
    throw new Error(`refusing to listen on ${host} without mutual TLS: pass --tlsverify with --tlscacert, --tlscert and --tlskey`);
  }
  const server = createHttpsServer({
    ca: readFileSync(tls.ca), cert: readFileSync(tls.cert), key: readFileSync(tls.key),
    requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2',
  });
  const upgraded = attachHandlers(server, router);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host, () => { server.off('error', reject); resolve(); });
  });
  return { address: host, server, close: () => closeServer(server, upgraded, () => {}) };
}

function closeServer(server: Server, upgraded: UpgradedSockets, after: () => void): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => { after(); resolve(); });
    // Idle keep-alive connections would hold close() open; long streams (events, logs) too. An
    // upgraded connection (attach, exec) has left the HTTP server's own list, so
    // closeAllConnections() does not reach it: without ending it too, berthd would wait on an
    // open `docker attach` for ever. Its container goes on; the client sees the stream end.
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
    }, 2000).unref();
  });
}
