// POST /networks/create's body, checked as dockerd 20.10 checks it (its words), and turned into
// a network: the subnet from the request or the default pools, the gateway (the subnet's first
// host address unless given), the range addresses are given from.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ApiError, Conflict, Forbidden, InvalidParameter, NotFound } from '../../api/errors.js';
import { formatIpv4, hostRange, networkOf, overlaps, parseCidr, parseIpv4, type Ipv4Cidr } from '../bridge/cidr.js';
import { nextFreeSubnet, subnetText } from './subnet-pool.js';
import type { IpamConfig, UserNetwork } from './user-network.js';

const strMap = z.record(z.string(), z.string()).nullish();
export const createBodySchema = z.object({
  Name: z.string().optional().default(''),
  CheckDuplicate: z.boolean().optional(),
  Driver: z.string().optional().default(''),
  Internal: z.boolean().optional(),
  Attachable: z.boolean().optional(),
  Ingress: z.boolean().optional(),
  EnableIPv6: z.boolean().optional(),
  Labels: strMap,
  Options: strMap,
  IPAM: z.object({
    Driver: z.string().optional(),
    Options: strMap,
    Config: z.array(z.object({ Subnet: z.string().optional(), IPRange: z.string().optional(), Gateway: z.string().optional(), AuxiliaryAddresses: z.unknown().optional() }).passthrough()).nullish(),
  }).passthrough().nullish(),
}).passthrough();
export type CreateBody = z.infer<typeof createBodySchema>;

const namePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function cidrOf(text: string): Ipv4Cidr {
  try { return parseCidr(text); } catch { throw new InvalidParameter(`invalid CIDR address: ${text}`); }
}

export interface Taken { existing: UserNetwork[]; hostRoutes: Ipv4Cidr[]; defaultBridge?: Ipv4Cidr | undefined }

/** The network to make, or dockerd's refusal. `taken`: what its subnet must not overlap. */
export function networkFromRequest(body: CreateBody, taken: Taken): UserNetwork {
  const name = body.Name;
  if (!namePattern.test(name)) throw new InvalidParameter(`invalid name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  const driver = body.Driver || 'bridge';
  if (driver !== 'bridge') throw new NotFound(`plugin "${driver}" not found`);
  if (body.EnableIPv6) throw new ApiError(501, `network ${name}: IPv6 is not supported by berthd`);
  if (body.Ingress) throw new Forbidden('only one ingress network is allowed');
  // Always refused (dockerd 20.10 refuses it when CheckDuplicate is set, as the docker CLI sets
  // it, and makes a second network of the same name otherwise; dockerd 25 always refuses).
  if (taken.existing.some((n) => n.Name === name)) throw new Conflict(`network with name ${name} already exists`);
  const ipamDriver = body.IPAM?.Driver || 'default';
  if (ipamDriver !== 'default') throw new NotFound(`plugin "${ipamDriver}" not found`);
  const configs = body.IPAM?.Config ?? [];
  if (configs.length > 1) throw new ApiError(501, `network ${name}: berthd supports one IPv4 subnet per network`);
  const given = configs[0];
  const others = taken.existing.map((n) => parseCidr(n.Subnet));
  let subnet: Ipv4Cidr;
  let gateway: number;
  let range: Ipv4Cidr;
  const ipamConfig: IpamConfig[] = [];
  if (given && given.Subnet) {
    const s = cidrOf(given.Subnet);
    subnet = { address: networkOf(s), prefixLen: s.prefixLen };
    if (s.prefixLen > 30) throw new InvalidParameter(`invalid subnet ${given.Subnet}: the network needs at least a /30`);
    if (others.some((o) => overlaps(o, subnet)) || (taken.defaultBridge && overlaps(taken.defaultBridge, subnet))) throw new Forbidden('Pool overlaps with other one on this address space');
    const { first, last } = hostRange(subnet);
    if (given.Gateway) {
      let g: number;
      try { g = parseIpv4(given.Gateway); } catch { throw new InvalidParameter(`invalid gateway address ${given.Gateway}`); }
      if (g < first || g > last) throw new ApiError(500, `failed to allocate gateway (${given.Gateway}): Requested address is out of range`);
      gateway = g;
    } else gateway = first;
    if (given.IPRange) {
      const r = cidrOf(given.IPRange);
      range = { address: networkOf(r), prefixLen: r.prefixLen };
      if (r.prefixLen < subnet.prefixLen || networkOf({ address: range.address, prefixLen: subnet.prefixLen }) !== subnet.address) throw new InvalidParameter(`no matching subnet for range ${given.IPRange}`);
    } else range = subnet;
    ipamConfig.push({ Subnet: given.Subnet, ...(given.IPRange ? { IPRange: given.IPRange } : {}), ...(given.Gateway ? { Gateway: given.Gateway } : {}) });
  } else {
    if (given && (given.Gateway || given.IPRange)) throw new InvalidParameter('ip-range and gateway need a subnet (--subnet)');
    subnet = nextFreeSubnet([...others, ...taken.hostRoutes, ...(taken.defaultBridge ? [taken.defaultBridge] : [])]);
    gateway = hostRange(subnet).first;
    range = subnet;
  }
  const id = randomBytes(32).toString('hex');
  const options = body.Options ?? {};
  // dockerd's bridge driver options berthd acts on: the bridge's name, its MTU, masquerading.
  const bridgeName = options['com.docker.network.bridge.name'] ?? `br-${id.slice(0, 12)}`;
  if (bridgeName.length > 15 || !/^[A-Za-z0-9_.-]+$/.test(bridgeName)) throw new InvalidParameter(`invalid com.docker.network.bridge.name "${bridgeName}": an interface name of at most 15 letters, digits, '_', '.' or '-'`);
  if (taken.existing.some((n) => n.Bridge === bridgeName)) throw new Forbidden(`bridge name ${bridgeName} is already in use by another network`);
  const mtu = options['com.docker.network.driver.mtu'];
  if (mtu !== undefined && !(/^\d+$/.test(mtu) && Number(mtu) >= 68 && Number(mtu) <= 65535)) throw new InvalidParameter(`invalid com.docker.network.driver.mtu "${mtu}": between 68 and 65535`);
  const masq = options['com.docker.network.bridge.enable_ip_masquerade'];
  if (masq !== undefined && !['true', 'false'].includes(masq)) throw new InvalidParameter(`invalid com.docker.network.bridge.enable_ip_masquerade "${masq}": true or false`);
  return {
    Name: name, Id: id, Created: new Date().toISOString(), Internal: body.Internal ?? false, Attachable: body.Attachable ?? false,
    Labels: body.Labels ?? {}, Options: options, IpamOptions: body.IPAM?.Options ?? null, IpamConfig: ipamConfig,
    Subnet: subnetText(subnet), Gateway: formatIpv4(gateway), Range: subnetText(range), Bridge: bridgeName,
  };
}
