// Network routes: the built-in bridge, host and none (network/networks/), which cannot be made,
// removed or joined after create (refused as dockerd refuses them, or with a 501 that says what is
// supported), and the user-defined bridge networks (network/user/): create, remove, prune,
// connect and disconnect.
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { sendJson, sendNoContent } from '../respond.js';
import { parseQuery, readJson, queryString } from '../body.js';
import { parseFilters, matchLabels } from '../filters.js';
import { ApiError, Forbidden, InvalidParameter, NotImplemented } from '../errors.js';
import { servicesOf } from './containers-services.js';
import { networksOf } from '../../network/networks/networks-of.js';
import { builtinNetworkOfMode, builtinNames } from '../../network/networks/builtin-networks.js';
import { endpointsOn } from '../../network/networks/endpoints.js';
import { networkView } from '../../network/networks/network-view.js';
import { filterNetworks, parseNetworkFilters } from '../../network/networks/network-filters.js';
import { findNetwork } from '../../network/networks/find-network.js';
import { bridgeOf } from '../../network/bridge/bridge-of.js';
import { createBodySchema } from '../../network/user/create-request.js';
import { userEndpointsOn, userNetworkView } from '../../network/user/network-view.js';
import type { UserNetwork } from '../../network/user/user-network.js';
import type { BuiltinNetwork } from '../../network/networks/builtin-networks.js';
import type { ContainerRecord } from '../../containers/record.js';

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const listQuery = z.object({ filters: queryString }).passthrough();
const inspectQuery = z.object({ verbose: queryString, scope: queryString }).passthrough();
const pruneQuery = z.object({ filters: queryString }).passthrough();
const connectBody = z.object({
  Container: z.string().optional().default(''),
  Force: z.boolean().optional(),
  EndpointConfig: z.object({ IPAMConfig: z.object({ IPv4Address: z.string().optional() }).passthrough().nullish(), Aliases: z.array(z.string()).nullish(), DriverOpts: z.record(z.string(), z.string()).nullish() }).passthrough().nullish(),
}).passthrough();

/** A built-in or a user-defined network, as the filters and lookups see both. */
interface AnyNetwork { name: string; id: string; driver: string; labels?: Record<string, string>; inUse?: boolean; builtin?: BuiltinNetwork; user?: UserNetwork }

function recordsOf(ctx: RequestContext): ContainerRecord[] {
  return [...servicesOf(ctx).manager.containers.values()].map((c) => c.record);
}

function allNetworks(ctx: RequestContext): AnyNetwork[] {
  const user = bridgeOf(ctx.daemon).user;
  const records = recordsOf(ctx);
  return [
    ...networksOf(ctx.daemon).map((n): AnyNetwork => ({ name: n.name, id: n.id, driver: n.driver, builtin: n })),
    ...(user?.list() ?? []).map((n): AnyNetwork => ({ name: n.Name, id: n.Id, driver: 'bridge', labels: n.Labels, inUse: records.some((r) => r.UserNetworks?.[n.Id]?.Live), user: n })),
  ];
}

function viewOf(n: AnyNetwork, records: ContainerRecord[] | null): Record<string, unknown> {
  if (n.user) return userNetworkView(n.user, records ? userEndpointsOn(n.user, records) : {});
  return networkView(n.builtin!, records ? endpointsOn(n.builtin!, records) : {});
}

/** Go's strconv.ParseBool, with dockerd's message for the verbose parameter. */
function parseVerbose(v: string | undefined): boolean {
  if (v === undefined || v === '') return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new InvalidParameter(`invalid value for verbose: ${v}: strconv.ParseBool: parsing "${v}": invalid syntax`);
}

function list(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, listQuery, 'network list');
  const nets = filterNetworks(allNetworks(ctx), parseNetworkFilters(q.filters));
  // As dockerd 20.10: the list leaves Containers empty; inspect fills it.
  sendJson(ctx.res, 200, nets.map((n) => viewOf(n, null)));
}

function inspect(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, inspectQuery, 'network inspect');
  parseVerbose(q.verbose); // verbose adds swarm services only: nothing for local networks
  const term = ctx.params.id!;
  // A scope other than local finds nothing here, as on a dockerd outside a swarm.
  const nets = q.scope && q.scope !== 'local' ? [] : allNetworks(ctx);
  const net = findNetwork(nets, term, 'inspect');
  sendJson(ctx.res, 200, viewOf(net, recordsOf(ctx)));
}

const isPredefinedName = (name: string): boolean => name === 'default' || (builtinNames as readonly string[]).includes(name);

async function create(ctx: RequestContext): Promise<void> {
  const body = await readJson(ctx.req, createBodySchema, 'network create', {});
  // dockerd's checks before it reaches a driver, with its words (the trailing space is dockerd's).
  if (isPredefinedName(body.Name)) throw new Forbidden(`operation is not permitted on predefined ${body.Name} network `);
  if (body.Driver === 'host' || body.Driver === 'null') throw new Forbidden(`only one instance of "${body.Driver}" network is allowed`);
  if (body.Name === '') throw new ApiError(500, 'invalid name: '); // dockerd 20.10's status for it
  const user = bridgeOf(ctx.daemon).user;
  if (!user || user.unavailable) throw new NotImplemented(`user-defined networks are not supported by berthd yet ${user?.unavailable ?? ''} (containers get the default network, none, host or container:<id>)`);
  const n = await user.create(body);
  sendJson(ctx.res, 201, { Id: n.Id, Warning: '' });
}

async function remove(ctx: RequestContext): Promise<void> {
  const net = findNetwork(allNetworks(ctx), ctx.params.id!);
  if (!net.user) throw new Forbidden(`${net.name} is a pre-defined network and cannot be removed`);
  await bridgeOf(ctx.daemon).user!.remove(net.user);
  sendNoContent(ctx.res);
}

async function connectOrDisconnect(ctx: RequestContext, action: 'connect' | 'disconnect'): Promise<void> {
  const body = await readJson(ctx.req, connectBody, `network ${action}`, {});
  if (body.Container === '') throw new InvalidParameter('invalid name or ID supplied: ""');
  // As dockerd: the container first, then the network.
  const manager = servicesOf(ctx).manager;
  const live = manager.get(body.Container);
  const c = live.record;
  const net = findNetwork(allNetworks(ctx), ctx.params.id!);
  const own = builtinNetworkOfMode(c.HostConfig.NetworkMode);
  const sharing = own === 'host' || c.HostConfig.NetworkMode.startsWith('container:');
  if (net.user) {
    const user = bridgeOf(ctx.daemon).user!;
    if (action === 'connect') {
      if (sharing) throw new InvalidParameter('container sharing network namespace with another container or host cannot be connected to any other network');
      if (own === 'none') throw new InvalidParameter('container cannot be connected to multiple networks with one of the networks in private (none) mode');
      const cfg = body.EndpointConfig;
      await user.connect(c, net.user, { Aliases: cfg?.Aliases, IPv4Address: cfg?.IPAMConfig?.IPv4Address || undefined, IPAMConfig: Boolean(cfg?.IPAMConfig), DriverOpts: cfg?.DriverOpts ?? null }, manager.store.dir(c.Id));
    } else {
      await user.disconnect(c, net.user);
    }
    manager.save(live);
    sendNoContent(ctx.res, 200);
    return;
  }
  const builtin = net.builtin!;
  const attached = own === builtin.name && c.State.Running;
  if (action === 'connect') {
    if (builtin.name === 'host') throw new InvalidParameter('container cannot be disconnected from host network or connected to host network');
    if (own === 'host' || sharing) throw new InvalidParameter('container sharing network namespace with another container or host cannot be connected to any other network');
    if (attached) throw new Forbidden(`endpoint with name ${c.Name.replace(/^\//, '')} already exists in network ${builtin.name}`);
    throw new NotImplemented(`connecting container ${c.Name.replace(/^\//, '')} to network ${builtin.name} is not supported by berthd yet (a container joins a built-in network only by its NetworkMode)`);
  }
  if (!attached) throw new ApiError(500, `container ${c.Id} is not connected to network ${builtin.name}`);
  if (builtin.name === 'host') throw new InvalidParameter('container cannot be disconnected from host network or connected to host network');
  throw new NotImplemented(`disconnecting container ${c.Name.replace(/^\//, '')} from network ${builtin.name} is not supported by berthd yet (a container leaves a built-in network only by its NetworkMode)`);
}

/** prune's until: a Unix time, an RFC 3339 time, or a Go duration before now (s, m, h). */
function untilMs(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const dur = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(value);
  if (dur) return Date.now() - Number(dur[1]) * ({ s: 1000, m: 60_000, h: 3_600_000 }[dur[2] as 's' | 'm' | 'h']);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidParameter(`invalid filter 'until=${value}'`);
  return t;
}

async function prune(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, pruneQuery, 'network prune');
  const f = parseFilters(q.filters, ['label', 'label!', 'until']);
  const until = (f.get('until') ?? []).map(untilMs);
  const labels = f.get('label') ?? [];
  const notLabels = f.get('label!') ?? [];
  const user = bridgeOf(ctx.daemon).user;
  const deleted: string[] = [];
  // Pre-defined networks are never pruned; user networks with no running container are.
  for (const n of [...(user?.list() ?? [])]) {
    if (user!.members(n).length) continue;
    if (until.length && !until.every((t) => Date.parse(n.Created) < t)) continue;
    if (labels.length && !matchLabels(n.Labels, labels)) continue;
    if (notLabels.length && notLabels.some((l) => matchLabels(n.Labels, [l]))) continue;
    try { await user!.remove(n); deleted.push(n.Name); } catch { /* a container joined meanwhile: kept */ }
  }
  sendJson(ctx.res, 200, { NetworksDeleted: deleted.length ? deleted : null });
}

export const networkRoutes: Route[] = [
  { method: 'GET', path: '/networks', handler: list },
  { method: 'POST', path: '/networks/create', handler: create },
  { method: 'POST', path: '/networks/prune', handler: prune },
  { method: 'GET', path: '/networks/{id}', handler: inspect },
  { method: 'DELETE', path: '/networks/{id}', handler: remove },
  { method: 'POST', path: '/networks/{id}/connect', handler: (ctx) => connectOrDisconnect(ctx, 'connect') },
  { method: 'POST', path: '/networks/{id}/disconnect', handler: (ctx) => connectOrDisconnect(ctx, 'disconnect') },
];
