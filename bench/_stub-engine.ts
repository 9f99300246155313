// A stub Docker engine for the exec floor in bench/containers.ts: it answers the requests
// `docker exec C true` makes (ping, container inspect, exec create, the hijacked exec start, exec
// inspect) at once, with no container behind them. The CLI's time against it is what the CLI
// itself costs for an exec — process start, five requests on two connections, the hijack — which
// no engine can go under. Not used by any test.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StubEngine { host: string; close(): Promise<void> }

export async function startStubEngine(): Promise<StubEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-stub-'));
  const socket = join(dir, 'stub.sock');
  const headers = { 'Api-Version': '1.45', 'Content-Type': 'application/json', Server: 'berth-bench-stub' };
  const containerJson = JSON.stringify({ Id: 'c'.repeat(64), Name: '/stub', State: { Status: 'running', Running: true }, Config: { Tty: false }, HostConfig: {} });
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    req.resume();
    req.on('end', () => {
      if (url === '/_ping') { res.writeHead(200, { ...headers, 'Content-Type': 'text/plain' }); res.end(req.method === 'HEAD' ? undefined : 'OK'); return; }
      if (/\/containers\/[^/]+\/json$/.test(url)) { res.writeHead(200, headers); res.end(containerJson); return; }
      if (/\/containers\/[^/]+\/exec$/.test(url)) { res.writeHead(201, headers); res.end(JSON.stringify({ Id: 'e'.repeat(64) })); return; }
      if (/\/exec\/[^/]+\/json$/.test(url)) { res.writeHead(200, headers); res.end(JSON.stringify({ ID: 'e'.repeat(64), Running: false, ExitCode: 0, Pid: 1 })); return; }
      res.writeHead(404, headers);
      res.end(JSON.stringify({ message: `the bench stub engine does not answer ${req.method} ${url}` }));
    });
  });
  // The exec start: upgraded, then the stream ends at once (the process "exited" with nothing to say).
  // Only our side ends: the CLI may still write on its side (closing its stdin), and a socket
  // destroyed under it fails the exec with EPIPE. An upgraded socket leaves the server's
  // bookkeeping, so close() destroys those still open, or server.close() would wait for ever.
  const upgraded = new Set<import('node:net').Socket>();
  server.on('upgrade', (_req, sock: import('node:net').Socket) => {
    upgraded.add(sock);
    sock.on('close', () => upgraded.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.on('data', () => {}); // what the CLI sends is dropped
    sock.on('end', () => sock.destroy());
    sock.end('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    host: `unix://${socket}`,
    close: () => new Promise<void>((resolve) => { for (const u of upgraded) u.destroy(); server.closeAllConnections(); server.close(() => { rmSync(dir, { recursive: true, force: true }); resolve(); }); }),
  };
}
