// A container's NetworkSettings.Networks entries for its user-defined networks, in dockerd
// 20.10's EndpointSettings fields and order. While it runs, Aliases end with its short ID (dockerd
// adds it on user-defined networks) and the addresses are filled.
import { ZERO_TIME, type ContainerRecord } from '../../containers/record.js';

export function userNetworkEntries(r: ContainerRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const running = r.State.Running;
  for (const ep of Object.values(r.UserNetworks ?? {})) {
    const live = running ? ep.Live : undefined;
    const short = r.Id.slice(0, 12);
    const aliases = live || ep.Connected ? [...(ep.Aliases ?? []).filter((a) => a !== short), short] : ep.Aliases;
    out[ep.NetworkName] = {
      IPAMConfig: ep.IPv4Address ? { IPv4Address: ep.IPv4Address } : ep.Connected?.IPAMConfig ? {} : null,
      Links: ep.Links ?? null,
      Aliases: aliases,
      // As dockerd: empty until the container first ran.
      NetworkID: live || r.State.StartedAt !== ZERO_TIME ? ep.NetworkID : '',
      EndpointID: live?.EndpointID ?? '',
      Gateway: live?.Gateway ?? '',
      IPAddress: live?.IPAddress ?? '',
      IPPrefixLen: live?.IPPrefixLen ?? 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      MacAddress: live?.MacAddress ?? '',
      DriverOpts: ep.Connected?.DriverOpts ?? null,
    };
  }
  return out;
}

/** The names `docker ps` shows in its NETWORKS column and its `network` filter matches. */
export function userNetworkNames(r: ContainerRecord): string[] {
  return Object.values(r.UserNetworks ?? {}).map((ep) => ep.NetworkName);
}
