// The subnet and gateway checks the create form and the API boundary share.
import { describe, expect, it } from 'vitest';
import { ipv4ToNumber, isBuiltinNetwork, NETWORK_NAME, parseSubnet, subnetProblems } from './network-spec.js';

describe('network create input', () => {
  it('reads IPv4 addresses strictly', () => {
    expect(ipv4ToNumber('10.0.0.1')).toBe(0x0a000001);
    expect(ipv4ToNumber('255.255.255.255')).toBe(0xffffffff);
    expect(ipv4ToNumber('256.0.0.1')).toBeUndefined();
    expect(ipv4ToNumber('10.0.0')).toBeUndefined();
    expect(ipv4ToNumber('10.0.0.01')).toBeUndefined();
    expect(ipv4ToNumber('a.b.c.d')).toBeUndefined();
  });

  it('takes CIDR subnets and says what is wrong with the others', () => {
    expect(parseSubnet('10.231.7.0/24')).toEqual({ family: 4, base: 0x0ae70700, prefix: 24 });
    expect(parseSubnet('fd00:1::/64')).toEqual({ family: 6, prefix: 64 });
    expect(parseSubnet('10.231.7.0')).toMatch(/expected an address and a prefix length/);
    expect(parseSubnet('10.231.7.5/24')).toBe("subnet '10.231.7.5/24': host bits are set; did you mean 10.231.7.0/24?");
    expect(parseSubnet('10.0.0.0/33')).toMatch(/at most 32/);
    expect(parseSubnet('fd00::/129')).toMatch(/at most 128/);
    expect(parseSubnet('example/24')).toMatch(/not an IPv4 or IPv6 address/);
  });

  it('wants a gateway inside its subnet, and a subnet for a gateway', () => {
    expect(subnetProblems('', '')).toEqual([]);
    expect(subnetProblems('10.231.7.0/24', '')).toEqual([]);
    expect(subnetProblems('10.231.7.0/24', '10.231.7.1')).toEqual([]);
    expect(subnetProblems('10.231.7.0/24', '10.231.7.255')).toEqual([]);
    expect(subnetProblems('10.231.7.0/24', '10.231.8.1')).toEqual(['gateway 10.231.8.1 is outside the subnet 10.231.7.0/24']);
    expect(subnetProblems('10.231.7.0/24', 'gw')).toEqual(["gateway 'gw': not an IPv4 address"]);
    expect(subnetProblems('', '10.0.0.1')).toEqual(['gateway: give the subnet it belongs to as well']);
    expect(subnetProblems('fd00:1::/64', 'fd00:1::1')).toEqual([]);
    expect(subnetProblems('fd00:1::/64', '10.0.0.1')).toEqual(["gateway '10.0.0.1': not an IPv6 address (the subnet is IPv6)"]);
  });

  it('knows the pre-defined networks and the names engines take', () => {
    expect(['bridge', 'host', 'none'].every(isBuiltinNetwork)).toBe(true);
    expect(isBuiltinNetwork('mynet')).toBe(false);
    expect(NETWORK_NAME.test('my-net_1.a')).toBe(true);
    expect(NETWORK_NAME.test('-net')).toBe(false);
    expect(NETWORK_NAME.test('my net')).toBe(false);
  });
});
