// Published ports (docker run -p / -P) through berth-portfwd, driven by the real docker CLI:
// HTTP and UDP from the test to 127.0.0.1, what inspect, ps and `docker port` show, a taken
// port, stop/start/restart, a berthd kill -9 and restart, dockerd's network-mode rules and bad
// input. All traffic goes to 127.0.0.1. The last block runs the same commands against a real
// dockerd 20.10 with its default bridge, started in a network namespace of its own (so its
// bridge, iptables rules and docker-proxy never touch the host; test-support/dockerd.ts has no
// bridge and ignores -p), and compares what both show.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createSocket } from 'node:dgram';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxImage, repoRoot } from '../../test-support/paths.js';
import { runDocker, startBerthd, type Berthd } from './support/berthd.js';
import { startBridgeDockerd, type BridgeDockerd } from './support/bridge-dockerd.js';
import { removeContainersAndStop, runtimeArgs } from './support/berthd-suite.js';
import { freePort } from '../../test-support/registry.js';

let berth: Berthd;
let dir = '';
let echoServer = '';
const ipv6 = readFileSync('/proc/net/if_inet6', 'utf8').trim() !== '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-ports-test-'));
  echoServer = join(dir, 'echo-server');
  execFileSync('cc', ['-static', '-O2', '-o', echoServer, resolve(repoRoot, 'runtime-helper/native/tests/fixtures/echo-server.c')]);
  berth = await startBerthd(runtimeArgs);
  await ok(['import', busyboxImage().tar, 'busybox']);
  await ok(['import', '-c', 'EXPOSE 80', '-c', 'EXPOSE 53/udp', busyboxImage().tar, 'busybox-exposed']);
}, 120_000);

afterAll(async () => {
  if (berth) await removeContainersAndStop(berth);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function ok(args: string[]): Promise<string> {
  return berth.docker(args);
}

interface Inspect {
  Id: string;
  RestartCount: number;
  State: { Status: string; Running: boolean; ExitCode: number; Error: string; Pid: number };
  HostConfig: { PortBindings: unknown; PublishAllPorts?: boolean };
  Config: { ExposedPorts?: Record<string, object> };
  NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> };
}

async function inspect(name: string): Promise<Inspect> {
  return (JSON.parse(await ok(['inspect', name])) as Inspect[])[0]!;
}

async function canBind(port: number): Promise<boolean> {
  const srv = createServer();
  try {
    await new Promise<void>((res, rej) => { srv.once('error', rej); srv.listen(port, '127.0.0.1', res); });
    await new Promise((r) => srv.close(r));
    return true;
  } catch { return false; }
}

function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (r) => {
      let body = '';
      r.on('data', (d: Buffer) => { body += d.toString(); });
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    });
    req.on('error', rej);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

/** GET until the server in the container answers (it starts after the forwarder). */
async function getWhenUp(port: number, path = '/'): Promise<{ status: number; body: string }> {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    try { return await get(port, path); } catch (e) { last = e; await sleep(50); }
  }
  throw new Error(`127.0.0.1:${port} never answered: ${String(last)}`);
}

/** A container serving /www/index.html with busybox httpd on port 80. */
function httpdArgs(text: string): string[] {
  return ['busybox', 'sh', '-c', `mkdir -p /www && echo '${text}' > /www/index.html && exec httpd -f -p 80 -h /www`];
}

function udpExchange(port: number, message: string): Promise<string> {
  return new Promise((res, rej) => {
    const sock = createSocket('udp4');
    let tries = 0;
    const timer = setInterval(() => { if (++tries > 50) { clearInterval(timer); sock.close(); rej(new Error('no UDP reply')); } else sock.send(message, port, '127.0.0.1'); }, 100);
    sock.on('message', (m) => { clearInterval(timer); sock.close(); res(m.toString()); });
    sock.bind(0, '127.0.0.1', () => sock.send(message, port, '127.0.0.1'));
  });
}

/** The berth-portfwd processes serving this container (their --diag is in its directory). */
function forwardersOf(id: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const args = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      if (args[0]?.endsWith('berth-portfwd') && args.some((a) => a.includes(id)) && !/^\d+ \(.*\) [ZX]/s.test(stat)) out.push(Number(p));
    } catch { /* gone */ }
  }
  return out;
}

async function createRaw(body: object): Promise<{ status: number; body: string }> {
  return berth.request('POST', '/v1.41/containers/create', JSON.stringify(body), { 'Content-Type': 'application/json' });
}

describe('published ports', () => {
  it('-p 127.0.0.1:PORT:80 serves HTTP from the container; inspect, ps and docker port show it as dockerd does', async () => {
    const port = await freePort();
    const id = (await ok(['run', '-d', '--name', 'web', '-p', `127.0.0.1:${port}:80`, ...httpdArgs('hello through the forwarder')])).trim();
    expect(await getWhenUp(port, '/index.html')).toEqual({ status: 200, body: 'hello through the forwarder\n' });
    const c = await inspect('web');
    expect(c.NetworkSettings.Ports).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
    expect(c.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
    expect(c.Config.ExposedPorts).toEqual({ '80/tcp': {} });
    expect((await ok(['ps', '--filter', 'name=web', '--format', '{{.Ports}}'])).trim()).toBe(`127.0.0.1:${port}->80/tcp`);
    const list = JSON.parse((await berth.request('GET', '/v1.41/containers/json?filters=%7B%22name%22%3A%5B%22web%22%5D%7D')).body) as { Ports: unknown }[];
    expect(list[0]!.Ports).toEqual([{ IP: '127.0.0.1', PrivatePort: 80, PublicPort: port, Type: 'tcp' }]);
    expect(await ok(['port', 'web'])).toBe(`80/tcp -> 127.0.0.1:${port}\n`);
    expect(await ok(['port', 'web', '80/tcp'])).toBe(`127.0.0.1:${port}\n`);
    expect(await ok(['port', 'web', '80'])).toBe(`127.0.0.1:${port}\n`);
    const missing = await berth.dockerResult(['port', 'web', '81']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("No public port '81' published for web");
    // The server sees the forwarder, a local client inside the container.
    expect(forwardersOf(id)).toHaveLength(1);
    await ok(['rm', '-f', 'web']);
    expect(forwardersOf(id)).toEqual([]);
    expect(await canBind(port)).toBe(true);
  });

  it('-p 127.0.0.1::80 takes a free host port, shown by docker port', async () => {
    await ok(['run', '-d', '--name', 'ephemeral', '-p', '127.0.0.1::80', ...httpdArgs('ephemeral')]);
    const line = (await ok(['port', 'ephemeral', '80/tcp'])).trim();
    expect(line).toMatch(/^127\.0\.0\.1:\d+$/);
    const port = Number(line.split(':')[1]);
    expect(port).toBeGreaterThan(0);
    expect((await getWhenUp(port)).body).toBe('ephemeral\n');
    await ok(['rm', '-f', 'ephemeral']);
  });

  it('-P publishes the image\'s EXPOSEd ports on every address, unpublished exposed ports show as null', async () => {
    const id = (await ok(['run', '-d', '--name', 'all', '-P', ...httpdArgs('published all').map((a) => (a === 'busybox' ? 'busybox-exposed' : a))])).trim();
    const c = await inspect('all');
    expect(c.HostConfig.PublishAllPorts).toBe(true);
    expect(c.Config.ExposedPorts).toEqual({ '53/udp': {}, '80/tcp': {} });
    const addrs = ipv6 ? ['0.0.0.0', '::'] : ['0.0.0.0'];
    expect(Object.keys(c.NetworkSettings.Ports)).toEqual(['53/udp', '80/tcp']);
    expect(c.NetworkSettings.Ports['80/tcp']!.map((b) => b.HostIp)).toEqual(addrs);
    expect(c.NetworkSettings.Ports['53/udp']!.map((b) => b.HostIp)).toEqual(addrs);
    const port = Number(c.NetworkSettings.Ports['80/tcp']![0]!.HostPort);
    expect((await getWhenUp(port)).body).toBe('published all\n');
    const portLines = (await ok(['port', 'all'])).trim().split('\n');
    expect(portLines).toHaveLength(2 * addrs.length);
    expect(portLines[0]).toMatch(/^53\/udp -> 0\.0\.0\.0:\d+$/);
    if (ipv6) expect(portLines[1]).toMatch(/^53\/udp -> \[::\]:\d+$/);
    expect(forwardersOf(id)).toHaveLength(1); // one forwarder per container, whatever the count
    // An exposed port without -P: listed, not bound (dockerd: "80/tcp": null, ps "80/tcp").
    await ok(['run', '-d', '--name', 'exposed-only', 'busybox-exposed', 'sleep', '300']);
    expect((await inspect('exposed-only')).NetworkSettings.Ports).toEqual({ '53/udp': null, '80/tcp': null });
    expect((await ok(['ps', '--filter', 'name=exposed-only', '--format', '{{.Ports}}'])).trim()).toBe('53/udp, 80/tcp');
    await ok(['rm', '-f', 'all', 'exposed-only']);
  });

  it('forwards UDP: replies come back to the client from the published port', async () => {
    const port = await freePort();
    await ok(['run', '-d', '--name', 'udp', '-v', `${echoServer}:/echo-server:ro`, '-p', `127.0.0.1:${port}:5353/udp`, 'busybox', 'sh', '-c', 'exec /echo-server udp 5353']);
    expect(await udpExchange(port, 'ping')).toBe('echo:ping');
    expect(await udpExchange(port, 'second client')).toBe('echo:second client');
    expect(await ok(['port', 'udp'])).toBe(`5353/udp -> 127.0.0.1:${port}\n`);
    await ok(['rm', '-f', 'udp']);
  });

  it('a host port held by another process fails the start with dockerd\'s words and leaves nothing running', async () => {
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as { port: number }).port;
    try {
      const r = await berth.dockerResult(['run', '-d', '--name', 'taken', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '300']);
      expect(r.code).toBe(125);
      const c = await inspect('taken');
      expect(r.stderr).toContain(`Error response from daemon: driver failed programming external connectivity on endpoint taken (${c.Id}): Error starting userland proxy: listen tcp4 127.0.0.1:${port}: bind: address already in use`);
      expect(c.State).toMatchObject({ Status: 'created', Running: false, Pid: 0, ExitCode: 128 });
      expect(c.State.Error).toContain(`listen tcp4 127.0.0.1:${port}: bind: address already in use`);
      expect(c.NetworkSettings.Ports).toEqual({});
      expect(forwardersOf(c.Id)).toEqual([]);
      // The process never ran: no process of the container's cgroup.
      expect((await berth.dockerResult(['top', 'taken'])).code).not.toBe(0);
    } finally {
      await new Promise((res) => holder.close(res));
    }
    // Free again: the same container starts.
    await ok(['start', 'taken']);
    expect((await inspect('taken')).State.Running).toBe(true);
    // Held by another container: dockerd's allocator words.
    const other = await berth.dockerResult(['run', '-d', '--name', 'taken2', '-p', `127.0.0.1:${port}:81`, 'busybox', 'sleep', '300']);
    expect(other.code).toBe(125);
    const id2 = (await inspect('taken2')).Id;
    expect(other.stderr).toContain(`driver failed programming external connectivity on endpoint taken2 (${id2}): Bind for 127.0.0.1:${port} failed: port is already allocated`);
    await ok(['rm', '-f', 'taken', 'taken2']);
  });

  it('stop frees the port and ends the forwarder; start and restart publish again', async () => {
    const port = await freePort();
    const id = (await ok(['run', '-d', '--name', 'cycle', '-p', `127.0.0.1:${port}:80`, ...httpdArgs('cycle')])).trim();
    expect((await getWhenUp(port)).body).toBe('cycle\n');
    const first = forwardersOf(id);
    expect(first).toHaveLength(1);
    await ok(['stop', '-t', '1', 'cycle']);
    expect(forwardersOf(id)).toEqual([]);
    expect(await canBind(port)).toBe(true);
    expect((await inspect('cycle')).NetworkSettings.Ports).toEqual({});
    expect(await ok(['port', 'cycle'])).toBe('');
    await ok(['start', 'cycle']);
    expect((await getWhenUp(port)).body).toBe('cycle\n');
    await ok(['restart', '-t', '1', 'cycle']);
    expect((await getWhenUp(port)).body).toBe('cycle\n');
    const after = forwardersOf(id);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(first[0]);
    await ok(['kill', 'cycle']);
    expect(forwardersOf(id)).toEqual([]);
    expect(await canBind(port)).toBe(true);
    await ok(['rm', 'cycle']);
  });

  it('a restart policy brings the ports back with the container', async () => {
    const port = await freePort();
    const id = (await ok(['run', '-d', '--name', 'always', '--restart', 'always', '-p', `127.0.0.1:${port}:80`, ...httpdArgs('back again')])).trim();
    expect((await getWhenUp(port)).body).toBe('back again\n');
    const first = forwardersOf(id);
    process.kill((await inspect('always')).State.Pid, 'SIGKILL'); // the init dies; the policy restarts it
    for (let i = 0; i < 100 && (await inspect('always')).RestartCount < 1; i++) await sleep(50);
    expect((await getWhenUp(port)).body).toBe('back again\n');
    expect(forwardersOf(id)).toHaveLength(1);
    expect(forwardersOf(id)).not.toEqual(first);
    await ok(['rm', '-f', 'always']);
    expect(forwardersOf(id)).toEqual([]);
  });

  it('after berthd is killed (-9) and restarted, forwarding goes on and stop still frees the port; a forwarder killed meanwhile is replaced, or logged when its port was taken', async () => {
    const port = await freePort();
    const port2 = await freePort();
    const id = (await ok(['run', '-d', '--name', 'survivor', '-p', `127.0.0.1:${port}:80`, ...httpdArgs('still here')])).trim();
    const id2 = (await ok(['run', '-d', '--name', 'orphaned', '-p', `127.0.0.1:${port2}:80`, ...httpdArgs('forwarder replaced')])).trim();
    const port3 = await freePort();
    const id3 = (await ok(['run', '-d', '--name', 'squatted', '-p', `127.0.0.1:${port3}:80`, ...httpdArgs('port taken')])).trim();
    expect((await getWhenUp(port)).body).toBe('still here\n');
    const before = forwardersOf(id);
    const killedOne = forwardersOf(id2)[0]!;
    const squattedOne = forwardersOf(id3)[0]!;
    berth.child.kill('SIGKILL');
    for (let i = 0; i < 100 && berth.child.exitCode === null && berth.child.signalCode === null; i++) await sleep(50);
    // berthd is down: the ports still answer.
    expect((await get(port)).body).toBe('still here\n');
    process.kill(killedOne, 'SIGKILL');
    // Another process takes the third container's port while its forwarder is gone.
    process.kill(squattedOne, 'SIGKILL');
    for (let i = 0; i < 100 && !(await canBind(port3)); i++) await sleep(50);
    const squatter: Server = createServer();
    await new Promise<void>((res, rej) => { squatter.once('error', rej); squatter.listen(port3, '127.0.0.1', () => res()); });
    const old = berth;
    const restarted = await startBerthd([...runtimeArgs, '--data-root', old.dataRoot]);
    berth = { ...restarted, dataRoot: old.dataRoot, stop: async () => { const c = await restarted.stop(); await old.stop(); return c; } };
    expect(forwardersOf(id)).toEqual(before);
    expect((await get(port)).body).toBe('still here\n');
    expect(forwardersOf(id2)).toHaveLength(1);
    expect(forwardersOf(id2)[0]).not.toBe(killedOne);
    expect((await getWhenUp(port2)).body).toBe('forwarder replaced\n');
    expect(await ok(['port', 'survivor'])).toBe(`80/tcp -> 127.0.0.1:${port}\n`);
    // The squatted one runs on without ports, and berthd's log says why.
    expect(forwardersOf(id3)).toEqual([]);
    expect((await inspect('squatted')).State.Running).toBe(true);
    expect(await ok(['port', 'squatted'])).toBe('');
    expect(berth.log()).toMatch(/container squatted: its published ports could not be bound again/);
    expect(berth.log()).toContain(String(port3));
    await new Promise<void>((res) => squatter.close(() => res()));
    await ok(['rm', '-f', 'squatted']);
    await ok(['stop', '-t', '1', 'survivor', 'orphaned']);
    expect(forwardersOf(id)).toEqual([]);
    expect(forwardersOf(id2)).toEqual([]);
    expect(await canBind(port)).toBe(true);
    expect(await canBind(port2)).toBe(true);
    await ok(['rm', 'survivor', 'orphaned']);
  });

  it('a forwarder left by a berthd that died before saving it is ended by the next start', async () => {
    const port = await freePort();
    const id = (await ok(['create', '--name', 'stray', '-p', `127.0.0.1:${port}:80`, ...httpdArgs('after the stray')])).trim();
    // What such a berthd leaves: a forwarder with this container's diag path holding its port,
    // serving a created container's init (a stand-in here, in a namespace of its own).
    const init = spawn('unshare', ['--net', '--', 'sleep', '600'], { stdio: 'ignore' });
    try {
      await sleep(200);
      const binary = resolve(repoRoot, 'runtime-helper/native/build/berth-portfwd');
      const diag = join(berth.dataRoot, 'containers', id, 'portfwd.log');
      const report = JSON.parse(execFileSync(binary, ['--netns', `/proc/${init.pid}/ns/net`, '--pid', String(init.pid), '--diag', diag, `tcp:127.0.0.1:${port}:80`], { encoding: 'utf8' })) as { pid: number };
      expect(forwardersOf(id)).toEqual([report.pid]);
      expect(await canBind(port)).toBe(false);
      await ok(['start', 'stray']);
      expect((await getWhenUp(port)).body).toBe('after the stray\n');
      const now = forwardersOf(id);
      expect(now).toHaveLength(1);
      expect(now[0]).not.toBe(report.pid);
    } finally {
      init.kill('SIGKILL');
      await ok(['rm', '-f', 'stray']);
    }
    expect(forwardersOf(id)).toEqual([]);
  });

  it('network modes as dockerd: host discards published ports with a warning, none publishes nothing, container: refuses', async () => {
    const port = await freePort();
    const host = await berth.dockerResult(['run', '-d', '--name', 'hostnet', '--network', 'host', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '300']);
    expect(host.code).toBe(0);
    expect(host.stderr).toContain('WARNING: Published ports are discarded when using host network mode');
    const h = await inspect('hostnet');
    expect(h.NetworkSettings.Ports).toEqual({});
    expect(h.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
    expect(forwardersOf(h.Id)).toEqual([]);
    expect(await canBind(port)).toBe(true);
    const none = await berth.dockerResult(['run', '-d', '--name', 'nonet', '--network', 'none', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '300']);
    expect(none.code).toBe(0);
    expect((await inspect('nonet')).NetworkSettings.Ports).toEqual({});
    expect(await canBind(port)).toBe(true);
    const joined = await berth.dockerResult(['run', '-d', '--network', 'container:nonet', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '300']);
    expect(joined.code).toBe(125);
    expect(joined.stderr).toContain('Error response from daemon: conflicting options: port publishing and the container type network mode');
    const exposing = await berth.dockerResult(['run', '-d', '--network', 'container:nonet', '--expose', '90', 'busybox', 'sleep', '300']);
    expect(exposing.code).toBe(125);
    expect(exposing.stderr).toContain('Error response from daemon: conflicting options: port exposing and the container type network mode');
    await ok(['rm', '-f', 'hostnet', 'nonet']);
  });

  it('bad port bindings are refused at create with a 400 naming the problem', async () => {
    const before = (await ok(['ps', '-aq'])).trim();
    const cases: [object, string][] = [
      [{ '0/tcp': [{ HostPort: '8080' }] }, 'invalid container port "0/tcp": a published port needs a container port from 1 to 65535'],
      [{ '70000/tcp': [{ HostPort: '8080' }] }, 'invalid port specification: "70000"'],
      [{ '80/tcp': [{ HostPort: '70000' }] }, 'invalid port specification: "70000"'],
      [{ '80/tcp': [{ HostPort: 'http' }] }, 'invalid port specification: "http"'],
      [{ '80/sctp': [{ HostPort: '8080' }] }, 'cannot publish "80/sctp": Berth forwards tcp and udp ports only, not sctp'],
      [{ '80/xyz': [{ HostPort: '8080' }] }, 'invalid protocol "xyz" in port "80/xyz": tcp or udp'],
      [{ '80/tcp': [{ HostIp: '1.2.3', HostPort: '8080' }] }, 'invalid host IP address "1.2.3" for port 80/tcp: not an IP address'],
      [{ '80/tcp': [{ HostPort: 8080 }] }, 'HostConfig.PortBindings["80/tcp"][0]["HostPort"]: '],
      [{ '80/tcp': [{ HostPort: '9000-8000' }] }, 'invalid host port range "9000-8000"'],
    ];
    for (const [bindings, message] of cases) {
      const r = await createRaw({ Image: 'busybox', Cmd: ['true'], HostConfig: { PortBindings: bindings } });
      expect(r.status, JSON.stringify(bindings)).toBe(400);
      expect((JSON.parse(r.body) as { message: string }).message).toContain(message);
    }
    const pa = await createRaw({ Image: 'busybox', Cmd: ['true'], HostConfig: { PublishAllPorts: 'yes' } });
    expect(pa.status).toBe(400);
    expect(pa.body).toContain('HostConfig.PublishAllPorts: expected a boolean');
    // The CLI refuses what it can parse itself, before any request.
    const cli = await berth.dockerResult(['run', '-d', '-p', '127.0.0.1:70000:80', 'busybox', 'true']);
    expect(cli.stderr).toContain('invalid hostPort: 70000');
    expect((await ok(['ps', '-aq'])).trim()).toBe(before);
    expect((await berth.request('GET', '/_ping')).status).toBe(200);
  });
});


describe('published ports against a real dockerd 20.10 with a bridge (in its own network namespace)', () => {
  let dockerd: BridgeDockerd | undefined;
  beforeAll(async () => {
    dockerd = await startBridgeDockerd('ports');
    for (const args of [['import', busyboxImage().tar, 'busybox'], ['import', '-c', 'EXPOSE 80', '-c', 'EXPOSE 53/udp', busyboxImage().tar, 'busybox-exposed']]) {
      const r = await runDocker(dockerd.host, args);
      if (r.code !== 0) throw new Error(r.stderr);
    }
  }, 120_000);
  afterAll(async () => { await dockerd?.stop(); }, 60_000);

  /** The same command on both engines; container ids, the test's free ports and ephemeral ports normalized. */
  async function both(args: string[], ports: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }[]> {
    const norm = (t: string): string => {
      let x = t;
      for (const [from, to] of Object.entries(ports)) x = x.split(from).join(to);
      return x.replace(/\b[0-9a-f]{64}\b/g, '<ID>').replace(/:(3\d{4}|[4-6]\d{4})\b/g, ':<EPHEMERAL>').replace(/"(3\d{4}|[4-6]\d{4})"/g, '"<EPHEMERAL>"');
    };
    const out = [];
    for (const host of [dockerd!.host, berth.host]) {
      const r = await runDocker(host, args);
      out.push({ code: r.code, stdout: norm(r.stdout), stderr: norm(r.stderr) });
    }
    return out;
  }

  it('inspect, ps and docker port of -p in every form, exposed-only ports, -P, and a stopped container', async () => {
    const p1 = String(await freePort());
    const p2 = String(await freePort());
    const ports = { [p1]: '<P1>', [p2]: '<P2>' };
    const [d, b] = await both(['run', '-d', '--name', 'cmp', '-p', `${p1}:81`, '-p', '127.0.0.1::82', '-p', `${p2}:83/udp`, '--expose', '90', 'busybox', 'sleep', '300'], ports);
    expect(b!.code).toBe(d!.code);
    for (const args of [
      ['ps', '--filter', 'name=cmp', '--format', '{{.Ports}}'],
      ['port', 'cmp'], ['port', 'cmp', '81'], ['port', 'cmp', '83/udp'], ['port', 'cmp', '99'],
      ['inspect', '--format', '{{json .NetworkSettings.Ports}} {{json .HostConfig.PortBindings}} {{json .Config.ExposedPorts}} {{json .HostConfig.PublishAllPorts}}', 'cmp'],
    ]) {
      const [dd, bb] = await both(args, ports);
      expect(bb, args.join(' ')).toEqual(dd);
    }
    // ps --filter publish= / expose=, by the list's ports (ranges, protocols, bad values).
    for (const f of [`publish=${p1}`, `publish=${p2}/udp`, `publish=${p2}`, 'expose=81', 'expose=80-85', 'expose=90', 'expose=83/udp', 'publish=81', 'expose=1:2', 'publish=x']) {
      const [dd, bb] = await both(['ps', '--filter', 'name=cmp', '--filter', f, '--format', '{{.Names}}'], ports);
      expect(bb, f).toEqual(dd);
    }
    const [dl, bl] = await both(['run', '-d', '--name', 'cmp-all', '-P', 'busybox-exposed', 'sleep', '300']);
    expect(bl!.code).toBe(dl!.code);
    const [dp, bp] = await both(['inspect', '--format', '{{json .NetworkSettings.Ports}} {{json .HostConfig.PortBindings}} {{json .Config.ExposedPorts}}', 'cmp-all']);
    expect(bp).toEqual(dp);
    await both(['stop', '-t', '0', 'cmp']);
    for (const args of [['port', 'cmp'], ['inspect', '--format', '{{json .NetworkSettings.Ports}}', 'cmp'], ['ps', '-a', '--filter', 'name=cmp$', '--format', '{{.Ports}}']]) {
      const [dd, bb] = await both(args, ports);
      expect(bb, args.join(' ')).toEqual(dd);
    }
    await both(['rm', '-f', 'cmp', 'cmp-all']);
  });

  it('a port another container holds, and the network modes: the same answers', async () => {
    const p = String(await freePort());
    const ports = { [p]: '<P>' };
    await both(['run', '-d', '--name', 'holder', '-p', `127.0.0.1:${p}:80`, 'busybox', 'sleep', '300'], ports);
    const [d, b] = await both(['run', '-d', '--name', 'second', '-p', `127.0.0.1:${p}:81`, 'busybox', 'sleep', '300'], ports);
    expect(d!.stderr).toContain('port is already allocated');
    expect(b).toEqual(d);
    const [ds, bs] = await both(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}} {{json .NetworkSettings.Ports}}', 'second'], ports);
    expect(bs).toEqual(ds);
    for (const args of [
      ['run', '-d', '--name', 'm-host', '--network', 'host', '-p', `${p}:80`, 'busybox', 'sleep', '300'],
      ['run', '-d', '--name', 'm-none', '--network', 'none', '-p', `${p}:80`, 'busybox', 'sleep', '300'],
      ['run', '-d', '--network', 'container:holder', '-p', `${p}:80`, 'busybox', 'sleep', '300'],
      ['run', '-d', '--network', 'container:holder', '--expose', '90', 'busybox', 'sleep', '300'],
    ]) {
      const [dd, bb] = await both(args, ports);
      expect(bb, args.join(' ')).toEqual(dd);
    }
    for (const name of ['m-host', 'm-none']) {
      const [dd, bb] = await both(['inspect', '--format', '{{json .NetworkSettings.Ports}} {{json .HostConfig.PortBindings}}', name], ports);
      expect(bb).toEqual(dd);
    }
    const [dv, bv] = await both(['create', '-p', '127.0.0.1:80:99999', 'busybox', 'true']);
    expect(bv).toEqual(dv);
    await both(['rm', '-f', 'holder', 'second', 'm-host', 'm-none']);
  });

  it('a host port a process holds: dockerd\'s userland-proxy error', async () => {
    const p = String(await freePort());
    // The holder for dockerd lives in its namespace; berthd's on the host.
    const inside = spawn('nsenter', [`--net=/proc/${dockerd!.pid()}/ns/net`, echoServer, 'tcp', p], { stdio: 'ignore' });
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(Number(p), '127.0.0.1', r));
    try {
      await sleep(200);
      const [d, b] = await both(['run', '-d', '--name', 'held', '-p', `127.0.0.1:${p}:80`, 'busybox', 'sleep', '300'], { [p]: '<P>' });
      expect(d!.stderr).toContain('Error starting userland proxy: listen tcp4 127.0.0.1:<P>: bind: address already in use');
      expect(b).toEqual(d);
      const [ds, bs] = await both(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}', 'held']);
      expect(bs).toEqual(ds);
    } finally {
      inside.kill('SIGKILL');
      await new Promise((r) => holder.close(r));
      await both(['rm', '-f', 'held']);
    }
  });
});
