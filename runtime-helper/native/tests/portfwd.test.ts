// berth-portfwd (BERTH_TEST_PORTFWD, the ASan build in the runtime-berth-asan pass): a process in
// a network namespace of its own (`unshare --net`) plays the container's init, servers run in
// that namespace (nsenter), and every client connects to 127.0.0.1 or ::1 on the host.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { randomBytes, createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/registry.js';

const binary = process.env.BERTH_TEST_PORTFWD ?? fileURLToPath(new URL('../build/berth-portfwd', import.meta.url));
let dir = '';
let echoServer = '';
const started: ChildProcess[] = [];
const pids: number[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-portfwd-test-'));
  echoServer = join(dir, 'echo-server');
  execFileSync('cc', ['-static', '-O2', '-o', echoServer, fileURLToPath(new URL('./fixtures/echo-server.c', import.meta.url))]);
});
afterEach(async () => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const pid of pids.splice(0)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  await sleep(50);
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

interface Report { pid: number; ports: { proto: string; hostIp: string; hostPort: number; containerPort: number }[] }

/** A stand-in for a container's init: a sleep in a new network namespace. */
function fakeInit(): ChildProcess {
  const c = spawn('unshare', ['--net', '--', 'sleep', '600'], { stdio: 'ignore' });
  started.push(c);
  return c;
}

async function initPid(c: ChildProcess): Promise<number> {
  // unshare execs sleep: the same pid, once the namespace is there.
  for (let i = 0; i < 100; i++) {
    try { if (readFileSync(`/proc/${c.pid}/comm`, 'utf8').trim() === 'sleep') return c.pid!; } catch { /* not yet */ }
    await sleep(20);
  }
  throw new Error('the fake init did not start');
}

/** A server inside the fake container's namespace (after the forwarder brought lo up). */
async function serveInside(pid: number, proto: 'tcp' | 'udp', port: number): Promise<void> {
  const c = spawn('nsenter', [`--net=/proc/${pid}/ns/net`, echoServer, proto, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(c);
  await sleep(150);
  if (c.exitCode !== null) throw new Error(`echo-server ${proto} ${port} exited ${c.exitCode}`);
}

function runForwarder(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(binary, args, { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Detached: the foreground process prints the report and exits 0; the relay runs on. */
function startDetached(pid: number, bindings: string[], diag = join(dir, 'diag.log')): Report {
  const r = runForwarder(['--netns', `/proc/${pid}/ns/net`, '--pid', String(pid), '--diag', diag, ...bindings]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout) as Report;
  pids.push(report.pid);
  return report;
}

/** In the foreground, so the test sees how the relay itself ends (a clean exit 0, no ASan report). */
async function startForeground(pid: number, bindings: string[]): Promise<{ child: ChildProcess; report: Report; exit: Promise<{ code: number | null; stderr: string }> }> {
  const child = spawn(binary, ['--foreground', '--netns', `/proc/${pid}/ns/net`, '--pid', String(pid), ...bindings], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('\n')) resolve(out.split('\n')[0]!); });
    child.on('exit', (code) => reject(new Error(`berth-portfwd exited ${code}: ${stderr}`)));
  });
  return { child, report: JSON.parse(line) as Report, exit };
}

function connect(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ port, host });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends data, half-closes, and reads until the other side's EOF. */
async function roundTrip(port: number, data: Buffer, host = '127.0.0.1'): Promise<Buffer> {
  const s = await connect(port, host);
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => { s.on('data', (d: Buffer) => chunks.push(d)); s.on('end', resolve); s.on('error', reject); });
  s.end(data);
  await done;
  s.destroy();
  return Buffer.concat(chunks);
}

function udpExchange(port: number, messages: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const got: string[] = [];
    const timer = setTimeout(() => { sock.close(); reject(new Error(`udp: got ${JSON.stringify(got)} only`)); }, 5000);
    sock.on('message', (m, rinfo) => {
      expect(rinfo.port).toBe(port); // replies come from the listener the client sent to
      got.push(m.toString());
      if (got.length === messages.length) { clearTimeout(timer); sock.close(); resolve(got); }
    });
    sock.bind(0, '127.0.0.1', () => { for (const m of messages) sock.send(m, port, '127.0.0.1'); });
  });
}

function isRunning(pid: number): boolean {
  try { return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 250 && isRunning(pid); i++) await sleep(20);
  expect(isRunning(pid)).toBe(false);
}

describe('berth-portfwd', () => {
  it('relays TCP both ways with half-close, IPv4 and IPv6, and reports the ports it bound', async () => {
    const pid = await initPid(fakeInit());
    const report = startDetached(pid, ['tcp:127.0.0.1:0:8080', 'tcp:[::1]:0:8080']);
    expect(report.ports.map((p) => [p.proto, p.hostIp, p.containerPort])).toEqual([['tcp', '127.0.0.1', 8080], ['tcp', '::1', 8080]]);
    expect(report.ports.every((p) => p.hostPort > 0)).toBe(true);
    expect(readFileSync(`/proc/${report.pid}/stat`, 'utf8').split(' ')[5]).toBe(String(report.pid)); // its own session
    await serveInside(pid, 'tcp', 8080);
    const data = randomBytes(4 << 20);
    const back = await roundTrip(report.ports[0]!.hostPort, data);
    expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect((await roundTrip(report.ports[1]!.hostPort, Buffer.from('over v6'), '::1')).toString()).toBe('over v6');
    // Many at once.
    const many = await Promise.all(Array.from({ length: 40 }, (_, i) => roundTrip(report.ports[0]!.hostPort, Buffer.from(`conn ${i}`))));
    expect(many.map((b) => b.toString())).toEqual(Array.from({ length: 40 }, (_, i) => `conn ${i}`));
  });

  it('relays UDP per client and sends replies from the host listener', async () => {
    const pid = await initPid(fakeInit());
    const report = startDetached(pid, ['udp:127.0.0.1:0:5353']);
    await serveInside(pid, 'udp', 5353);
    const port = report.ports[0]!.hostPort;
    const [a, b] = await Promise.all([udpExchange(port, ['a1', 'a2']), udpExchange(port, ['b1'])]);
    expect(a.sort()).toEqual(['echo:a1', 'echo:a2']);
    expect(b).toEqual(['echo:b1']);
  });

  it('closes the client connection when nothing listens on the container port', async () => {
    const pid = await initPid(fakeInit());
    const diag = join(dir, 'refused.log');
    const report = startDetached(pid, ['tcp:127.0.0.1:0:9'], diag);
    const closed = async (): Promise<string> => {
      const s = await connect(report.ports[0]!.hostPort);
      const ended = await new Promise<string>((resolve) => { s.on('end', () => resolve('end')); s.on('error', (e) => resolve(e.message)); s.on('close', () => resolve('close')); s.resume(); });
      s.destroy();
      return ended;
    };
    expect(['end', 'close']).toContain(await closed());
    expect(readFileSync(diag, 'utf8')).toContain('connect 127.0.0.1:9 in the container: Connection refused');
    // Many more at once: each closed, the diag file says so about once a second, not each time.
    const many = await Promise.all(Array.from({ length: 60 }, () => closed()));
    expect(many.every((e) => e === 'end' || e === 'close')).toBe(true);
    expect(readFileSync(diag, 'utf8').split('\n').filter((l) => l.includes('Connection refused')).length).toBeLessThanOrEqual(4);
    expect(isRunning(report.pid)).toBe(true); // the forwarder itself goes on
  });

  it('fails before anything runs when a host port is taken, naming it as Go does', async () => {
    const pid = await initPid(fakeInit());
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const taken = (holder.address() as { port: number }).port;
    const free = await freePort();
    try {
      const r = runForwarder(['--netns', `/proc/${pid}/ns/net`, '--pid', String(pid), `tcp:127.0.0.1:${free}:80`, `tcp:127.0.0.1:${taken}:81`]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`berth-portfwd: listen tcp4 127.0.0.1:${taken}: bind: Address already in use\n`);
      // Nothing kept the first port.
      const again = createServer();
      await new Promise<void>((resolve, reject) => { again.once('error', reject); again.listen(free, '127.0.0.1', resolve); });
      await new Promise((res) => again.close(res));
      expect(execFileSync('ps', ['-eo', 'args']).toString()).not.toContain(`tcp:127.0.0.1:${taken}:81`);
    } finally {
      await new Promise((r) => holder.close(r));
    }
    // A range skips the taken port.
    const report = startDetached(pid, [`udp:127.0.0.1:${free}-${free}:53`]);
    expect(report.ports[0]!.hostPort).toBe(free);
  });

  it('ends cleanly on SIGTERM and when the init exits, freeing its ports', async () => {
    const init1 = fakeInit();
    const pid1 = await initPid(init1);
    const fg = await startForeground(pid1, ['tcp:127.0.0.1:0:80', 'udp:127.0.0.1:0:53']);
    await serveInside(pid1, 'tcp', 80);
    expect((await roundTrip(fg.report.ports[0]!.hostPort, Buffer.from('x'))).toString()).toBe('x');
    // A flow to close at exit (no server: no reply).
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.send('y', fg.report.ports[1]!.hostPort, '127.0.0.1', () => r()));
    udp.close();
    await sleep(100);
    fg.child.kill('SIGTERM');
    const ended = await fg.exit;
    expect(ended).toEqual({ code: 0, stderr: expect.stringContaining('signal 15: stopping') as unknown as string });
    const srv = createServer();
    await new Promise<void>((resolve, reject) => { srv.once('error', reject); srv.listen(fg.report.ports[0]!.hostPort, '127.0.0.1', resolve); });
    await new Promise((r) => srv.close(r));

    const init2 = fakeInit();
    const pid2 = await initPid(init2);
    const fg2 = await startForeground(pid2, ['tcp:127.0.0.1:0:80']);
    init2.kill('SIGKILL');
    const ended2 = await fg2.exit;
    expect(ended2.code).toBe(0);
    expect(ended2.stderr).toContain("the container's init exited: stopping");

    const init3 = fakeInit();
    const pid3 = await initPid(init3);
    const detached = startDetached(pid3, ['tcp:127.0.0.1:0:80']);
    init3.kill('SIGKILL');
    await waitGone(detached.pid);
  });

  it('refuses bad arguments with a clear message', async () => {
    const pid = await initPid(fakeInit());
    const ns = ['--netns', `/proc/${pid}/ns/net`, '--pid', String(pid)];
    const cases: [string[], string][] = [
      [[...ns, 'sctp:127.0.0.1:80:80'], "binding 'sctp:127.0.0.1:80:80': the protocol must be tcp or udp"],
      [[...ns, 'tcp:1.2.3:80:80'], "binding 'tcp:1.2.3:80:80': '1.2.3' is not an IP address"],
      [[...ns, 'tcp:127.0.0.1:70000:80'], "binding 'tcp:127.0.0.1:70000:80': bad host port"],
      [[...ns, 'tcp:127.0.0.1:80:0'], "binding 'tcp:127.0.0.1:80:0': the container port must be 1 to 65535"],
      [[...ns, 'tcp:[::1:80:80'], "binding 'tcp:[::1:80:80': unclosed '[' in the host IP"],
      [['--netns', join(dir, 'nope'), '--pid', String(pid), 'tcp:127.0.0.1:0:80'], `open network namespace '${join(dir, 'nope')}': No such file or directory`],
      [['--netns', `/proc/${pid}/ns/net`, '--pid', '999999999', 'tcp:127.0.0.1:0:80'], 'pidfd_open 999999999 (the container\'s init): No such process'],
    ];
    for (const [args, message] of cases) {
      const r = runForwarder(args);
      expect(r.stderr).toBe(`berth-portfwd: ${message}\n`);
      expect(r.code).toBe(1);
    }
    expect(runForwarder(['--pid', '1']).code).toBe(2);
  });
});
