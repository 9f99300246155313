// The minimal reference terminal the benchmark compares the app with: one page with xterm.js, a
// WebSocket, and node-pty running a shell on the host, with the same watermark flow control. The
// shell is busybox sh, the same ash the benchmark's container runs: it echoes each key itself
// (raw mode), where dash would leave the echo to the kernel's line discipline and skip a wake-up.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { spawn as ptySpawn } from 'node-pty';
import { WebSocketServer } from 'ws';

const SHELL = existsSync('/usr/bin/busybox') ? ['/usr/bin/busybox', 'sh'] : ['/bin/sh'];
const HIGH = 512 * 1024;
const LOW = 128 * 1024;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/xterm.css">
<style>html,body{margin:0;height:100%;background:#0f172a}#t{height:100%}</style></head>
<body><div id="t"></div><script src="/xterm.js"></script><script src="/addon-fit.js"></script><script>
const term = new Terminal({ scrollback: 10000, fontSize: 13 });
const fit = new FitAddon.FitAddon();
term.loadAddon(fit);
term.open(document.getElementById('t'));
fit.fit();
window.__benchTerm = () => term;
const ws = new WebSocket('ws://' + location.host + '/pty?cols=' + term.cols + '&rows=' + term.rows);
ws.binaryType = 'arraybuffer';
let unacked = 0;
ws.onmessage = (ev) => {
  const bytes = new Uint8Array(ev.data);
  term.write(bytes, () => { unacked += bytes.length; if (unacked >= 32768) { ws.send(JSON.stringify({ ack: unacked })); unacked = 0; } });
};
term.onData((d) => ws.send(JSON.stringify({ input: d })));
window.__ready = new Promise((r) => { ws.onopen = r; });
</script></body></html>`;

export interface ReferenceTerminal { url: string; close(): Promise<void> }

export async function startReferenceTerminal(repoRoot: string): Promise<ReferenceTerminal> {
  const files: Record<string, [string, string]> = {
    '/': [PAGE, 'text/html'],
    '/xterm.js': [readFileSync(resolve(repoRoot, 'node_modules/@xterm/xterm/lib/xterm.js'), 'utf8'), 'text/javascript'],
    '/xterm.css': [readFileSync(resolve(repoRoot, 'node_modules/@xterm/xterm/css/xterm.css'), 'utf8'), 'text/css'],
    '/addon-fit.js': [readFileSync(resolve(repoRoot, 'node_modules/@xterm/addon-fit/lib/addon-fit.js'), 'utf8'), 'text/javascript'],
  };
  const server: Server = createServer((req, res) => {
    const f = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!f) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': f[1] }).end(f[0]);
  });
  const wss = new WebSocketServer({ server, path: '/pty' });
  const ptys = new Set<ReturnType<typeof ptySpawn>>();
  wss.on('connection', (ws, req) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const pty = ptySpawn(SHELL[0] as string, SHELL.slice(1), { name: 'xterm-256color', cols: Number(q.get('cols')) || 80, rows: Number(q.get('rows')) || 24, cwd: '/tmp', env: { ...process.env, PS1: '$ ' } as Record<string, string> });
    ptys.add(pty);
    let unacked = 0;
    let paused = false;
    pty.onData((d) => {
      const b = Buffer.from(d, 'utf8');
      ws.send(b, { binary: true });
      unacked += b.length;
      if (!paused && unacked > HIGH) { paused = true; pty.pause(); }
    });
    ws.on('message', (m) => {
      const msg = JSON.parse(m.toString()) as { input?: string; ack?: number };
      if (msg.input) pty.write(msg.input);
      if (msg.ack) { unacked -= msg.ack; if (paused && unacked < LOW) { paused = false; pty.resume(); } }
    });
    ws.on('close', () => { pty.kill(); ptys.delete(pty); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    async close() {
      for (const p of ptys) p.kill();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
