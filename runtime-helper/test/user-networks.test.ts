// User-defined bridge networks on berthd, with real containers and the docker CLI: create with and
// without a subnet (its br-<id> bridge and MASQUERADE rule), containers finding each other by
// name, alias and short ID through /etc/hosts, a container of another network neither resolving
// nor reaching them, connect/disconnect of a running and a stopped container, removal refused
// while in use, prune, events, a berthd kill -9 and restart, bad input. Then the same commands
// on dockerd 20.10 with bridges, in a network namespace of its own, compared field by field.
// Traffic goes only between the test's own subnets (10.216-218.x.0/24 and a default pool).
// Afterwards no bridge, veth, rule or container of the test is left.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxImage } from '../../test-support/paths.js';
import { runDocker, startBerthd, type Berthd } from './support/berthd.js';
import { startBridgeDockerd, type BridgeDockerd } from './support/bridge-dockerd.js';
import { removeContainersAndStop, runtimeArgs } from './support/berthd-suite.js';

const bridge = `berth-u${process.pid}`.slice(0, 15);
const forwardFile = '/proc/sys/net/ipv4/ip_forward';

const ip = (args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
const natRules = (): string => execFileSync('iptables', ['-w', '-t', 'nat', '-S'], { encoding: 'utf8' });
const filterRules = (): string => execFileSync('iptables', ['-w', '-S'], { encoding: 'utf8' });
const linkNames = (): string[] => (JSON.parse(ip(['-j', 'link', 'show'])) as { ifname: string }[]).map((l) => l.ifname);

/** An x such that 10.216.x, 10.217.x and 10.218.x /24s have no host route. */
function unusedX(): number {
  const routes = ip(['-4', 'route', 'show', 'table', 'all']);
  for (let i = 0; i < 200; i++) {
    const x = (process.pid + i) % 200 + 20;
    if (![216, 217, 218].some((b) => routes.includes(`10.${b}.${x}.`))) return x;
  }
  throw new Error('no unused 10.216-218.x.0/24 subnets');
}

const macOf = (addr: string): string => ['02', '42', ...addr.split('.').map((n) => Number(n).toString(16).padStart(2, '0'))].join(':');

/** IDs (full and short) and times masked, so two engines' output compares. */
const mask = (s: string): string => s
  .replace(/[0-9a-f]{64}/g, '<id>').replace(/\b[0-9a-f]{12}\b/g, '<id>')
  .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>').trim();

/** The peer lines of a hosts file (after berthd's comment), without the container's own. */
const peers = (hosts: string): string[] => hosts.split('\n# containers on the same user-defined networks (berthd)\n')[1]?.trim().split('\n') ?? [];

/** The chains the host had before the test (they stay; the ones the test's berthds added go). */
interface ChainsBefore { nat: boolean; isolation1: boolean; isolation2: boolean }
const chainsNow = (): ChainsBefore => ({ nat: natRules().includes('-N BERTH-POSTROUTING'), isolation1: filterRules().includes('-N BERTH-ISOLATION-1'), isolation2: filterRules().includes('-N BERTH-ISOLATION-2') });

/** Removes the bridges `made` and every nat or isolation rule naming them, then the chains the
 * test's berthds added once they are empty. */
function cleanUpBridgesAndRules(made: string[], before: ChainsBefore): void {
  for (const b of made) spawnSync('ip', ['link', 'del', b], { stdio: 'ignore' });
  for (const line of natRules().split('\n')) {
    if (line.startsWith('-A BERTH-POSTROUTING ') && made.some((b) => line.includes(b))) spawnSync('iptables', ['-w', '-t', 'nat', ...line.replace(/^-A/, '-D').split(' ')]);
  }
  for (const line of filterRules().split('\n')) {
    if (/^-A BERTH-ISOLATION-[12] /.test(line) && made.some((b) => line.includes(b))) spawnSync('iptables', ['-w', ...line.replace(/^-A/, '-D').split(' ')]);
  }
  const rules = filterRules();
  if (!before.isolation1 && rules.includes('-N BERTH-ISOLATION-1') && !rules.includes('-A BERTH-ISOLATION-1 ')) {
    spawnSync('iptables', ['-w', '-D', 'FORWARD', '-j', 'BERTH-ISOLATION-1']);
    spawnSync('iptables', ['-w', '-X', 'BERTH-ISOLATION-1']);
  }
  if (!before.isolation2 && rules.includes('-N BERTH-ISOLATION-2') && !filterRules().includes('-A BERTH-ISOLATION-2 ')) spawnSync('iptables', ['-w', '-X', 'BERTH-ISOLATION-2']);
  const nat = natRules();
  if (!before.nat && nat.includes('-N BERTH-POSTROUTING') && !nat.includes('-A BERTH-POSTROUTING ')) {
    spawnSync('iptables', ['-w', '-t', 'nat', '-D', 'POSTROUTING', '-j', 'BERTH-POSTROUTING']);
    spawnSync('iptables', ['-w', '-t', 'nat', '-X', 'BERTH-POSTROUTING']);
  }
}

describe('user-defined networks on berthd', () => {
  const x = unusedX();
  const subnetA = `10.217.${x}.0/24`;
  const subnetC = `10.218.${x}.0/24`;
  let berth: Berthd;
  let forwardBefore = '';
  let chainsBefore: ChainsBefore;
  const made: string[] = []; // bridges of the networks made here, for the clean-up check
  const ok = (args: string[]): Promise<string> => berth.docker(args);
  const fails = async (args: string[]): Promise<string> => {
    const r = await berth.dockerResult(args);
    expect(r.code, `${args.join(' ')} should fail`).not.toBe(0);
    return r.stderr.trim();
  };
  interface NetInspect { Id: string; Name: string; IPAM: { Config: { Subnet: string; Gateway?: string }[] }; Containers: Record<string, { Name: string; IPv4Address: string; MacAddress: string; EndpointID: string }>; Labels: Record<string, string>; Internal: boolean }
  const netInspect = async (n: string): Promise<NetInspect> => (JSON.parse(await ok(['network', 'inspect', n])) as NetInspect[])[0]!;
  interface Endpoint { NetworkID: string; EndpointID: string; IPAddress: string; Gateway: string; MacAddress: string; IPPrefixLen: number; Aliases: string[] | null; IPAMConfig: { IPv4Address?: string } | null }
  const endpoints = async (c: string): Promise<Record<string, Endpoint>> => JSON.parse(await ok(['inspect', '-f', '{{json .NetworkSettings.Networks}}', c])) as Record<string, Endpoint>;
  const hostsOf = (c: string): Promise<string> => ok(['exec', c, 'cat', '/etc/hosts']);
  const ifaces = async (c: string): Promise<string[]> => (await ok(['exec', c, 'cat', '/proc/net/dev'])).split('\n').slice(2).filter(Boolean).map((l) => l.split(':')[0]!.trim()).sort();
  const web = (name: string, extra: string[]): Promise<string> =>
    ok(['run', '-d', '--name', name, ...extra, 'busybox', 'sh', '-c', `mkdir -p /www && echo from-${name} > /www/index.html && exec httpd -f -p 8080 -h /www`]);

  beforeAll(async () => {
    forwardBefore = readFileSync(forwardFile, 'utf8');
    chainsBefore = chainsNow();
    berth = await startBerthd([...runtimeArgs, '--bridge', bridge, '--bip', `10.216.${x}.1/24`]);
    await ok(['import', busyboxImage().tar, 'busybox']);
  }, 120_000);

  afterAll(async () => {
    if (berth) {
      await removeContainersAndStop(berth).catch(() => undefined);
    }
    cleanUpHost();
  }, 60_000);

  /** What the test's berthd made on the host: its bridges, their rules, the chains it added. */
  function cleanUpHost(): void {
    cleanUpBridgesAndRules([bridge, ...made], chainsBefore);
    writeFileSync(forwardFile, forwardBefore);
  }

  it('creates networks with and without a subnet: br-<12 hex of the ID> with the gateway, a MASQUERADE rule, events', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const idA = (await ok(['network', 'create', '--subnet', subnetA, '--label', 'team=a', 'neta'])).trim();
    expect(idA).toMatch(/^[0-9a-f]{64}$/);
    const idB = (await ok(['network', 'create', 'netb'])).trim();
    made.push(`br-${idA.slice(0, 12)}`, `br-${idB.slice(0, 12)}`);
    const a = await netInspect('neta');
    expect(a).toMatchObject({ Id: idA, Name: 'neta', Labels: { team: 'a' }, Internal: false, IPAM: { Config: [{ Subnet: subnetA }] }, Containers: {} });
    const b = await netInspect('netb');
    const subnetB = b.IPAM.Config[0]!.Subnet;
    // The next free default pool: not the default bridge's subnet, not a host route's.
    expect(subnetB).toMatch(/^(172\.(1[7-9]|2\d|3[01])\.0\.0\/16|192\.168\.\d+\.0\/20)$/);
    expect(b.IPAM.Config[0]!.Gateway).toBe(subnetB.replace(/0\/\d+$/, '1'));
    for (const [id, cidr] of [[idA, `10.217.${x}.1/24`], [idB, `${b.IPAM.Config[0]!.Gateway}/${subnetB.split('/')[1]}`]] as const) {
      const link = JSON.parse(ip(['-j', '-d', 'addr', 'show', 'dev', `br-${id.slice(0, 12)}`])) as { linkinfo: { info_kind: string }; addr_info: { family: string; local: string; prefixlen: number }[] }[];
      expect(link[0]!.linkinfo.info_kind).toBe('bridge');
      expect(link[0]!.addr_info.filter((i) => i.family === 'inet').map((i) => `${i.local}/${i.prefixlen}`)).toEqual([cidr]);
    }
    expect(natRules()).toContain(`-A BERTH-POSTROUTING -s ${subnetA} ! -o br-${idA.slice(0, 12)} -j MASQUERADE`);
    expect(natRules()).toContain(`-A BERTH-POSTROUTING -s ${subnetB} ! -o br-${idB.slice(0, 12)} -j MASQUERADE`);
    // An internal network gets no MASQUERADE rule.
    const idI = (await ok(['network', 'create', '--internal', '--subnet', `10.216.${(x + 1) % 256}.0/24`, 'neti'])).trim();
    made.push(`br-${idI.slice(0, 12)}`);
    expect(natRules()).not.toContain(`br-${idI.slice(0, 12)}`);
    expect((await netInspect('neti')).Internal).toBe(true);
    expect((await ok(['network', 'ls', '--filter', 'type=custom', '--format', '{{.Name}} {{.Driver}}'])).trim().split('\n').sort()).toEqual(['neta bridge', 'netb bridge', 'neti bridge']);
    expect((await ok(['network', 'ls', '--filter', 'label=team=a', '-q'])).trim()).toBe(idA.slice(0, 12));
    await ok(['network', 'rm', 'neti']);
    expect(linkNames()).not.toContain(`br-${idI.slice(0, 12)}`);
    // dockerd's bridge options: the bridge's name, the MTU (bridge and containers), no masquerading.
    const named = `bun${process.pid}`.slice(0, 15);
    made.push(named);
    await ok(['network', 'create', '--subnet', `10.216.${(x + 4) % 256}.0/24`, '-o', `com.docker.network.bridge.name=${named}`, '-o', 'com.docker.network.driver.mtu=1400', '-o', 'com.docker.network.bridge.enable_ip_masquerade=false', 'neto']);
    expect(JSON.parse(ip(['-j', 'link', 'show', 'dev', named]))[0].mtu).toBe(1400);
    expect(natRules()).not.toContain(named);
    expect((await ok(['run', '--rm', '--network', 'neto', 'busybox', 'cat', '/sys/class/net/eth0/mtu'])).trim()).toBe('1400');
    expect(JSON.parse(await ok(['network', 'inspect', '-f', '{{json .Options}}', 'neto']))).toEqual({ 'com.docker.network.bridge.enable_ip_masquerade': 'false', 'com.docker.network.bridge.name': named, 'com.docker.network.driver.mtu': '1400' });
    await ok(['network', 'rm', 'neto']);
    expect(linkNames()).not.toContain(named);
    const events = (await ok(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'type=network', '--format', '{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.type}}'])).trim().split('\n');
    expect(events.filter((e) => !e.includes('neto'))).toEqual(['create neta bridge', 'create netb bridge', 'create neti bridge', 'destroy neti bridge']);
  }, 60_000);

  it('lets containers on one network reach each other by name, alias and short ID; another network neither resolves nor reaches them', async () => {
    const id1 = (await web('web1', ['--network', 'neta', '--network-alias', 'www'])).trim();
    await ok(['run', '-d', '--name', 'client1', '--network', 'neta', '--ip', `10.217.${x}.50`, 'busybox', 'sleep', '600']);
    const e1 = (await endpoints('web1')).neta!;
    const neta = await netInspect('neta');
    expect(e1).toMatchObject({ NetworkID: neta.Id, Gateway: `10.217.${x}.1`, IPPrefixLen: 24, Aliases: ['www', id1.slice(0, 12)], IPAMConfig: null });
    expect(e1.IPAddress).toBe(`10.217.${x}.2`);
    expect(e1.MacAddress).toBe(macOf(e1.IPAddress));
    expect(e1.EndpointID).toMatch(/^[0-9a-f]{64}$/);
    const c1 = (await endpoints('client1')).neta!;
    expect(c1).toMatchObject({ IPAddress: `10.217.${x}.50`, IPAMConfig: { IPv4Address: `10.217.${x}.50` } });
    expect(neta.Containers[id1]).toEqual({ Name: 'web1', EndpointID: e1.EndpointID, MacAddress: e1.MacAddress, IPv4Address: `${e1.IPAddress}/24`, IPv6Address: '' });
    // Each one's hosts file: its own address, then the other's names.
    const hosts = await hostsOf('client1');
    expect(hosts).toContain(`10.217.${x}.50\t`);
    expect(peers(hosts)).toEqual([`${e1.IPAddress}\tweb1 www ${id1.slice(0, 12)}`]);
    expect(await ok(['exec', 'client1', 'ping', '-c1', '-W2', 'web1'])).toContain('1 packets received');
    expect(await ok(['exec', 'client1', 'wget', '-qO-', 'http://www:8080/'])).toBe('from-web1\n');
    expect(await ok(['exec', 'client1', 'wget', '-qO-', `http://${id1.slice(0, 12)}:8080/`])).toBe('from-web1\n');
    // A legacy --link on a user network: its alias, for the linking container only.
    expect(await ok(['run', '--rm', '--network', 'neta', '--link', 'web1:legacy', 'busybox', 'wget', '-qO-', 'http://legacy:8080/'])).toBe('from-web1\n');
    expect(peers(await hostsOf('client1')).join('\n')).not.toContain('legacy');
    expect(peers(await hostsOf('web1'))).toEqual([`10.217.${x}.50\tclient1 ${(await ok(['inspect', '-f', '{{.Id}}', 'client1'])).trim().slice(0, 12)}`]);
    // The default route goes via the network's gateway; the interface is eth0 (no default bridge here).
    expect(await ok(['exec', 'client1', 'ip', 'route'])).toContain(`default via 10.217.${x}.1 dev eth0`);
    // On another network: no name, and no path (berthd's isolation rules drop it).
    await ok(['network', 'create', '--subnet', subnetC, 'netc']);
    made.push(`br-${(await netInspect('netc')).Id.slice(0, 12)}`);
    await ok(['run', '-d', '--name', 'outsider', '--network', 'netc', 'busybox', 'sleep', '600']);
    expect(peers(await hostsOf('outsider'))).toEqual([]);
    expect(await fails(['exec', 'outsider', 'ping', '-c1', '-W1', 'web1'])).toContain('bad address');
    const byAddress = await berth.dockerResult(['exec', 'outsider', 'ping', '-c1', '-W1', e1.IPAddress]);
    expect(byAddress.stdout).toContain('0 packets received');
    // A container of the default network does not see them either.
    const fromDefault = await berth.dockerResult(['run', '--rm', 'busybox', 'ping', '-c1', '-W1', 'web1']);
    expect(fromDefault.stderr).toContain('bad address');
  }, 90_000);

  it('connects and disconnects a running container (its interface and every hosts file follow) and a stopped one', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    expect(await ifaces('outsider')).toEqual(['eth0', 'lo']);
    await ok(['network', 'connect', '--alias', 'outer', 'neta', 'outsider']);
    expect(await ifaces('outsider')).toEqual(['eth0', 'eth1', 'lo']);
    const o = (await endpoints('outsider')).neta!;
    expect(o.IPAddress).toMatch(new RegExp(`^10\\.217\\.${x}\\.\\d+$`));
    expect(await ok(['exec', 'outsider', 'ip', '-o', '-4', 'addr', 'show', 'eth1'])).toContain(`inet ${o.IPAddress}/24`);
    // Its own hosts file names the new peers; theirs name it, with its alias.
    expect(peers(await hostsOf('outsider')).map((l) => l.split('\t')[1]!.split(' ')[0])).toEqual(['client1', 'web1']);
    expect(peers(await hostsOf('client1')).some((l) => l.startsWith(`${o.IPAddress}\toutsider outer `))).toBe(true);
    expect(await ok(['exec', 'outsider', 'wget', '-qO-', 'http://web1:8080/'])).toBe('from-web1\n');
    expect(Object.keys((await netInspect('neta')).Containers)).toHaveLength(3);
    // ps lists every network of a container and filters on any of them.
    const psLines = (await ok(['ps', '--filter', 'network=neta', '--format', '{{.Names}} {{.Networks}}'])).trim().split('\n');
    // (the CLI joins the names in its map's order)
    expect(psLines.map((l) => { const [n, nets] = l.split(' '); return `${n} ${nets!.split(',').sort().join(',')}`; }).sort()).toEqual(['client1 neta', 'outsider neta,netc', 'web1 neta']);
    // Connected twice: dockerd's words.
    expect(await fails(['network', 'connect', 'neta', 'outsider'])).toBe('Error response from daemon: endpoint with name outsider already exists in network neta');

    await ok(['network', 'disconnect', 'neta', 'outsider']);
    expect(await ifaces('outsider')).toEqual(['eth0', 'lo']);
    expect(peers(await hostsOf('outsider'))).toEqual([]);
    expect(peers(await hostsOf('client1')).join('\n')).not.toContain('outsider');
    expect(await endpoints('outsider')).not.toHaveProperty('neta');
    expect(await fails(['network', 'disconnect', 'neta', 'outsider'])).toMatch(/^Error response from daemon: container [0-9a-f]{64} is not connected to network neta$/);

    // A stopped container: connected now, plugged in at its start, named in the others' files.
    await ok(['create', '--name', 'later', '--network', 'netc', 'busybox', 'sleep', '600']);
    await ok(['network', 'connect', 'neta', 'later']);
    await ok(['start', 'later']);
    expect(await ifaces('later')).toEqual(['eth0', 'eth1', 'lo']);
    // netc is eth0 (its first network), but the default route goes via neta, first by name.
    expect(await ok(['exec', 'later', 'sh', '-c', 'ip route | grep ^default'])).toBe(`default via 10.217.${x}.1 dev eth1 \n`);
    expect(peers(await hostsOf('web1')).some((l) => /\tlater /.test(l))).toBe(true);
    expect(await ok(['exec', 'later', 'wget', '-qO-', 'http://www:8080/'])).toBe('from-web1\n');
    // Stopped: out of every hosts file; started again: back.
    await ok(['stop', '-t', '1', 'later']);
    expect(peers(await hostsOf('web1')).some((l) => /\tlater /.test(l))).toBe(false);
    expect(Object.keys((await netInspect('neta')).Containers)).toHaveLength(2);
    await ok(['start', 'later']);
    expect(peers(await hostsOf('web1')).some((l) => /\tlater /.test(l))).toBe(true);
    const events = (await ok(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'type=network', '--filter', 'network=neta', '--format', '{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.container}}'])).trim().split('\n');
    const outsiderId = (await ok(['inspect', '-f', '{{.Id}}', 'outsider'])).trim();
    // (--since has a second's grain: the previous test's starts may be there too)
    expect(events.filter((e) => e.endsWith(outsiderId))).toEqual([`connect neta ${outsiderId}`, `disconnect neta ${outsiderId}`]);
  }, 90_000);

  it('refuses to remove a network in use (dockerd\'s words) and prunes only unused ones', async () => {
    const neta = await netInspect('neta');
    // The CLI adds its "exit status 1" line, for dockerd too.
    expect(await fails(['network', 'rm', 'neta'])).toBe(`Error response from daemon: error while removing network: network neta id ${neta.Id} has active endpoints\nexit status 1`);
    await ok(['network', 'create', '--subnet', `10.216.${(x + 2) % 256}.0/24`, '--label', 'keep=no', 'spare1']);
    await ok(['network', 'create', '--subnet', `10.216.${(x + 3) % 256}.0/24`, 'spare2']);
    made.push(`br-${(await netInspect('spare1')).Id.slice(0, 12)}`, `br-${(await netInspect('spare2')).Id.slice(0, 12)}`);
    expect((await ok(['network', 'prune', '-f', '--filter', 'label=keep=no'])).trim()).toBe('Deleted Networks:\nspare1');
    // netb has no container, neither has spare2; neta and netc are in use.
    expect((await ok(['network', 'prune', '-f'])).trim().split('\n').sort()).toEqual(['Deleted Networks:', 'netb', 'spare2']);
    expect((await ok(['network', 'ls', '--filter', 'type=custom', '--format', '{{.Name}}'])).trim().split('\n').sort()).toEqual(['neta', 'netc']);
    for (const b of made.slice(1)) if (!linkNames().includes(b)) expect(natRules()).not.toContain(b);
  }, 60_000);

  it('refuses bad input with dockerd\'s words', async () => {
    expect(await fails(['network', 'create', 'neta'])).toBe('Error response from daemon: network with name neta already exists');
    expect(await fails(['network', 'create', '--subnet', `10.217.${x}.128/25`, 'overlap'])).toBe('Error response from daemon: Pool overlaps with other one on this address space');
    // The CLI checks the gateway itself; the API answers as dockerd's IPAM.
    expect(await fails(['network', 'create', '--subnet', '10.219.0.0/24', '--gateway', '10.219.1.1', 'gw'])).toBe('no matching subnet for gateway 10.219.1.1');
    const api = await berth.request('POST', '/v1.41/networks/create', JSON.stringify({ Name: 'gw', IPAM: { Config: [{ Subnet: '10.219.0.0/24', Gateway: '10.219.1.1' }] } }), { 'Content-Type': 'application/json' });
    expect({ status: api.status, body: JSON.parse(api.body) }).toEqual({ status: 500, body: { message: 'failed to allocate gateway (10.219.1.1): Requested address is out of range' } });
    expect(await fails(['run', '--rm', '--network', 'neta', '--ip', '10.9.9.9', 'busybox', 'true'])).toContain('Error response from daemon: Invalid address 10.9.9.9: It does not belong to any of this network\'s subnets');
    expect(await fails(['run', '--rm', '--network', 'neta', '--ip', `10.217.${x}.50`, 'busybox', 'true'])).toContain('Error response from daemon: Address already in use');
    expect(await fails(['run', '--rm', '--ip', '10.9.9.9', 'busybox', 'true'])).toContain('user specified IP address is supported on user defined networks only');
    expect(await fails(['run', '--rm', '--network', 'nosuchnet', 'busybox', 'true'])).toContain('Error response from daemon: network nosuchnet not found');
    expect(await fails(['network', 'connect', 'nosuchnet', 'web1'])).toBe('Error response from daemon: network nosuchnet not found');
    expect(await fails(['network', 'create', '-d', 'overlay', 'ov'])).toBe('Error response from daemon: plugin "overlay" not found');
    expect((await ok(['network', 'ls', '--format', '{{.Name}}'])).split('\n')).not.toContain('overlap');
    expect((await ok(['ps', '-a', '--format', '{{.Names}}'])).trim().split('\n').sort()).toEqual(['client1', 'later', 'outsider', 'web1']);
  }, 60_000);

  it('keeps networks, addresses and hosts entries over a berthd kill -9 and restart', async () => {
    const before = { neta: await netInspect('neta'), web1: (await endpoints('web1')).neta!, hosts: await hostsOf('client1') };
    berth.child.kill('SIGKILL');
    for (let i = 0; i < 100 && berth.child.exitCode === null && berth.child.signalCode === null; i++) await sleep(50);
    const old = berth;
    const restarted = await startBerthd([...runtimeArgs, '--data-root', old.dataRoot, '--bridge', bridge, '--bip', `10.216.${x}.1/24`]);
    berth = { ...restarted, dataRoot: old.dataRoot, stop: async () => { const c = await restarted.stop(); await old.stop(); return c; } };
    const after = await netInspect('neta');
    expect(after).toEqual(before.neta);
    expect((await endpoints('web1')).neta).toEqual(before.web1);
    expect(await hostsOf('client1')).toBe(before.hosts);
    expect(await ok(['exec', 'client1', 'wget', '-qO-', 'http://www:8080/'])).toBe('from-web1\n');
    // A new member gets a free address, and everyone's files name it.
    await ok(['run', '-d', '--name', 'newcomer', '--network', 'neta', 'busybox', 'sleep', '600']);
    const n = (await endpoints('newcomer')).neta!.IPAddress;
    expect(Object.values(after.Containers).map((c) => c.IPv4Address)).not.toContain(`${n}/24`);
    expect(peers(await hostsOf('client1')).some((l) => l.startsWith(`${n}\tnewcomer `))).toBe(true);
    expect(await ok(['exec', 'newcomer', 'ping', '-c1', '-W2', 'client1'])).toContain('1 packets received');
    // The rules were made once only.
    expect(natRules().split('\n').filter((l) => l === `-A BERTH-POSTROUTING -s ${subnetA} ! -o br-${after.Id.slice(0, 12)} -j MASQUERADE`)).toHaveLength(1);
  }, 90_000);

  it('serves a compose-style project through the API: a labelled network, services found by their aliases', async () => {
    const json = { 'Content-Type': 'application/json' };
    const net = await berth.request('POST', '/v1.41/networks/create', JSON.stringify({ Name: 'proj_default', CheckDuplicate: true, Driver: 'bridge', Labels: { 'com.docker.compose.project': 'proj', 'com.docker.compose.network': 'default' } }), json);
    expect(net.status, net.body).toBe(201);
    const netId = (JSON.parse(net.body) as { Id: string; Warning: string }).Id;
    made.push(`br-${netId.slice(0, 12)}`);
    const listed = await berth.request('GET', `/v1.41/networks?filters=${encodeURIComponent(JSON.stringify({ label: ['com.docker.compose.project=proj'] }))}`);
    expect((JSON.parse(listed.body) as { Name: string }[]).map((n) => n.Name)).toEqual(['proj_default']);
    for (const svc of ['api', 'db']) {
      const body = {
        Image: 'busybox', Cmd: svc === 'api' ? ['sh', '-c', 'mkdir -p /w && echo from-api > /w/index.html && exec httpd -f -p 80 -h /w'] : ['sleep', '600'],
        HostConfig: { NetworkMode: 'proj_default' },
        NetworkingConfig: { EndpointsConfig: { proj_default: { Aliases: [svc, `proj-${svc}-1`] } } },
      };
      const c = await berth.request('POST', `/v1.41/containers/create?name=proj-${svc}-1`, JSON.stringify(body), json);
      expect(c.status, c.body).toBe(201);
      const started = await berth.request('POST', `/v1.41/containers/proj-${svc}-1/start`);
      expect(started.status, started.body).toBe(204);
    }
    expect(await ok(['exec', 'proj-db-1', 'wget', '-qO-', 'http://api/'])).toBe('from-api\n');
    expect(peers(await hostsOf('proj-api-1'))[0]).toMatch(/^\S+\tproj-db-1 db [0-9a-f]{12}$/);
    // A service joined to a second network: its default route stays on the first by name.
    await ok(['network', 'connect', 'proj_default', 'web1']);
    expect(await ok(['exec', 'web1', 'ip', 'route'])).toContain(`default via 10.217.${x}.1 dev eth0`);
    expect(await ok(['exec', 'proj-db-1', 'wget', '-qO-', 'http://www:8080/']).catch((e: Error) => e.message)).toContain('bad address'); // aliases are per network
    expect(await ok(['exec', 'proj-db-1', 'wget', '-qO-', 'http://web1:8080/'])).toBe('from-web1\n');
    await ok(['rm', '-f', 'proj-api-1', 'proj-db-1']);
    await ok(['network', 'disconnect', 'proj_default', 'web1']);
    const removed = await berth.request('DELETE', '/v1.41/networks/proj_default');
    expect(removed.status, removed.body).toBe(204);
    expect(linkNames()).not.toContain(`br-${netId.slice(0, 12)}`);
  }, 90_000);

  it('leaves no container, bridge, veth or rule of the test behind', async () => {
    await ok(['rm', '-f', 'web1', 'client1', 'outsider', 'later', 'newcomer']);
    await ok(['network', 'rm', 'neta', 'netc']);
    for (const b of made) expect(linkNames()).not.toContain(b);
    for (const b of made) expect(natRules() + filterRules()).not.toContain(b);
    const links = ip(['-o', 'link', 'show']);
    for (const b of made) expect(links).not.toContain(`master ${b}`);
    await removeContainersAndStop(berth);
    cleanUpHost();
    expect(linkNames()).not.toContain(bridge);
    expect(natRules()).not.toContain(subnetA);
  }, 60_000);
});


describe('user-defined networks against dockerd 20.10 with bridges (in its own network namespace)', () => {
  const x = unusedX();
  let dockerd: BridgeDockerd | undefined;
  let berth: Berthd;
  const chainsBefore = chainsNow();
  const forwardBefore = readFileSync(forwardFile, 'utf8');
  const made: string[] = [];

  beforeAll(async () => {
    dockerd = await startBridgeDockerd('usernet');
    berth = await startBerthd(runtimeArgs);
    for (const host of [dockerd.host, berth.host]) {
      const r = await runDocker(host, ['import', busyboxImage().tar, 'busybox']);
      if (r.code !== 0) throw new Error(r.stderr);
    }
  }, 180_000);

  afterAll(async () => {
    await dockerd?.stop();
    if (berth) {
      await removeContainersAndStop(berth).catch(() => undefined);
      for (const n of ['cmp1', 'cmp2']) await runDocker(berth.host, ['network', 'rm', n]).catch(() => undefined);
    }
    cleanUpBridgesAndRules(made, chainsBefore);
    writeFileSync(forwardFile, forwardBefore);
  }, 120_000);

  async function both(args: string[]): Promise<{ berth: { code: number; stdout: string; stderr: string }; docker: { code: number; stdout: string; stderr: string } }> {
    return { docker: await runDocker(dockerd!.host, args), berth: await runDocker(berth.host, args) };
  }

  it('network create/inspect, a container\'s endpoint and the errors match field by field', async () => {
    const subnet = `10.217.${x}.0/24`;
    for (const args of [
      ['network', 'create', '--subnet', subnet, '--gateway', `10.217.${x}.254`, '--ip-range', `10.217.${x}.128/25`, '--label', 'a=b', 'cmp1'],
      ['network', 'create', '--internal', 'cmp2'],
    ]) {
      const r = await both(args);
      expect(r.berth.code, r.berth.stderr).toBe(0);
      expect(r.docker.code, r.docker.stderr).toBe(0);
      made.push(`br-${r.berth.stdout.trim().slice(0, 12)}`);
    }
    const one = await both(['network', 'inspect', 'cmp1']);
    expect(mask(one.berth.stdout)).toBe(mask(one.docker.stdout));
    // cmp2's subnet comes from each engine's pool (dockerd's docker0 holds 172.17 there).
    const two = await both(['network', 'inspect', 'cmp2']);
    const pool = (s: string): string => mask(s).replace(/"(Subnet|Gateway)": "[\d./]+"/g, '"$1": "<pool>"');
    expect(pool(two.berth.stdout)).toBe(pool(two.docker.stdout));
    for (const args of [
      ['run', '-d', '--name', 'cmpc', '--network', 'cmp1', '--network-alias', 'al', 'busybox', 'sleep', '300'],
      ['run', '-d', '--name', 'cmpd', '--network', 'cmp1', '--ip', `10.217.${x}.7`, 'busybox', 'sleep', '300'],
      ['create', '--name', 'cmpe', '--network', 'cmp1', 'busybox', 'sleep', '300'],
      ['create', '--name', 'cmpf', '--network', 'cmp1', '--link', 'cmpd:dbalias', 'busybox', 'sleep', '300'],
    ]) {
      const r = await both(args);
      expect(r.berth.code, r.berth.stderr).toBe(0);
      expect(r.docker.code, r.docker.stderr).toBe(0);
    }
    for (const args of [
      ['inspect', '-f', '{{json .NetworkSettings.Networks}} {{json .HostConfig.Links}}', 'cmpc', 'cmpd', 'cmpe', 'cmpf'],
      ['run', '--rm', '--network', 'cmp1', '--link', 'cmpd:dbalias', 'busybox', 'ping', '-c1', '-W2', 'dbalias'],
      ['run', '--rm', '--network', 'cmp1', '--link', 'nosuch:x', 'busybox', 'true'],
      ['inspect', '-f', '{{.NetworkSettings.IPAddress}}|{{.NetworkSettings.Gateway}}|{{.HostConfig.NetworkMode}}', 'cmpc'],
      // One line per container: the template ranges over a map keyed by random IDs (sorted below).
      ['network', 'inspect', '-f', '{{range .Containers}}{{.Name}} {{.IPv4Address}} {{.MacAddress}}{{println}}{{end}}', 'cmp1'],
      ['exec', 'cmpc', 'ip', '-o', '-4', 'addr', 'show', 'eth0'],
      ['exec', 'cmpc', 'ip', 'route'],
      ['exec', 'cmpc', 'ping', '-c1', '-W2', 'cmpd'],
      // connect: a stopped container (no addresses yet) and a running one (cmp2's pool differs: its
      // addresses are not compared).
      ['network', 'connect', '--alias', 'later', 'cmp2', 'cmpe'],
      ['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'cmpe'],
      ['network', 'connect', '--alias', 'side', 'cmp2', 'cmpc'],
      ['inspect', '-f', '{{with index .NetworkSettings.Networks "cmp2"}}{{json .Aliases}} {{json .IPAMConfig}} {{json .DriverOpts}} {{.IPPrefixLen}} {{len .EndpointID}}{{end}}', 'cmpc'],
      ['exec', 'cmpc', 'sh', '-c', 'cat /proc/net/dev | cut -d: -f1 | tail -n +3 | sort | tr -s " \n" " "'],
      ['exec', 'cmpc', 'sh', '-c', 'ip route | grep ^default'],
      ['network', 'create', 'cmp1'],
      ['network', 'create', '--subnet', `10.217.${x}.0/25`, 'cmp3'],
      ['network', 'create', '--subnet', '10.219.0.0/24', '--gateway', '10.219.1.1', 'cmp3'],
      ['run', '--rm', '--network', 'cmp1', '--ip', '10.9.9.9', 'busybox', 'true'],
      ['run', '--rm', '--network', 'cmp2', '--ip', '10.9.9.9', 'busybox', 'true'],
      ['run', '--rm', '--network', 'cmp1', '--ip', `10.217.${x}.7`, 'busybox', 'true'],
      ['network', 'rm', 'cmp1'],
      ['network', 'connect', 'cmp1', 'cmpc'],
      ['network', 'disconnect', 'cmp2', 'cmpc'],
    ]) {
      const r = await both(args);
      // The round trip time and the interface's index differ; the rest is the same.
      const norm = (s: string): string => mask(args[1] === 'inspect' && args[0] === 'network' ? s.split('\n').sort().join('\n') : s).replace(/time=[\d.]+ ms/g, 'time=<t>').replace(/[\d.]+\/[\d.]+\/[\d.]+ ms/g, '<rtt>').replace(/^\d+: /gm, '<index>: ');
      expect({ code: r.berth.code, out: norm(r.berth.stdout), err: norm(r.berth.stderr) }, args.join(' ')).toEqual({ code: r.docker.code, out: norm(r.docker.stdout), err: norm(r.docker.stderr) });
    }
    await both(['rm', '-f', 'cmpc', 'cmpd', 'cmpe', 'cmpf']);
    const rm = await both(['network', 'rm', 'cmp1', 'cmp2']);
    expect(rm.berth).toEqual(rm.docker);
    for (const b of made) expect(linkNames()).not.toContain(b);
  }, 180_000);
});
