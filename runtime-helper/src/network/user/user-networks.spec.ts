// The pure parts of user-defined networks: the default pools, a create request turned into a
// network (dockerd's checks and words), and the /etc/hosts lines of a container's peers.
import { describe, expect, it } from 'vitest';
import { parseCidr } from '../bridge/cidr.js';
import { nextFreeSubnet, subnetText } from './subnet-pool.js';
import { createBodySchema, networkFromRequest, type Taken } from './create-request.js';
import { peerLines, peersComment } from './hosts-entries.js';
import { filterNetworks, parseNetworkFilters, type FilterableNetwork } from '../networks/network-filters.js';
import type { ContainerRecord } from '../../containers/record.js';
import type { UserNetwork } from './user-network.js';

const none: Taken = { existing: [], hostRoutes: [] };
const make = (body: unknown, taken: Taken = none): UserNetwork => networkFromRequest(createBodySchema.parse(body), taken);

describe('the default address pools', () => {
  it('give the first /16 of 172.17-31 that overlaps nothing taken, then /20s of 192.168', () => {
    expect(subnetText(nextFreeSubnet([]))).toBe('172.17.0.0/16');
    expect(subnetText(nextFreeSubnet([parseCidr('172.17.3.0/24'), parseCidr('172.18.0.0/16')]))).toBe('172.19.0.0/16');
    expect(subnetText(nextFreeSubnet([parseCidr('172.16.0.0/12')]))).toBe('192.168.0.0/20');
    expect(subnetText(nextFreeSubnet([parseCidr('172.16.0.0/12'), parseCidr('192.168.1.0/24')]))).toBe('192.168.16.0/20');
    expect(() => nextFreeSubnet([parseCidr('0.0.0.0/0')])).toThrow(/could not find an available, non-overlapping IPv4 address pool/);
  });
});

describe('a create request', () => {
  it('without IPAM gets the next free pool, its first address as gateway, and br-<12 hex of the ID>', () => {
    const n = make({ Name: 'web', Labels: { a: 'b' } }, { existing: [], hostRoutes: [parseCidr('172.17.0.0/16')], defaultBridge: parseCidr('172.18.0.0/16') });
    expect(n).toMatchObject({ Name: 'web', Subnet: '172.19.0.0/16', Gateway: '172.19.0.1', Range: '172.19.0.0/16', IpamConfig: [], Labels: { a: 'b' }, Internal: false });
    expect(n.Id).toMatch(/^[0-9a-f]{64}$/);
    expect(n.Bridge).toBe(`br-${n.Id.slice(0, 12)}`);
    const second = make({ Name: 'db' }, { existing: [n], hostRoutes: [parseCidr('172.17.0.0/16')], defaultBridge: parseCidr('172.18.0.0/16') });
    expect(second.Subnet).toBe('172.20.0.0/16');
  });

  it('keeps the given subnet, gateway and range; inspect shows the config as given', () => {
    const n = make({ Name: 'x', Internal: true, IPAM: { Config: [{ Subnet: '10.9.0.0/24', Gateway: '10.9.0.254', IPRange: '10.9.0.128/25' }] } });
    expect(n).toMatchObject({ Subnet: '10.9.0.0/24', Gateway: '10.9.0.254', Range: '10.9.0.128/25', Internal: true, IpamConfig: [{ Subnet: '10.9.0.0/24', Gateway: '10.9.0.254', IPRange: '10.9.0.128/25' }] });
    expect(make({ Name: 'y', IPAM: { Config: [{ Subnet: '10.9.1.0/24' }] } })).toMatchObject({ Gateway: '10.9.1.1', IpamConfig: [{ Subnet: '10.9.1.0/24' }] });
  });

  it("refuses bad input with dockerd's words and statuses", () => {
    const one = make({ Name: 'one', IPAM: { Config: [{ Subnet: '10.9.0.0/24' }] } });
    const taken: Taken = { existing: [one], hostRoutes: [] };
    expect(() => make({ Name: 'one' }, taken)).toThrow(expect.objectContaining({ status: 409, message: 'network with name one already exists' }));
    expect(() => make({ Name: 'two', IPAM: { Config: [{ Subnet: '10.9.0.128/25' }] } }, taken)).toThrow(expect.objectContaining({ status: 403, message: 'Pool overlaps with other one on this address space' }));
    expect(() => make({ Name: 'two', IPAM: { Config: [{ Subnet: '10.8.0.0/24', Gateway: '10.7.0.1' }] } })).toThrow(expect.objectContaining({ status: 500, message: 'failed to allocate gateway (10.7.0.1): Requested address is out of range' }));
    expect(() => make({ Name: 'two', IPAM: { Config: [{ Subnet: '10.8.0.0/24', IPRange: '10.7.0.0/25' }] } })).toThrow(expect.objectContaining({ status: 400, message: 'no matching subnet for range 10.7.0.0/25' }));
    expect(() => make({ Name: 'two', IPAM: { Config: [{ Subnet: 'nope' }] } })).toThrow(expect.objectContaining({ status: 400, message: 'invalid CIDR address: nope' }));
    expect(() => make({ Name: 'two', Driver: 'overlay' })).toThrow(expect.objectContaining({ status: 404, message: 'plugin "overlay" not found' }));
    expect(() => make({ Name: 'bad name' })).toThrow(expect.objectContaining({ status: 400 }));
  });
});

function rec(name: string, id: string, networks: Record<string, { ip?: string; aliases?: string[] }>): ContainerRecord {
  const UserNetworks = Object.fromEntries(Object.entries(networks).map(([net, v]) => [net, {
    NetworkID: net, NetworkName: net, Aliases: v.aliases ?? null,
    Live: v.ip ? { EndpointID: 'e', IPAddress: v.ip, IPPrefixLen: 24, Gateway: '10.0.0.1', MacAddress: 'm', HostVeth: 'v', Ifname: 'eth0' } : undefined,
  }]));
  return { Id: id.padEnd(64, '0'), Name: `/${name}`, UserNetworks } as unknown as ContainerRecord;
}

describe('the peers in /etc/hosts', () => {
  it('list the live members of the same networks by name, aliases and short ID, each name once', () => {
    const web = rec('web', 'aaaa', { n1: { ip: '10.0.0.2', aliases: ['www', 'front'] } });
    const db = rec('db', 'bbbb', { n1: { ip: '10.0.0.3' }, n2: { ip: '10.1.0.3', aliases: ['data'] } });
    const other = rec('other', 'cccc', { n2: { ip: '10.1.0.4' } });
    const stopped = rec('gone', 'dddd', { n1: {} });
    const all = [web, db, other, stopped];
    expect(peerLines(web, all)).toEqual([peersComment, `10.0.0.3\tdb ${'bbbb'.padEnd(12, '0')}`]);
    // db is on both: n1's peers, then n2's.
    expect(peerLines(db, all)).toEqual([peersComment, `10.0.0.2\tweb www front ${'aaaa'.padEnd(12, '0')}`, `10.1.0.4\tother ${'cccc'.padEnd(12, '0')}`]);
    // A container on neither network, or not live, gets no lines.
    expect(peerLines(stopped, all)).toEqual([]);
    expect(peerLines(rec('alone', 'eeee', { n3: { ip: '10.3.0.2' } }), all)).toEqual([]);
  });

  it('add a --link alias to the linked peer, in the linking container\'s file only', () => {
    const db = rec('db', 'bbbb', { n1: { ip: '10.0.0.3' } });
    const app = rec('app', 'aaaa', { n1: { ip: '10.0.0.2' } });
    app.UserNetworks!.n1!.Links = ['db:database'];
    expect(peerLines(app, [app, db])).toEqual([peersComment, `10.0.0.3\tdb database ${'bbbb'.padEnd(12, '0')}`]);
    expect(peerLines(db, [app, db])).toEqual([peersComment, `10.0.0.2\tapp ${'aaaa'.padEnd(12, '0')}`]);
  });

  it('never list a peer under a name the container itself answers to', () => {
    const a = rec('a1', 'aaaa', { n1: { ip: '10.0.0.2', aliases: ['shared'] } });
    const b = rec('b1', 'bbbb', { n1: { ip: '10.0.0.3', aliases: ['shared', 'b-only'] } });
    expect(peerLines(a, [a, b])).toEqual([peersComment, `10.0.0.3\tb1 b-only ${'bbbb'.padEnd(12, '0')}`]);
  });
});

describe('the list filters over built-in and user-defined networks', () => {
  const nets: FilterableNetwork[] = [
    { name: 'bridge', id: `a${'1'.repeat(63)}`, driver: 'bridge' },
    { name: 'host', id: `b${'2'.repeat(63)}`, driver: 'host' },
    { name: 'web', id: `c${'3'.repeat(63)}`, driver: 'bridge', labels: { team: 'a', tier: 'front' }, inUse: true },
    { name: 'spare', id: `d${'4'.repeat(63)}`, driver: 'bridge', labels: {}, inUse: false },
  ];
  const f = (o: Record<string, string[]>): string[] => filterNetworks(nets, parseNetworkFilters(JSON.stringify(o))).map((n) => n.name);
  it('type, dangling and label as dockerd reads them', () => {
    expect(f({ type: ['custom'] })).toEqual(['web', 'spare']);
    expect(f({ type: ['builtin'] })).toEqual(['bridge', 'host']);
    expect(f({ dangling: ['true'] })).toEqual(['spare']);
    expect(f({ dangling: ['false'] })).toEqual(['bridge', 'host', 'web']);
    expect(f({ label: ['team=a'] })).toEqual(['web']);
    expect(f({ label: ['tier'], driver: ['bridge'] })).toEqual(['web']);
    expect(f({ label: ['team=b'] })).toEqual([]);
  });
});
