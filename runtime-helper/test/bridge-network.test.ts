// berthd's bridge (--bridge, --bip), with real containers and the docker CLI: a bridge of the
// test's own (berth-t<pid>) on an unused 10.213.x.0/24, containers reaching each other and the
// host by address, the host reaching them, inspect, network inspect and /etc/hosts, the none and
// host modes untouched, addresses given back at exit and kept over a berthd kill -9. Traffic goes
// only to that subnet and 127.0.0.1. Afterwards the bridge, the nat rules and ip_forward are as
// the test found them. And a berthd without --bridge makes no interface and no rule.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxImage } from '../../test-support/paths.js';
import { startBerthd, type Berthd } from './support/berthd.js';
import { removeContainersAndStop, runtimeArgs } from './support/berthd-suite.js';

const bridge = `berth-t${process.pid}`;
const forwardFile = '/proc/sys/net/ipv4/ip_forward';
const chain = 'BERTH-POSTROUTING';

const ip = (args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
const natRules = (): string => execFileSync('iptables', ['-w', '-t', 'nat', '-S'], { encoding: 'utf8' });
const linkNames = (): string[] => (JSON.parse(ip(['-j', 'link', 'show'])) as { ifname: string }[]).map((l) => l.ifname).sort();

/** A 10.213.x.0/24 no host route covers. */
function unusedSubnet(): number {
  const routes = ip(['-4', 'route', 'show', 'table', 'all']);
  for (let i = 0; i < 200; i++) {
    const x = (process.pid + i) % 200 + 20;
    if (!routes.includes(`10.213.${x}.`)) return x;
  }
  throw new Error('no unused 10.213.x.0/24 subnet');
}

const macOf = (addr: string): string => ['02', '42', ...addr.split('.').map((n) => Number(n).toString(16).padStart(2, '0'))].join(':');

function httpGet(host: string, port: number, path = '/'): Promise<string> {
  return new Promise((res, rej) => {
    const req = http.get({ host, port, path, agent: false, timeout: 5000 }, (r) => {
      let body = '';
      r.on('data', (d: Buffer) => { body += d.toString(); });
      r.on('end', () => res(body));
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${host}:${port}${path} timed out`)));
    req.on('error', rej);
  });
}

async function httpGetWhenUp(host: string, port: number): Promise<string> {
  for (let i = 0; ; i++) {
    try { return await httpGet(host, port); } catch (e) { if (i > 50) throw e; await sleep(100); }
  }
}

describe('berthd without --bridge', () => {
  it('makes no interface and no nat rule; a container has only lo', async () => {
    const linksBefore = linkNames();
    const natBefore = natRules();
    const b = await startBerthd(runtimeArgs);
    try {
      await b.docker(['import', busyboxImage().tar, 'busybox']);
      const links = await b.docker(['run', '--rm', 'busybox', 'cat', '/proc/net/dev']);
      expect(links.split('\n').slice(2).filter(Boolean).map((l) => l.split(':')[0]!.trim())).toEqual(['lo']);
      const hosts = await b.docker(['run', '--rm', '--hostname', 'plain', 'busybox', 'cat', '/etc/hosts']);
      expect(hosts).toContain('127.0.1.1\tplain\n');
      // Without a bridge there is no address for host-gateway: refused, as dockerd without docker0.
      const gw = await b.docker(['run', '--rm', '--add-host', 'h:host-gateway', 'busybox', 'true']).then(() => '', (e: Error) => e.message);
      expect(gw).toContain('unable to derive the IP value for host-gateway');
      expect(JSON.parse(await b.docker(['network', 'inspect', 'bridge']))[0].IPAM.Config).toEqual([]);
      expect(linkNames()).toEqual(linksBefore);
      expect(natRules()).toBe(natBefore);
    } finally {
      await removeContainersAndStop(b);
    }
  }, 120_000);
});

describe('berthd with a --bip that a host route covers', () => {
  it('warns with the route named, makes no bridge and runs as without one', async () => {
    const routes = JSON.parse(ip(['-4', '-j', 'route', 'show'])) as { dst: string; dev?: string }[];
    const taken = routes.find((r) => r.dst.includes('/') && r.dev !== 'lo');
    if (!taken) throw new Error('the host has no IPv4 route with a prefix to overlap');
    const [base] = taken.dst.split('/');
    const parts = base!.split('.').map(Number);
    const inside = `${parts[0]}.${parts[1]}.${parts[2]}.${parts[3]! + 1}/${taken.dst.split('/')[1]}`;
    const name = `berth-o${process.pid}`;
    const natBefore = natRules();
    const b = await startBerthd([...runtimeArgs, '--bridge', name, '--bip', inside]);
    try {
      await b.docker(['import', busyboxImage().tar, 'busybox']);
      expect(b.log()).toContain(`overlaps the host's route to ${taken.dst}`);
      expect(linkNames()).not.toContain(name);
      expect(natRules()).toBe(natBefore);
      const links = await b.docker(['run', '--rm', 'busybox', 'cat', '/proc/net/dev']);
      expect(links.split('\n').slice(2).filter(Boolean).map((l) => l.split(':')[0]!.trim())).toEqual(['lo']);
    } finally {
      await removeContainersAndStop(b);
      try { execFileSync('ip', ['link', 'del', name], { stdio: 'ignore' }); } catch { /* never made */ }
    }
  }, 120_000);
});

describe('berthd with --bridge', () => {
  const x = unusedSubnet();
  const subnet = `10.213.${x}.0/24`;
  const gateway = `10.213.${x}.1`;
  const masquerade = `-A ${chain} -s ${subnet} ! -o ${bridge} -j MASQUERADE`;
  let forwardBefore = '';
  let berth: Berthd;
  let hostServer: Server | undefined;

  const ok = (args: string[]): Promise<string> => berth.docker(args);
  interface Inspect {
    Id: string;
    Config: { Hostname: string };
    NetworkSettings: { IPAddress: string; IPPrefixLen: number; Gateway: string; MacAddress: string; Networks: Record<string, { IPAddress: string; Gateway: string; MacAddress: string; IPPrefixLen: number }> };
  }
  const inspect = async (name: string): Promise<Inspect> => (JSON.parse(await ok(['inspect', name])) as Inspect[])[0]!;
  const addressOf = async (name: string): Promise<string> => (await inspect(name)).NetworkSettings.IPAddress;
  const ipam = (): Record<string, string> => (JSON.parse(readFileSync(`${berth.dataRoot}/network/bridge/ipam.json`, 'utf8')) as { addresses: Record<string, string> }).addresses;
  /** An httpd in a container serving `text` on port 8080. */
  const web = (name: string, text: string, extra: string[] = []): Promise<string> =>
    ok(['run', '-d', '--name', name, ...extra, 'busybox', 'sh', '-c', `mkdir /www && echo ${text} > /www/index.html && exec httpd -f -p 8080 -h /www`]);

  function cleanUpHost(): void {
    try { execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' }); } catch { /* gone already */ }
    const rule = ['-s', subnet, '!', '-o', bridge, '-j', 'MASQUERADE'];
    try { execFileSync('iptables', ['-w', '-t', 'nat', '-D', chain, ...rule], { stdio: 'ignore' }); } catch { /* none */ }
    // The chain and its jump go only if no other berthd's rule is left in it.
    if (natRules().includes(`-N ${chain}`) && !natRules().includes(`-A ${chain} `)) {
      try { execFileSync('iptables', ['-w', '-t', 'nat', '-D', 'POSTROUTING', '-j', chain], { stdio: 'ignore' }); } catch { /* none */ }
      execFileSync('iptables', ['-w', '-t', 'nat', '-X', chain]);
    }
    if (forwardBefore) writeFileSync(forwardFile, forwardBefore);
  }

  beforeAll(async () => {
    forwardBefore = readFileSync(forwardFile, 'utf8');
    berth = await startBerthd([...runtimeArgs, '--bridge', bridge, '--bip', `${gateway}/24`]);
    await ok(['import', busyboxImage().tar, 'busybox']);
  }, 120_000);

  afterAll(async () => {
    hostServer?.close();
    if (berth) await removeContainersAndStop(berth);
    cleanUpHost();
  }, 60_000);

  it('sets up the bridge with the --bip address, ip_forward and one MASQUERADE rule in its own chain', () => {
    const addr = JSON.parse(ip(['-j', 'addr', 'show', 'dev', bridge])) as { addr_info: { family: string; local: string; prefixlen: number }[] }[];
    expect(addr[0]!.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)).toEqual([`${gateway}/24`]);
    expect(ip(['-d', 'link', 'show', bridge])).toMatch(/\bbridge\b/);
    expect(readFileSync(forwardFile, 'utf8').trim()).toBe('1');
    const rules = natRules().split('\n');
    expect(rules).toContain(`-N ${chain}`);
    expect(rules).toContain(`-A POSTROUTING -j ${chain}`);
    expect(rules.filter((r) => r === masquerade)).toHaveLength(1);
  });

  it('gives a container eth0 with its address, Docker\'s MAC and the default route; two containers and the host reach each other', async () => {
    await web('web1', 'from-web1');
    const a = await addressOf('web1');
    expect(a.startsWith(`10.213.${x}.`)).toBe(true);
    expect(a).not.toBe(gateway);
    const inside = await ok(['exec', 'web1', 'sh', '-c', 'ip -o -4 addr show eth0; cat /sys/class/net/eth0/address; ip route; cat /sys/class/net/eth0/mtu']);
    expect(inside).toContain(`inet ${a}/24`);
    expect(inside).toContain(macOf(a));
    expect(inside).toContain(`default via ${gateway} dev eth0`);
    expect(inside.trim().split('\n').at(-1)).toBe('1500');
    // Another container fetches from the first by address; the host does too.
    expect(await ok(['run', '--rm', 'busybox', 'wget', '-qO-', `http://${a}:8080/`])).toBe('from-web1\n');
    expect(await httpGetWhenUp(a, 8080)).toBe('from-web1\n');
    // And the reverse: a second server, reached from the first container with nc.
    await web('web2', 'from-web2');
    const b = await addressOf('web2');
    expect(b).not.toBe(a);
    await httpGetWhenUp(b, 8080);
    expect(await ok(['exec', 'web1', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc ${b} 8080`])).toContain('from-web2');
  }, 60_000);

  it('lets a container reach the host on the bridge\'s address', async () => {
    let seen = '';
    const srv = http.createServer((req, res) => { seen = req.socket.remoteAddress ?? ''; res.end('host-side\n'); });
    await new Promise<void>((r) => srv.listen(0, gateway, r));
    hostServer = srv as unknown as Server;
    const port = (srv.address() as { port: number }).port;
    const out = await ok(['run', '--rm', '--name', 'caller', 'busybox', 'wget', '-qO-', `http://${gateway}:${port}/`]);
    expect(out).toBe('host-side\n');
    expect(seen.startsWith(`10.213.${x}.`)).toBe(true);
    // --add-host NAME:host-gateway names that same address, as dockerd names docker0's.
    const byName = await ok(['run', '--rm', '--add-host', 'the-host:host-gateway', 'busybox', 'sh', '-c', `grep the-host /etc/hosts; wget -qO- http://the-host:${port}/`]);
    expect(byName).toBe(`${gateway}\tthe-host\nhost-side\n`);
    await new Promise((r) => srv.close(r));
    hostServer = undefined;
  }, 30_000);

  it('shows the address in inspect, network inspect and /etc/hosts', async () => {
    const i = await inspect('web1');
    const a = i.NetworkSettings.IPAddress;
    expect(i.NetworkSettings).toMatchObject({ IPAddress: a, IPPrefixLen: 24, Gateway: gateway, MacAddress: macOf(a) });
    expect(i.NetworkSettings.Networks.bridge).toMatchObject({ IPAddress: a, IPPrefixLen: 24, Gateway: gateway, MacAddress: macOf(a) });
    const net = (JSON.parse(await ok(['network', 'inspect', 'bridge'])) as { IPAM: { Config: unknown[] }; Options: Record<string, string>; Containers: Record<string, { Name: string; IPv4Address: string; MacAddress: string }> }[])[0]!;
    expect(net.IPAM.Config).toEqual([{ Subnet: subnet, Gateway: gateway }]);
    expect(net.Options['com.docker.network.bridge.name']).toBe(bridge);
    expect(net.Containers[i.Id]).toMatchObject({ Name: 'web1', IPv4Address: `${a}/24`, MacAddress: macOf(a) });
    const hosts = await ok(['exec', 'web1', 'cat', '/etc/hosts']);
    expect(hosts.split('\n')).toContain(`${a}\t${i.Config.Hostname}`);
    expect(hosts).not.toContain('127.0.1.1');
  });

  it('leaves --network none and host containers as they were', async () => {
    const none = await ok(['run', '--rm', '--network', 'none', 'busybox', 'cat', '/proc/net/dev']);
    expect(none.split('\n').slice(2).filter(Boolean).map((l) => l.split(':')[0]!.trim())).toEqual(['lo']);
    const host = await ok(['run', '--rm', '--network', 'host', 'busybox', 'cat', '/proc/net/dev']);
    expect(host).toContain(`${bridge}:`);
    await ok(['run', '-d', '--name', 'isolated', '--network', 'none', 'busybox', 'sleep', '60']);
    const i = await inspect('isolated');
    expect(i.NetworkSettings.IPAddress ?? '').toBe('');
    expect(i.NetworkSettings.Networks.none!.IPAddress).toBe('');
    expect(Object.keys(ipam())).not.toContain(i.Id);
    await ok(['rm', '-f', 'isolated']);
  }, 30_000);

  it('keeps published ports working through the forwarder', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    await web('published', 'via-forwarder', ['-p', `127.0.0.1:${port}:8080`]);
    expect(await httpGetWhenUp('127.0.0.1', port)).toBe('via-forwarder\n');
    await ok(['rm', '-f', 'published']);
  }, 30_000);

  it('gives an address back at exit, and the next container gets it again', async () => {
    const id = (await ok(['run', '-d', '--name', 'brief', 'busybox', 'sleep', '60'])).trim();
    const addr = await addressOf('brief');
    expect(ipam()[id]).toBe(addr);
    await ok(['rm', '-f', 'brief']);
    expect(Object.keys(ipam())).not.toContain(id);
    expect(Object.values(ipam())).not.toContain(addr);
    // A container that ends by itself gives it back too.
    const id2 = (await ok(['run', '-d', '--name', 'next', 'busybox', 'sh', '-c', 'ip -o -4 addr show eth0; sleep 1'])).trim();
    expect(ipam()[id2]).toBe(addr);
    expect(await ok(['wait', 'next'])).toBe('0\n');
    expect(await ok(['logs', 'next'])).toContain(`inet ${addr}/24`);
    expect(Object.keys(ipam())).not.toContain(id2);
    const again = await ok(['run', '--rm', 'busybox', 'sh', '-c', 'ip -o -4 addr show eth0']);
    expect(again).toContain(`inet ${addr}/24`);
    await ok(['rm', '-f', 'next']);
  }, 60_000);

  it('a container that joined another\'s network loses eth0 when that one exits, and the address is free again', async () => {
    await ok(['run', '-d', '--name', 'owner', 'busybox', 'sleep', '60']);
    const addr = await addressOf('owner');
    await ok(['run', '-d', '--name', 'joiner', '--network', 'container:owner', 'busybox', 'sleep', '60']);
    expect(await ok(['exec', 'joiner', 'ip', '-o', '-4', 'addr', 'show', 'eth0'])).toContain(`inet ${addr}/24`);
    await ok(['rm', '-f', 'owner']);
    let devs = '';
    for (let i = 0; i < 50; i++) {
      devs = await ok(['exec', 'joiner', 'cat', '/proc/net/dev']);
      if (!devs.includes('eth0:')) break;
      await sleep(100);
    }
    expect(devs).not.toContain('eth0:');
    expect(Object.values(ipam())).not.toContain(addr);
    expect(await ok(['run', '--rm', 'busybox', 'ip', '-o', '-4', 'addr', 'show', 'eth0'])).toContain(`inet ${addr}/24`);
    await ok(['rm', '-f', 'joiner']);
  }, 60_000);

  it('keeps a running container\'s address over a berthd kill -9 and restart; a new container gets another one', async () => {
    const a = await addressOf('web1');
    berth.child.kill('SIGKILL');
    for (let i = 0; i < 100 && berth.child.exitCode === null && berth.child.signalCode === null; i++) await sleep(50);
    const old = berth;
    const restarted = await startBerthd([...runtimeArgs, '--data-root', old.dataRoot, '--bridge', bridge, '--bip', `${gateway}/24`]);
    berth = { ...restarted, dataRoot: old.dataRoot, stop: async () => { const c = await restarted.stop(); await old.stop(); return c; } };
    expect(await addressOf('web1')).toBe(a);
    expect(await httpGet(a, 8080)).toBe('from-web1\n');
    const fresh = await ok(['run', '--rm', 'busybox', 'sh', '-c', 'ip -o -4 addr show eth0']);
    expect(fresh).toMatch(new RegExp(`inet 10\\.213\\.${x}\\.\\d+/24`));
    expect(fresh).not.toContain(`inet ${a}/`);
    expect(fresh).not.toContain(`inet ${await addressOf('web2')}/`);
    // Still one rule after the second start.
    expect(natRules().split('\n').filter((r) => r === masquerade)).toHaveLength(1);
    await ok(['rm', '-f', 'web1']);
    expect(Object.values(ipam())).not.toContain(a);
  }, 90_000);

  it('leaves no bridge, rule or veth behind once stopped and cleaned up, and ip_forward as it was', async () => {
    await removeContainersAndStop(berth);
    cleanUpHost();
    expect(linkNames()).not.toContain(bridge);
    expect(natRules()).not.toContain(subnet);
    expect(ip(['-o', 'link', 'show'])).not.toContain(`master ${bridge}`);
    expect(readFileSync(forwardFile, 'utf8')).toBe(forwardBefore);
  }, 60_000);
});
