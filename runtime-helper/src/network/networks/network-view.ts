// The JSON of GET /networks and GET /networks/{id} for a built-in network, in dockerd 20.10's
// field order. host and none are as dockerd answers them; bridge follows the API reference's
// default bridge, without what berthd does not have (see README.md: no subnet, no docker0).
import type { BuiltinNetwork } from './builtin-networks.js';
import type { EndpointView } from './endpoints.js';

/** bridge's Options: only what is true here. It is the default network, and a published port's
 * empty host IP binds 0.0.0.0 (network/ports). The bridge name, MTU, ICC and masquerade only
 * with berthd's bridge device (--bridge). */
const bridgeOptions = {
  'com.docker.network.bridge.default_bridge': 'true',
  'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
};

/** dockerd's default bridge options that hold once berthd runs a bridge device. */
function deviceOptions(net: BuiltinNetwork): Record<string, string> {
  const d = net.device;
  if (!d) return {};
  return {
    'com.docker.network.bridge.enable_icc': 'true',
    'com.docker.network.bridge.enable_ip_masquerade': String(d.ipMasq),
    'com.docker.network.bridge.name': d.name,
    'com.docker.network.driver.mtu': String(d.mtu),
  };
}

export function networkView(net: BuiltinNetwork, containers: Record<string, EndpointView>): Record<string, unknown> {
  return {
    Name: net.name, Id: net.id, Created: net.created, Scope: 'local', Driver: net.driver, EnableIPv6: false,
    // An IPAM pool only with berthd's bridge (--bridge); without it no addresses are given, so
    // Config is empty (as host and none have it).
    IPAM: { Driver: 'default', Options: null, Config: net.device ? [{ Subnet: net.device.subnet, Gateway: net.device.gateway }] : [] },
    Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Containers: containers,
    // Sorted by key, as Go writes a map.
    Options: net.name === 'bridge' ? Object.fromEntries(Object.entries({ ...bridgeOptions, ...deviceOptions(net) }).sort(([a], [b]) => (a < b ? -1 : 1))) : {},
    Labels: {},
  };
}
