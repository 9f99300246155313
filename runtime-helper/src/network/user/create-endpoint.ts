// A container create's network: a user network named (or ID'd) by NetworkMode, with its
// NetworkingConfig endpoint (aliases, --ip), checked as dockerd checks them, with its words.
import { z } from 'zod';
import { ContainerError } from '../../containers/errors.js';
import type { UserNetworks } from './user-networks.js';
import type { UserEndpoint, UserNetwork } from './user-network.js';

const endpointSchema = z.object({
  IPAMConfig: z.object({ IPv4Address: z.string().optional() }).passthrough().nullish(),
  Aliases: z.array(z.string()).nullish(),
  Links: z.array(z.string()).nullish(),
}).passthrough();
const networkingSchema = z.object({ EndpointsConfig: z.record(z.string(), endpointSchema.nullish()).nullish() }).passthrough().nullish();
export type EndpointRequest = z.infer<typeof endpointSchema>;

/** A user network by full ID, name or unique ID prefix (dockerd's order). */
export function findUserNetwork(user: UserNetworks | undefined, term: string): UserNetwork | undefined {
  const nets = user?.list() ?? [];
  return nets.find((n) => n.Id === term) ?? nets.find((n) => n.Name === term) ?? (() => {
    const p = term ? nets.filter((n) => n.Id.startsWith(term)) : [];
    return p.length === 1 ? p[0] : undefined;
  })();
}

const builtin = (mode: string): boolean => ['', 'default', 'bridge', 'none', 'host'].includes(mode) || mode.startsWith('container:');

/** The user networks the new container is on (undefined for a built-in mode); a bad request throws. */
export function userEndpointsAtCreate(user: UserNetworks | undefined, mode: string, networking: unknown): Record<string, UserEndpoint> | undefined {
  const parsed = networkingSchema.safeParse(networking);
  if (!parsed.success) throw new ContainerError(400, `invalid NetworkingConfig: ${parsed.error.issues[0]?.message ?? 'bad value'}`);
  const configs = parsed.data?.EndpointsConfig ?? {};
  const entries = Object.entries(configs);
  if (entries.length > 1) throw new ContainerError(400, `Container cannot be connected to network endpoints: ${entries.map(([k]) => k).join(', ')}`);
  const ep = entries[0]?.[1] ?? undefined;
  if (builtin(mode)) {
    if (ep?.IPAMConfig?.IPv4Address) throw new ContainerError(400, 'user specified IP address is supported on user defined networks only');
    if (ep?.Aliases?.length) throw new ContainerError(400, 'network-scoped alias is supported only for containers in user defined networks');
    return undefined;
  }
  const n = findUserNetwork(user, mode);
  // dockerd's words, but 400, not its 404: the docker CLI takes a 404 from create for a missing
  // image and pulls (dockerd creates the container and fails its start instead).
  if (!n) throw new ContainerError(400, `network ${mode} not found`);
  const wanted = ep?.IPAMConfig?.IPv4Address || undefined;
  // As dockerd, links to containers that do not exist are accepted: they name nothing.
  const links = ep?.Links ?? [];
  const endpoint: UserEndpoint = { NetworkID: n.Id, NetworkName: n.Name, Aliases: ep?.Aliases?.length ? [...ep.Aliases] : null, ...(links.length ? { Links: [...links] } : {}), ...(wanted ? { IPv4Address: wanted } : {}) };
  try { user!.checkEndpoint(n, endpoint); } catch (e) { throw new ContainerError((e as { status?: number }).status ?? 400, (e as Error).message); }
  return { [n.Id]: endpoint };
}
