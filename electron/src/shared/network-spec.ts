// What a network create asks for, checked the same way in the form (as the user types) and at the
// API boundary (schemas.ts): names as dockerd takes them, an IPv4 or IPv6 subnet in CIDR form, and
// a gateway inside that subnet.

export const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Networks every engine of the Docker API has from its start; none of them can be removed. */
export const BUILTIN_NETWORKS: readonly string[] = ['bridge', 'host', 'none'];

export function isBuiltinNetwork(name: string): boolean {
  return BUILTIN_NETWORKS.includes(name);
}

/** An IPv4 address as a 32-bit number; undefined when it is not one (dotted quad, 0-255 each). */
export function ipv4ToNumber(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

// Loose on purpose: the engine has the last word on IPv6; this catches typing slips.
const IPV6 = /^[0-9a-fA-F:]+$/;
const isIpv6 = (s: string): boolean => IPV6.test(s) && s.includes(':') && (s.match(/::/g) ?? []).length <= 1 && s.split(':').every((g) => g.length <= 4);

export type ParsedSubnet = { family: 4; base: number; prefix: number } | { family: 6; prefix: number };

/** A subnet in CIDR form (10.1.2.0/24, fd00:1::/64); a problem in words otherwise. */
export function parseSubnet(s: string): ParsedSubnet | string {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s.trim());
  if (!m) return `subnet '${s}': expected an address and a prefix length, like 10.10.0.0/24`;
  const [, addr = '', len = ''] = m;
  const prefix = Number(len);
  const v4 = ipv4ToNumber(addr);
  if (v4 !== undefined) {
    if (prefix > 32) return `subnet '${s}': an IPv4 prefix length is at most 32`;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if (((v4 & ~mask) >>> 0) !== 0) return `subnet '${s}': host bits are set; did you mean ${numberToIpv4((v4 & mask) >>> 0)}/${prefix}?`;
    return { family: 4, base: v4, prefix };
  }
  if (isIpv6(addr)) {
    if (prefix > 128) return `subnet '${s}': an IPv6 prefix length is at most 128`;
    return { family: 6, prefix };
  }
  return `subnet '${s}': '${addr}' is not an IPv4 or IPv6 address`;
}

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((sh) => (n >>> sh) & 255).join('.');
}

/** The problems of a subnet and gateway pair, in words (empty when fine). A gateway needs a subnet. */
export function subnetProblems(subnet: string, gateway: string): string[] {
  const sub = subnet.trim();
  const gw = gateway.trim();
  if (!sub) return gw ? ['gateway: give the subnet it belongs to as well'] : [];
  const parsed = parseSubnet(sub);
  if (typeof parsed === 'string') return [parsed];
  if (!gw) return [];
  if (parsed.family === 6) return isIpv6(gw) ? [] : [`gateway '${gw}': not an IPv6 address (the subnet is IPv6)`];
  const g = ipv4ToNumber(gw);
  if (g === undefined) return [`gateway '${gw}': not an IPv4 address`];
  const size = 2 ** (32 - parsed.prefix);
  if (g < parsed.base || g >= parsed.base + size) return [`gateway ${gw} is outside the subnet ${sub}`];
  return [];
}
