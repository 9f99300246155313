// Network routes: list, inspect, and the changes berthd cannot make yet (create, remove, connect,
// disconnect) refused as dockerd refuses them for the pre-defined networks, or with a 501 that
// says what is supported. Only the built-in bridge, host and none exist (network/networks/).
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { sendJson } from '../respond.js';
import { parseQuery, readJson, queryString } from '../body.js';
import { parseFilters } from '../filters.js';
import { ApiError, Forbidden, InvalidParameter, NotImplemented } from '../errors.js';
import { servicesOf } from './containers-services.js';
import { networksOf } from '../../network/networks/networks-of.js';
import { builtinNetworkOfMode, builtinNames } from '../../network/networks/builtin-networks.js';
import { endpointsOn } from '../../network/networks/endpoints.js';
import { networkView } from '../../network/networks/network-view.js';
import { filterNetworks, parseNetworkFilters } from '../../network/networks/network-filters.js';
import { findNetwork } from '../../network/networks/find-network.js';

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const listQuery = z.object({ filters: queryString }).passthrough();
const inspectQuery = z.object({ verbose: queryString, scope: queryString }).passthrough();
const pruneQuery = z.object({ filters: queryString }).passthrough();
const createBody = z.object({ Name: z.string().optional().default(''), Driver: z.string().optional().default('') }).passthrough();
const connectBody = z.object({ Container: z.string().optional().default('') }).passthrough();

/** Go's strconv.ParseBool, with dockerd's message for the verbose parameter. */
function parseVerbose(v: string | undefined): boolean {
  if (v === undefined || v === '') return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new InvalidParameter(`invalid value for verbose: ${v}: strconv.ParseBool: parsing "${v}": invalid syntax`);
}

function list(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, listQuery, 'network list');
  const nets = filterNetworks(networksOf(ctx.daemon), parseNetworkFilters(q.filters));
  // As dockerd 20.10: the list leaves Containers empty; inspect fills it.
  sendJson(ctx.res, 200, nets.map((n) => networkView(n, {})));
}

function inspect(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, inspectQuery, 'network inspect');
  parseVerbose(q.verbose); // verbose adds swarm services only: nothing for local networks
  const term = ctx.params.id!;
  // A scope other than local finds nothing here, as on a dockerd outside a swarm.
  const nets = q.scope && q.scope !== 'local' ? [] : networksOf(ctx.daemon);
  const net = findNetwork(nets, term, 'inspect');
  const records = [...servicesOf(ctx).manager.containers.values()].map((c) => c.record);
  sendJson(ctx.res, 200, networkView(net, endpointsOn(net, records)));
}

const isPredefinedName = (name: string): boolean => name === 'default' || (builtinNames as readonly string[]).includes(name);

async function create(ctx: RequestContext): Promise<void> {
  const body = await readJson(ctx.req, createBody, 'network create', {});
  // dockerd's checks before it reaches a driver, with its words (the trailing space is dockerd's).
  if (isPredefinedName(body.Name)) throw new Forbidden(`operation is not permitted on predefined ${body.Name} network `);
  if (body.Driver === 'host' || body.Driver === 'null') throw new Forbidden(`only one instance of "${body.Driver}" network is allowed`);
  if (body.Name === '') throw new ApiError(500, 'invalid name: '); // dockerd 20.10's status for it
  throw new NotImplemented('user-defined networks are not supported by berthd yet (containers get the default network, none, host or container:<id>)');
}

function remove(ctx: RequestContext): void {
  const net = findNetwork(networksOf(ctx.daemon), ctx.params.id!);
  // Every network here is pre-defined.
  throw new Forbidden(`${net.name} is a pre-defined network and cannot be removed`);
}

async function connectOrDisconnect(ctx: RequestContext, action: 'connect' | 'disconnect'): Promise<void> {
  const body = await readJson(ctx.req, connectBody, `network ${action}`, {});
  if (body.Container === '') throw new InvalidParameter('invalid name or ID supplied: ""');
  // As dockerd: the container first, then the network.
  const c = servicesOf(ctx).manager.get(body.Container).record;
  const net = findNetwork(networksOf(ctx.daemon), ctx.params.id!);
  const own = builtinNetworkOfMode(c.HostConfig.NetworkMode);
  const attached = own === net.name && c.State.Running;
  if (action === 'connect') {
    if (net.name === 'host') throw new InvalidParameter('container cannot be disconnected from host network or connected to host network');
    if (own === 'host' || own === undefined) throw new InvalidParameter('container sharing network namespace with another container or host cannot be connected to any other network');
    if (attached) throw new Forbidden(`endpoint with name ${c.Name.replace(/^\//, '')} already exists in network ${net.name}`);
    throw new NotImplemented(`connecting container ${c.Name.replace(/^\//, '')} to network ${net.name} is not supported by berthd yet (a container has the one network of its NetworkMode)`);
  }
  if (!attached) throw new ApiError(500, `container ${c.Id} is not connected to network ${net.name}`);
  if (net.name === 'host') throw new InvalidParameter('container cannot be disconnected from host network or connected to host network');
  throw new NotImplemented(`disconnecting container ${c.Name.replace(/^\//, '')} from network ${net.name} is not supported by berthd yet (a container has the one network of its NetworkMode)`);
}

function prune(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, pruneQuery, 'network prune');
  parseFilters(q.filters, ['label', 'label!', 'until']);
  // Pre-defined networks are never pruned, and there are no others: dockerd's answer for nothing deleted.
  sendJson(ctx.res, 200, { NetworksDeleted: null });
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
