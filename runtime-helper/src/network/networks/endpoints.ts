// A container's endpoint on a built-in network. dockerd makes a random endpoint ID at each start;
// berthd keeps no endpoint state, so the ID is derived from the container and the network: the
// same in network inspect and container inspect, and stable while the container runs.
import { createHash } from 'node:crypto';
import type { ContainerRecord } from '../../containers/record.js';
import { builtinNetworkOfMode, type BuiltinNetwork } from './builtin-networks.js';

export function endpointIdOf(containerId: string, networkId: string): string {
  return createHash('sha256').update(`berth-endpoint\0${containerId}\0${networkId}`).digest('hex');
}

/** dockerd's network inspect Containers entry. Addresses only on berthd's bridge (--bridge);
 * without it the default network gives a container only its loopback (published ports go
 * through the forwarder), and host and none have none, as dockerd shows them. */
export interface EndpointView { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }

/** The containers with a live endpoint on the network: those running (or paused) in its mode. */
export function endpointsOn(net: BuiltinNetwork, records: Iterable<ContainerRecord>): Record<string, EndpointView> {
  const out: Record<string, EndpointView> = {};
  for (const r of records) {
    if (!r.State.Running || builtinNetworkOfMode(r.HostConfig.NetworkMode) !== net.name) continue;
    const ep = r.BridgeEndpoint;
    out[r.Id] = { Name: r.Name.replace(/^\//, ''), EndpointID: endpointIdOf(r.Id, net.id), MacAddress: ep?.MacAddress ?? '', IPv4Address: ep ? `${ep.IPAddress}/${ep.IPPrefixLen}` : '', IPv6Address: '' };
  }
  return out;
}
