// The bridge berthd runs containers on, from dockerd's flags (-b/--bridge, --bip, --ip-forward,
// --ip-masq, --iptables, --mtu). No --bridge (or "none") means no bridge: containers in the
// default mode keep a namespace with only lo.
import type { DaemonConfig } from '../../config/config.js';
import { hostRange, networkOf, parseCidr, type Ipv4Cidr } from './cidr.js';

export const defaultBip = '172.31.0.1/16';

export interface BridgeSettings {
  /** The Linux bridge's name (at most 15 bytes, as the kernel's IFNAMSIZ allows). */
  name: string;
  /** The bridge's own address and the subnet's length (--bip): the containers' gateway. */
  gateway: Ipv4Cidr;
  subnet: Ipv4Cidr;
  mtu: number;
  ipForward: boolean;
  ipMasq: boolean;
  iptables: boolean;
}

/** The settings, or undefined without a bridge; bad values throw with the flag's name. */
export function bridgeSettingsOf(network: DaemonConfig['network']): BridgeSettings | undefined {
  const name = network.bridge;
  if (!name || name === 'none') return undefined;
  if (name.length > 15 || !/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`invalid --bridge "${name}": an interface name of at most 15 letters, digits, '_', '.' or '-'`);
  const bip = network.bip ?? defaultBip;
  let gateway: Ipv4Cidr;
  try { gateway = parseCidr(bip); } catch (e) { throw new Error(`invalid --bip "${bip}": ${(e as Error).message}`, { cause: e }); }
  if (gateway.prefixLen > 30) throw new Error(`invalid --bip "${bip}": the subnet must be /30 or larger`);
  const subnet = { address: networkOf(gateway), prefixLen: gateway.prefixLen };
  const { first, last } = hostRange(subnet);
  if (gateway.address < first || gateway.address > last) throw new Error(`invalid --bip "${bip}": the bridge's address must be a host address of its subnet`);
  const mtu = network.mtu ?? 1500;
  if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw new Error(`invalid --mtu ${mtu}: between 68 and 65535`);
  return { name, gateway, subnet, mtu, ipForward: network.ipForward ?? true, ipMasq: network.ipMasq ?? true, iptables: network.iptables ?? true };
}
