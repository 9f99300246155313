// The JSON of GET /networks and GET /networks/{id} for a built-in network, in dockerd 20.10's
// field order. host and none are as dockerd answers them; bridge follows the API reference's
// default bridge, without what berthd does not have (see README.md: no subnet, no docker0).
import type { BuiltinNetwork } from './builtin-networks.js';
import type { EndpointView } from './endpoints.js';

/** bridge's Options: only what is true here. It is the default network, and a published port's
 * empty host IP binds 0.0.0.0 (network/ports). No bridge name, MTU, ICC or masquerade: there is
 * no bridge device. */
const bridgeOptions = {
  'com.docker.network.bridge.default_bridge': 'true',
  'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
};

export function networkView(net: BuiltinNetwork, containers: Record<string, EndpointView>): Record<string, unknown> {
  return {
    Name: net.name, Id: net.id, Created: net.created, Scope: 'local', Driver: net.driver, EnableIPv6: false,
    // No IPAM pool: berthd assigns no container addresses yet, so Config is empty (as host and none have it).
    IPAM: { Driver: 'default', Options: null, Config: [] },
    Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Containers: containers,
    Options: net.name === 'bridge' ? { ...bridgeOptions } : {},
    Labels: {},
  };
}
