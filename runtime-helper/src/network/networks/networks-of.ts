// One set of built-in networks per daemon, loaded from its data root on first use (main.ts asks
// for it at start, so the IDs and Created times are made when the engine first starts).
import type { Daemon } from '../../daemon/daemon.js';
import { loadBuiltinNetworks, type BridgeDevice, type BuiltinNetwork } from './builtin-networks.js';
import { bridgeOf } from '../bridge/bridge-of.js';
import { formatCidr, formatIpv4, networkOf } from '../bridge/cidr.js';

const loaded = new WeakMap<Daemon, BuiltinNetwork[]>();

export function networksOf(daemon: Daemon): BuiltinNetwork[] {
  let nets = loaded.get(daemon);
  if (!nets) {
    nets = loadBuiltinNetworks(daemon.config.dataRoot);
    loaded.set(daemon, nets);
  }
  const device = bridgeDeviceOf(daemon);
  return device ? nets.map((n) => (n.name === 'bridge' ? { ...n, device } : n)) : nets;
}

/** The bridge device once it is up (berthd started with --bridge). */
function bridgeDeviceOf(daemon: Daemon): BridgeDevice | undefined {
  const s = bridgeOf(daemon).active;
  if (!s) return undefined;
  return { name: s.name, subnet: formatCidr(networkOf(s.subnet), s.subnet.prefixLen), gateway: formatIpv4(s.gateway.address), mtu: s.mtu, ipMasq: s.iptables && s.ipMasq };
}

/** network name -> ID, for a container's NetworkSettings.Networks. */
export function networkIdsOf(daemon: Daemon): Record<string, string> {
  return Object.fromEntries(networksOf(daemon).map((n) => [n.name, n.id]));
}
