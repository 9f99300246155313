// One BridgeNetwork per daemon, from its config; set up by a daemon service that main.ts adds
// before the containers' (whose restore needs it).
import type { Daemon } from '../../daemon/daemon.js';
import { BridgeNetwork } from './bridge-network.js';
import { bridgeSettingsOf, type BridgeSettings } from './bridge-settings.js';
import { UserNetworks } from '../user/user-networks.js';
import { formatIpv4 } from './cidr.js';
import type { ContainerServices } from '../../containers/services.js';

const made = new WeakMap<Daemon, BridgeNetwork>();

export function bridgeOf(daemon: Daemon): BridgeNetwork {
  let b = made.get(daemon);
  if (!b) {
    let settings: BridgeSettings | undefined;
    try { settings = bridgeSettingsOf(daemon.config.network); } catch (err) {
      daemon.log.warn({ err }, 'bridge network not set up: containers get a network namespace with only lo');
    }
    const bridge = new BridgeNetwork(settings, daemon.config.dataRoot, daemon.log.child({ module: 'bridge' }));
    // The containers are installed after this; their records are read when needed.
    const records = () => [...((daemon as unknown as { containers?: ContainerServices }).containers?.manager.containers.values() ?? [])].map((c) => c.record);
    const net = daemon.config.network;
    bridge.user = new UserNetworks(daemon.config.dataRoot, daemon.log.child({ module: 'user-networks' }), daemon.events, records, () => ({
      mtu: net.mtu ?? 1500, ipForward: net.ipForward ?? true, iptables: net.iptables ?? true,
      defaultBridge: bridge.active?.subnet, hostGateway: bridge.active ? formatIpv4(bridge.active.gateway.address) : undefined,
    }));
    b = bridge;
    made.set(daemon, b);
  }
  return b;
}

/** Adds the service that sets the bridge up at the daemon's start. */
export function installBridge(daemon: Daemon): BridgeNetwork {
  const b = bridgeOf(daemon);
  daemon.addService({ name: 'bridge', start: () => b.setUp() });
  return b;
}
