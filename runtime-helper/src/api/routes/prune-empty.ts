// Prunes of resources berthd does not have: user-defined networks and a build cache. `docker
// system prune` calls them between the container and image prunes and stops at the first error,
// so they answer what is true here: nothing deleted, nothing reclaimed.
import type { Route, RequestContext } from '../context.js';
import { sendJson } from '../respond.js';
import { parseQuery, queryString } from '../body.js';
import { parseFilters } from '../filters.js';
import { z } from 'zod';

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const buildCachePruneQuery = z.object({ filters: queryString, all: queryString, 'keep-storage': queryString }).passthrough();

const pruneQuery = z.object({ filters: queryString }).passthrough();

function networksPrune(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, pruneQuery, 'network prune');
  parseFilters(q.filters, ['label', 'label!', 'until']);
  sendJson(ctx.res, 200, { NetworksDeleted: null });
}

function buildPrune(ctx: RequestContext): void {
  parseQuery(ctx.query, buildCachePruneQuery, 'build cache prune');
  sendJson(ctx.res, 200, { CachesDeleted: null, SpaceReclaimed: 0 });
}

export const emptyPruneRoutes: Route[] = [
  { method: 'POST', path: '/networks/prune', handler: networksPrune },
  { method: 'POST', path: '/build/prune', handler: buildPrune },
];
