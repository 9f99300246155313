// Volume routes: create, list, inspect, remove, prune (the local driver only; its options type,
// device and o are checked by the store and mounted per container by volumes/local-mounts.ts).
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { readJson, parseQuery, queryBool, queryString } from '../body.js';
import { sendJson, sendNoContent } from '../respond.js';
import { goRegExp } from '../go-regexp.js';
import { danglingFilter } from './images.js';
import { parseFilters, matchLabels } from '../filters.js';
import { servicesOf } from './containers-services.js';
import type { ContainerServices } from '../../containers/services.js';
import { VolumeError, volumeView } from '../../volumes/volume-store.js';
import { dirSize } from '../../containers/changes.js';

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const volumeListQuery = z.object({ filters: queryString }).passthrough();
const volumeRemoveQuery = z.object({ force: queryBool }).passthrough();
const volumePruneQuery = z.object({ filters: queryString }).passthrough();

const createSchema = z.object({
  Name: z.string().optional().default(''),
  Driver: z.string().optional().default('local'),
  DriverOpts: z.record(z.string(), z.string()).nullish(),
  Labels: z.record(z.string(), z.string()).nullish(),
}).passthrough();


async function create(ctx: RequestContext): Promise<void> {
  const { volumes, manager } = servicesOf(ctx);
  const body = await readJson(ctx.req, createSchema, 'volume create', {});
  const { volume, created } = volumes.create(body.Name || undefined, { labels: body.Labels ?? {}, driver: body.Driver, options: body.DriverOpts ?? {} });
  if (created) manager.opts.events.publish('volume', 'create', volume.Name, { driver: 'local' });
  sendJson(ctx.res, 201, volumeView(volume));
}

function list(ctx: RequestContext): void {
  const { volumes, manager } = servicesOf(ctx);
  const q = parseQuery(ctx.query, volumeListQuery, 'volume list');
  const f = parseFilters(q.filters, ['name', 'label', 'dangling', 'driver']);
  const dangling = danglingFilter(f, true);
  const out = volumes.list().filter((v) => {
    const names = f.get('name');
    // As dockerd: a Go regular expression (one that does not compile matches nothing).
    if (names && !names.some((n) => goRegExp(n)?.test(v.Name) === true)) return false;
    const labels = f.get('label');
    if (labels && !matchLabels(v.Labels, labels)) return false;
    if (dangling !== undefined && manager.volumeInUse(v.Name) === dangling) return false;
    return true;
  });
  sendJson(ctx.res, 200, { Volumes: out.map((v) => volumeView(v)), Warnings: null });
}

function inspect(ctx: RequestContext): void {
  const v = servicesOf(ctx).volumes.get(ctx.params.name!);
  if (!v) throw new VolumeError(404, `get ${ctx.params.name}: no such volume`);
  sendJson(ctx.res, 200, volumeView(v));
}

async function remove(ctx: RequestContext): Promise<void> {
  const { volumes, manager } = servicesOf(ctx);
  const q = parseQuery(ctx.query, volumeRemoveQuery, 'volume remove');
  const name = ctx.params.name!;
  if (!volumes.get(name)) {
    if (q.force) { sendNoContent(ctx.res); return; }
    throw new VolumeError(404, `get ${name}: no such volume`);
  }
  const users = [...manager.containers.values()].filter((c) => c.record.Mounts.some((m) => m.name === name)).map((c) => c.record.Id);
  if (users.length) throw new VolumeError(409, `remove ${name}: volume is in use - [${users.join(', ')}]`);
  await unmountForRemoval(volumes, name);
  volumes.remove(name);
  manager.opts.events.publish('volume', 'destroy', name, { driver: 'local' });
  sendNoContent(ctx.res);
}

/** A volume with options left mounted (no container uses it) is unmounted before its directory
 * goes, so that the delete never walks into the mounted filesystem. */
async function unmountForRemoval(volumes: ContainerServices['volumes'], name: string): Promise<void> {
  try { await volumes.mounts.unmountUnused(name); } catch (e) {
    throw new VolumeError(500, `remove ${name}: ${(e as Error).message}`);
  }
}

async function prune(ctx: RequestContext): Promise<void> {
  const { volumes, manager } = servicesOf(ctx);
  const q = parseQuery(ctx.query, volumePruneQuery, 'volume prune');
  const f = parseFilters(q.filters, ['label', 'label!', 'all']);
  const all = f.get('all')?.[0] === 'true' || f.get('all')?.[0] === '1';
  const deleted: string[] = [];
  let space = 0;
  for (const v of volumes.list()) {
    if (manager.volumeInUse(v.Name)) continue;
    if (!all && !v.Anonymous) continue; // Docker 23+: only anonymous volumes unless all=true
    const labels = f.get('label');
    if (labels && !matchLabels(v.Labels, labels)) continue;
    await unmountForRemoval(volumes, v.Name);
    space += await dirSize(v.Mountpoint);
    volumes.remove(v.Name);
    manager.opts.events.publish('volume', 'destroy', v.Name, { driver: 'local' });
    deleted.push(v.Name);
  }
  sendJson(ctx.res, 200, { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: space });
}

export const volumeRoutes: Route[] = [
  { method: 'POST', path: '/volumes/create', handler: create },
  { method: 'GET', path: '/volumes', handler: list },
  { method: 'POST', path: '/volumes/prune', handler: prune },
  { method: 'GET', path: '/volumes/{name}', handler: inspect },
  { method: 'DELETE', path: '/volumes/{name}', handler: remove },
];
