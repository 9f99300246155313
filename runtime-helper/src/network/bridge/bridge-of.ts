// One BridgeNetwork per daemon, from its config; set up by a daemon service that main.ts adds
// before the containers' (whose restore needs it).
import type { Daemon } from '../../daemon/daemon.js';
import { BridgeNetwork } from './bridge-network.js';
import { bridgeSettingsOf, type BridgeSettings } from './bridge-settings.js';

const made = new WeakMap<Daemon, BridgeNetwork>();

export function bridgeOf(daemon: Daemon): BridgeNetwork {
  let b = made.get(daemon);
  if (!b) {
    let settings: BridgeSettings | undefined;
    try { settings = bridgeSettingsOf(daemon.config.network); } catch (err) {
      daemon.log.warn({ err }, 'bridge network not set up: containers get a network namespace with only lo');
    }
    b = new BridgeNetwork(settings, daemon.config.dataRoot, daemon.log.child({ module: 'bridge' }));
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
