// The JSON shapes `docker inspect` and `docker ps` read, built from a container record.
import type { ContainerRecord } from './record.js';
import type { ResolvedMount } from '../oci/from-docker-config.js';
import { humanDuration } from './names.js';
import type { ContainerSizes } from './disk-usage.js';
import { inspectPortsOf, listPortsOf } from '../network/ports/container-ports.js';
import { endpointIdOf } from '../network/networks/endpoints.js';
import { builtinNetworkOfMode } from '../network/networks/builtin-networks.js';
import { userNetworkEntries } from '../network/user/container-view.js';
import { ZERO_TIME } from './record.js';

/** dockerd's Mode: a -v's mode text as given ("z" for a named volume given none), "z" for a
 * named volume of --mount, "" for anonymous volumes and --mount binds. */
function mountMode(r: ContainerRecord, m: ResolvedMount): string {
  const bind = (r.HostConfig.Binds ?? []).map((b) => b.split(':')).find((p) => p[1] === m.destination);
  if (bind) return bind[2] || (m.type === 'volume' ? 'z' : '');
  const given = (r.HostConfig.Mounts ?? []).find((x) => x.Target === m.destination);
  return given && m.type === 'volume' && given.Source ? 'z' : '';
}

function mountsView(r: ContainerRecord): unknown[] {
  return r.Mounts.map((m) => ({
    Type: m.type, ...(m.name ? { Name: m.name, Driver: 'local' } : {}), Source: m.source, Destination: m.destination,
    Mode: mountMode(r, m), RW: !m.readOnly, Propagation: m.type === 'bind' ? 'rprivate' : '',
  }));
}

function networkMode(r: ContainerRecord): string {
  const m = r.HostConfig.NetworkMode;
  return !m || m === 'default' ? 'bridge' : m;
}

/** As dockerd: the network's ID once the container has started, its endpoint while it runs. */
function networkEntry(r: ContainerRecord, networkIds: Record<string, string>): Record<string, unknown> {
  const id = r.State.StartedAt !== ZERO_TIME ? networkIds[networkMode(r)] ?? '' : '';
  const endpoint = id && r.State.Running ? endpointIdOf(r.Id, id) : '';
  const ep = bridgeEndpoint(r);
  return { NetworkID: id, EndpointID: endpoint, Gateway: ep?.Gateway ?? '', IPAddress: ep?.IPAddress ?? '', IPPrefixLen: ep?.IPPrefixLen ?? 0, MacAddress: ep?.MacAddress ?? '' };
}

/** The container's address on berthd's bridge while it runs (none without --bridge). */
function bridgeEndpoint(r: ContainerRecord): ContainerRecord['BridgeEndpoint'] {
  return r.State.Running ? r.BridgeEndpoint : undefined;
}

/** dockerd's top-level address fields, for a container on the bridge. */
function topLevelAddress(r: ContainerRecord, networkIds: Record<string, string>): Record<string, unknown> {
  const ep = bridgeEndpoint(r);
  if (!ep) return {};
  const id = networkIds[networkMode(r)] ?? '';
  return {
    EndpointID: id ? endpointIdOf(r.Id, id) : '', Gateway: ep.Gateway, GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
    IPAddress: ep.IPAddress, IPPrefixLen: ep.IPPrefixLen, IPv6Gateway: '', MacAddress: ep.MacAddress,
  };
}

/** `networkIds`: the built-in networks' IDs by name (network/networks/networks-of.ts). */
export function inspectView(r: ContainerRecord, execIds: string[], networkIds: Record<string, string> = {}): Record<string, unknown> {
  const args = [...(r.Config.Entrypoint ?? []), ...(r.Config.Cmd ?? [])];
  return {
    Id: r.Id, Created: r.Created, Path: args[0] ?? '', Args: args.slice(1),
    State: { ...r.State, Restarting: r.State.Restarting },
    Image: r.Image, ResolvConfPath: r.ResolvConfPath, HostnamePath: r.HostnamePath, HostsPath: r.HostsPath, LogPath: r.LogPath,
    Name: r.Name, RestartCount: r.RestartCount, Driver: 'overlay2', Platform: 'linux', MountLabel: '', ProcessLabel: '', AppArmorProfile: '',
    ExecIDs: execIds.length ? execIds : null,
    HostConfig: { ...r.HostConfig, NetworkMode: r.HostConfig.NetworkMode || 'default', LogConfig: { Type: r.HostConfig.LogConfig?.Type || 'json-file', Config: r.HostConfig.LogConfig?.Config ?? {} } },
    GraphDriver: { Name: 'overlay2', Data: { MergedDir: r.Rootfs, UpperDir: r.UpperDir } },
    Mounts: mountsView(r),
    Config: { ...r.Config, Image: r.ImageRef, Labels: r.Config.Labels ?? {} },
    NetworkSettings: {
      Bridge: '', SandboxID: '', HairpinMode: false, Ports: inspectPortsOf(r), SandboxKey: '',
      ...topLevelAddress(r, networkIds),
      // The built-in network of its mode (not for a user network's name), then its user networks.
      Networks: { ...(builtinNetworkOfMode(r.HostConfig.NetworkMode) !== undefined || networkMode(r).startsWith('container:') ? { [networkMode(r)]: networkEntry(r, networkIds) } : {}), ...userNetworkEntries(r) },
    },
  };
}

export function statusText(r: ContainerRecord, now = Date.now()): string {
  const s = r.State;
  if (s.Status === 'removing') return 'Removal In Progress';
  if (s.Restarting) return `Restarting (${s.ExitCode}) ${humanDuration(now - Date.parse(s.FinishedAt))} ago`;
  if (s.Running) {
    const up = `Up ${humanDuration(now - Date.parse(s.StartedAt))}`;
    if (s.Paused) return `${up} (Paused)`;
    return s.Health ? `${up} (${s.Health.Status === 'starting' ? 'health: starting' : s.Health.Status})` : up;
  }
  if (s.Status === 'created') return 'Created';
  return `Exited (${s.ExitCode}) ${humanDuration(now - Date.parse(s.FinishedAt))} ago`;
}

/** dockerd's ps COMMAND: the path, then the arguments, each one holding a space in single quotes. */
function commandText(r: ContainerRecord): string {
  const [path = '', ...args] = [...(r.Config.Entrypoint ?? []), ...(r.Config.Cmd ?? [])];
  return [path, ...args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' ');
}

export function listView(r: ContainerRecord, sizes?: ContainerSizes): Record<string, unknown> {
  return {
    Id: r.Id, Names: [r.Name], Image: r.ImageRef, ImageID: r.Image, Command: commandText(r),
    Created: Math.floor(Date.parse(r.Created) / 1000), Ports: listPortsOf(r), Labels: r.Config.Labels ?? {},
    State: r.State.Status, Status: statusText(r), HostConfig: { NetworkMode: networkMode(r) },
    // The built-in network of its mode, then its user networks (ps's NETWORKS column lists them all).
    NetworkSettings: { Networks: { ...(builtinNetworkOfMode(r.HostConfig.NetworkMode) !== undefined || networkMode(r).startsWith('container:') ? { [networkMode(r)]: { IPAddress: bridgeEndpoint(r)?.IPAddress ?? '' } } : {}), ...userNetworkEntries(r) } }, Mounts: mountsView(r),
    ...(sizes ? { SizeRw: sizes.rw, SizeRootFs: sizes.rootFs } : {}),
  };
}
