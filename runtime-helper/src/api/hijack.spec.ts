// The hijack helper over a real unix socket: 101 UPGRADED with the raw connection when the client
// asks for an upgrade, multiplexed frames, output after the client half-closes.
import { describe, it, expect, afterEach } from 'vitest';
import { createServer, ServerResponse, type Server } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { Router } from './router.js';
import { hijack, frame, StreamType, multiplexWriter } from './hijack.js';
import { silentLogger } from '../util/log.js';
import type { Daemon } from '../daemon/daemon.js';

let server: Server | undefined;
let dir: string | undefined;
afterEach(() => { server?.close(); if (dir) rmSync(dir, { recursive: true, force: true }); });

/** An echo "attach": every stdin chunk comes back on stdout, uppercased on stderr; EOF ends it. */
async function startEchoServer(): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'berth-hijack-'));
  const socket = join(dir, 's.sock');
  const router = new Router([{
    method: 'POST', path: '/containers/{id}/attach', handler: (ctx) => {
      const { socket: s } = hijack(ctx, { multiplexed: true });
      const out = multiplexWriter(s, StreamType.Stdout);
      const err = multiplexWriter(s, StreamType.Stderr);
      s.on('data', (c: Buffer) => { out(c); err(Buffer.from(c.toString().toUpperCase())); });
      s.on('end', () => { out(Buffer.from('bye')); s.end(); });
    },
  }], { version: 'test' } as unknown as Daemon, silentLogger());
  server = createServer((req, res) => void router.handle(req, res));
  server.on('upgrade', (req, s: Duplex, head: Buffer) => {
    const res = new ServerResponse(req);
    res.assignSocket(s as never);
    void router.handle(req, res, { socket: s, head });
  });
  await new Promise<void>((r) => server?.listen(socket, r));
  return socket;
}

function parseFrames(buf: Buffer): [number, string][] {
  const out: [number, string][] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off + 4);
    out.push([buf[off] ?? -1, buf.subarray(off + 8, off + 8 + len).toString()]);
    off += 8 + len;
  }
  return out;
}

describe('hijack', () => {
  it('frames one chunk with the 8-byte header', () => {
    expect([...frame(StreamType.Stderr, Buffer.from('hi'))]).toEqual([2, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69]);
  });

  it('upgrades, carries stdin both ways and keeps writing after the client half-closes', async () => {
    const path = await startEchoServer();
    const conn = connect({ path, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    conn.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise<void>((r) => conn.on('end', r));
    conn.write('POST /v1.45/containers/x/attach?stream=1&stdin=1 HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\nhello');
    await new Promise((r) => setTimeout(r, 100));
    conn.end();
    await ended;
    const all = Buffer.concat(chunks);
    const headerEnd = all.indexOf('\r\n\r\n');
    const head = all.subarray(0, headerEnd).toString();
    expect(head).toMatch(/^HTTP\/1.1 101 UPGRADED/);
    expect(head).toContain('Connection: Upgrade');
    expect(head).toContain('Upgrade: tcp');
    expect(head).toContain('Content-Type: application/vnd.docker.multiplexed-stream');
    expect(parseFrames(all.subarray(headerEnd + 4))).toEqual([[1, 'hello'], [2, 'HELLO'], [1, 'bye']]);
  });
});
