// The bridge's flags into settings (with the bad-input refusals), CIDR arithmetic, Docker's MAC,
// and the address pool on a real temp data root.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bridgeSettingsOf } from './bridge-settings.js';
import { formatIpv4, macOf, overlaps, parseCidr, parseIpv4 } from './cidr.js';
import { AddressPool } from './ipam.js';

const net = (o: Record<string, unknown>) => ({ dns: [], dnsSearch: [], ...o });

describe('bridge settings', () => {
  it('are none without --bridge or with "none"', () => {
    expect(bridgeSettingsOf(net({}))).toBeUndefined();
    expect(bridgeSettingsOf(net({ bridge: 'none' }))).toBeUndefined();
  });
  it('default to 172.31.0.1/16, MTU 1500, forwarding and masquerade', () => {
    const s = bridgeSettingsOf(net({ bridge: 'berth0' }))!;
    expect(formatIpv4(s.gateway.address)).toBe('172.31.0.1');
    expect(formatIpv4(s.subnet.address)).toBe('172.31.0.0');
    expect(s.subnet.prefixLen).toBe(16);
    expect([s.mtu, s.ipForward, s.ipMasq, s.iptables]).toEqual([1500, true, true, true]);
    const t = bridgeSettingsOf(net({ bridge: 'b1', bip: '10.9.8.7/24', mtu: 1400, ipMasq: false, iptables: false, ipForward: false }))!;
    expect([formatIpv4(t.subnet.address), t.mtu, t.ipForward, t.ipMasq, t.iptables]).toEqual(['10.9.8.0', 1400, false, false, false]);
  });
  it('refuse bad names, addresses, subnets and MTUs with the flag named', () => {
    expect(() => bridgeSettingsOf(net({ bridge: 'a-name-too-long-x' }))).toThrow(/invalid --bridge "a-name-too-long-x"/);
    expect(() => bridgeSettingsOf(net({ bridge: 'a b' }))).toThrow(/invalid --bridge/);
    expect(() => bridgeSettingsOf(net({ bridge: 'b', bip: '10.0.0.300/24' }))).toThrow(/invalid --bip "10.0.0.300\/24"/);
    expect(() => bridgeSettingsOf(net({ bridge: 'b', bip: '10.0.0.1/33' }))).toThrow(/invalid --bip/);
    expect(() => bridgeSettingsOf(net({ bridge: 'b', bip: '10.0.0.1/31' }))).toThrow(/\/30 or larger/);
    expect(() => bridgeSettingsOf(net({ bridge: 'b', bip: '10.0.0.0/24' }))).toThrow(/host address of its subnet/);
    expect(() => bridgeSettingsOf(net({ bridge: 'b', bip: '10.0.0.255/24' }))).toThrow(/host address of its subnet/);
    expect(() => bridgeSettingsOf(net({ bridge: 'b', mtu: 20 }))).toThrow(/invalid --mtu 20/);
  });
});

describe('cidr', () => {
  it('overlap, format and Docker\'s MAC', () => {
    expect(overlaps(parseCidr('10.1.0.0/16'), parseCidr('10.1.200.0/24'))).toBe(true);
    expect(overlaps(parseCidr('10.1.0.0/16'), parseCidr('10.2.0.0/16'))).toBe(false);
    expect(overlaps(parseCidr('0.0.0.0/0'), parseCidr('192.168.1.1'))).toBe(true);
    expect(formatIpv4(parseIpv4('255.0.10.1'))).toBe('255.0.10.1');
    expect(macOf(parseIpv4('172.17.0.2'))).toBe('02:42:ac:11:00:02');
  });
});

describe('address pool', () => {
  const withRoot = (fn: (root: string) => void) => {
    const root = mkdtempSync(join(tmpdir(), 'berth-ipam-spec-'));
    try { fn(root); } finally { rmSync(root, { recursive: true, force: true }); }
  };
  const subnet = parseCidr('10.5.5.0/29'); // hosts .1-.6, gateway .1
  const gw = parseIpv4('10.5.5.1');
  it('gives the lowest free address, never the gateway; keeps it over a reload; reuses released ones', () => withRoot((root) => {
    const p = new AddressPool(root, subnet, gw);
    expect(formatIpv4(p.allocate('a'))).toBe('10.5.5.2');
    expect(formatIpv4(p.allocate('b'))).toBe('10.5.5.3');
    expect(formatIpv4(p.allocate('a'))).toBe('10.5.5.2');
    const again = new AddressPool(root, subnet, gw);
    expect(formatIpv4(again.addressOf('b')!)).toBe('10.5.5.3');
    again.release('a');
    expect(formatIpv4(again.allocate('c'))).toBe('10.5.5.2');
    again.retainOnly(new Set(['c']));
    expect(JSON.parse(readFileSync(join(root, 'network/bridge/ipam.json'), 'utf8')).addresses).toEqual({ c: '10.5.5.2' });
  }));
  it('says when the subnet is full', () => withRoot((root) => {
    const p = new AddressPool(root, subnet, gw);
    for (const id of ['a', 'b', 'c', 'd', 'e']) p.allocate(id);
    expect(() => p.allocate('f')).toThrow(/no free address on the bridge's subnet 10.5.5.0\/29 for container f/);
  }));
  it('drops addresses of another subnet and refuses a damaged file without changing it', () => withRoot((root) => {
    mkdirSync(join(root, 'network/bridge'), { recursive: true });
    const file = join(root, 'network/bridge/ipam.json');
    writeFileSync(file, JSON.stringify({ subnet: '10.6.0.0/24', addresses: { a: '10.6.0.2' } }));
    expect(new AddressPool(root, subnet, gw).addressOf('a')).toBeUndefined();
    writeFileSync(file, 'not json');
    expect(() => new AddressPool(root, subnet, gw)).toThrow(/load bridge addresses from .*ipam\.json/);
    expect(readFileSync(file, 'utf8')).toBe('not json');
  }));
});
