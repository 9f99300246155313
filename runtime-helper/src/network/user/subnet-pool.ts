// The subnet a network created without --subnet gets: dockerd's default address pools
// (172.17-31.0.0/16, then 192.168.0.0/16 cut into /20s), skipping any that overlaps a host
// route, the default bridge's subnet or another network's.
import { parseCidr, overlaps, formatCidr, networkOf, type Ipv4Cidr } from '../bridge/cidr.js';

export function defaultPools(): Ipv4Cidr[] {
  const out: Ipv4Cidr[] = [];
  for (let b = 17; b <= 31; b++) out.push(parseCidr(`172.${b}.0.0/16`));
  for (let c = 0; c < 256; c += 16) out.push(parseCidr(`192.168.${c}.0/20`));
  return out;
}

/** The first pool that overlaps none of `taken`, as "a.b.c.d/len". */
export function nextFreeSubnet(taken: Ipv4Cidr[], pools: Ipv4Cidr[] = defaultPools()): Ipv4Cidr {
  const free = pools.find((p) => !taken.some((t) => overlaps(p, t)));
  if (!free) throw new Error('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
  return { address: networkOf(free), prefixLen: free.prefixLen };
}

export function subnetText(c: Ipv4Cidr): string { return formatCidr(networkOf(c), c.prefixLen); }
