// The JSON of network list and inspect for a user-defined bridge network, in dockerd 20.10's
// field order: IPAM.Config as the client gave it (dockerd shows the user's config), or the
// subnet and gateway chosen from the default pools; Containers from the running members.
import type { ContainerRecord } from '../../containers/record.js';
import type { EndpointView } from '../networks/endpoints.js';
import type { UserNetwork } from './user-network.js';

export function userEndpointsOn(n: UserNetwork, records: Iterable<ContainerRecord>): Record<string, EndpointView> {
  const out: Record<string, EndpointView> = {};
  for (const r of records) {
    const live = r.UserNetworks?.[n.Id]?.Live;
    if (!live || !r.State.Running) continue;
    out[r.Id] = { Name: r.Name.replace(/^\//, ''), EndpointID: live.EndpointID, MacAddress: live.MacAddress, IPv4Address: `${live.IPAddress}/${live.IPPrefixLen}`, IPv6Address: '' };
  }
  return out;
}

export function userNetworkView(n: UserNetwork, containers: Record<string, EndpointView>): Record<string, unknown> {
  return {
    Name: n.Name, Id: n.Id, Created: n.Created, Scope: 'local', Driver: 'bridge', EnableIPv6: false,
    IPAM: { Driver: 'default', Options: n.IpamOptions, Config: n.IpamConfig.length ? n.IpamConfig : [{ Subnet: n.Subnet, Gateway: n.Gateway }] },
    Internal: n.Internal, Attachable: n.Attachable, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Containers: containers,
    Options: n.Options,
    Labels: n.Labels,
  };
}
