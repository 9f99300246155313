// IPv4 addresses and subnets as numbers: parsing --bip, overlap with the host's routes, the
// addresses a subnet holds, and Docker's MAC address for an IP.
import { isIPv4 } from 'node:net';

export interface Ipv4Cidr { address: number; prefixLen: number }

export function parseIpv4(text: string): number {
  if (!isIPv4(text)) throw new Error(`invalid IPv4 address: "${text}"`);
  return text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** "a.b.c.d/len"; a bare address is a /32. */
export function parseCidr(text: string): Ipv4Cidr {
  const [addr = '', len, extra] = text.split('/');
  if (extra !== undefined) throw new Error(`invalid CIDR: "${text}"`);
  const prefixLen = len === undefined ? 32 : Number(len);
  if (!/^\d+$/.test(len ?? '32') || prefixLen > 32) throw new Error(`invalid CIDR: "${text}"`);
  return { address: parseIpv4(addr), prefixLen };
}

const blockSize = (prefixLen: number): number => 2 ** (32 - prefixLen);

/** The network's first address. */
export function networkOf(c: Ipv4Cidr): number {
  const size = blockSize(c.prefixLen);
  return Math.floor(c.address / size) * size;
}

export function formatCidr(address: number, prefixLen: number): string { return `${formatIpv4(address)}/${prefixLen}`; }

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const aStart = networkOf(a); const aEnd = aStart + blockSize(a.prefixLen) - 1;
  const bStart = networkOf(b); const bEnd = bStart + blockSize(b.prefixLen) - 1;
  return aStart <= bEnd && bStart <= aEnd;
}

/** The host addresses of a subnet (neither the network nor the broadcast address). */
export function hostRange(c: Ipv4Cidr): { first: number; last: number } {
  const start = networkOf(c);
  return { first: start + 1, last: start + blockSize(c.prefixLen) - 2 };
}

/** Docker's generated MAC: 02:42 and the four bytes of the IPv4 address. */
export function macOf(ip: number): string {
  const bytes = [2, 0x42, ...formatIpv4(ip).split('.').map(Number)];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
