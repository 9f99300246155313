// Container lifecycle routes: create, list, inspect, start, stop, kill, restart, pause, unpause,
// wait, remove, rename, resize, update, prune.
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { readJson, parseQuery, queryBool, queryString } from '../body.js';
import { sendJson, sendNoContent } from '../respond.js';
import { parseFilters, matchLabels } from '../filters.js';
import { NotFound } from '../errors.js';
import { createBodySchema, resourcesSchema, restartPolicySchema } from '../../containers/docker-types.js';
import { inspectView, listView } from '../../containers/views.js';
import { networkIdsOf } from '../../network/networks/networks-of.js';
import { servicesOf } from './containers-services.js';
import { updateContainer } from '../../containers/update.js';
import { dirSize } from '../../containers/changes.js';
import { containerSizes } from '../../containers/disk-usage.js';
import { selectContainers } from '../../containers/list-filter.js';
import type { ContainerRecord } from '../../containers/record.js';

const intParam = (what: string) => queryString.transform((v, ctx) => {
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) { ctx.addIssue({ code: 'custom', message: `invalid ${what}: ${v}` }); return z.NEVER; }
  return Number(v);
});

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const containerCreateQuery = z.object({ name: queryString, platform: queryString }).passthrough();
const containerListQuery = z.object({ all: queryBool, size: queryBool, limit: intParam('limit'), filters: queryString }).passthrough();
const containerInspectQuery = z.object({ size: queryBool }).passthrough();
const containerStopQuery = z.object({ t: intParam('timeout'), signal: queryString }).passthrough();
const containerRestartQuery = z.object({ t: intParam('timeout'), signal: queryString }).passthrough();
const containerKillQuery = z.object({ signal: queryString }).passthrough();
const containerWaitQuery = z.object({ condition: z.enum(['', 'not-running', 'next-exit', 'removed']).optional() }).passthrough();
const containerRemoveQuery = z.object({ force: queryBool, v: queryBool, link: queryBool }).passthrough();
const containerRenameQuery = z.object({ name: queryString }).passthrough();
const containerResizeQuery = z.object({ h: intParam('height'), w: intParam('width') }).passthrough();
const containerPruneQuery = z.object({ filters: queryString }).passthrough();

async function create(ctx: RequestContext): Promise<void> {
  const { manager } = servicesOf(ctx);
  const q = parseQuery(ctx.query, containerCreateQuery, 'container create');
  const body = await readJson(ctx.req, createBodySchema, 'container create');
  sendJson(ctx.res, 201, await manager.create(body, q.name));
}

const listFilters = ['status', 'name', 'label', 'ancestor', 'id', 'exited', 'before', 'since', 'volume', 'network', 'health', 'isolation', 'is-task', 'expose', 'publish'] as const;

async function list(ctx: RequestContext): Promise<void> {
  const { manager, images } = servicesOf(ctx);
  const q = parseQuery(ctx.query, containerListQuery, 'container list');
  const filters = parseFilters(q.filters, listFilters);
  const resolve = (ref: string): ContainerRecord => {
    try { return manager.get(ref).record; } catch { throw new NotFound(`no such container ${ref}`); }
  };
  const all = selectContainers(manager.recordsNewestFirst(), { all: q.all, limit: q.limit, filters }, resolve);
  const sizes = q.size ? await Promise.all(all.map((r) => containerSizes(r, images))) : undefined;
  // As dockerd: the name the container was made with while it still names its image, else the image's ID.
  const shownImage = (r: ContainerRecord): string => {
    try { return ctx.daemon.images.resolve(r.ImageRef).id === r.Image ? r.ImageRef : r.Image; } catch { return r.Image; }
  };
  sendJson(ctx.res, 200, all.map((r, i) => ({ ...listView(r, sizes?.[i]), Image: shownImage(r) })));
}

async function inspect(ctx: RequestContext): Promise<void> {
  const { manager, images, execs } = servicesOf(ctx);
  const q = parseQuery(ctx.query, containerInspectQuery, 'container inspect');
  const c = manager.get(ctx.params.id!);
  // GraphDriver's paths are known once the mount create left running is done.
  await c.snapshotReady?.catch(() => undefined);
  const sizes = q.size ? await containerSizes(c.record, images) : undefined;
  // As dockerd: ExecIDs lists the exec sessions still running (ended ones stay inspectable by id).
  const running = c.record.ExecIDs.filter((id) => execs.sessions.get(id)?.running);
  sendJson(ctx.res, 200, { ...inspectView(c.record, running, networkIdsOf(ctx.daemon)), ...(sizes ? { SizeRw: sizes.rw, SizeRootFs: sizes.rootFs } : {}) });
}

async function start(ctx: RequestContext): Promise<void> {
  await servicesOf(ctx).manager.start(ctx.params.id!);
  sendNoContent(ctx.res);
}

async function stop(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, containerStopQuery, 'container stop');
  await servicesOf(ctx).manager.stop(ctx.params.id!, q.t, q.signal);
  sendNoContent(ctx.res);
}

async function restart(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, containerRestartQuery, 'container restart');
  await servicesOf(ctx).manager.restart(ctx.params.id!, q.t, q.signal);
  sendNoContent(ctx.res);
}

async function kill(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, containerKillQuery, 'container kill');
  await servicesOf(ctx).manager.kill(ctx.params.id!, q.signal || 'KILL');
  sendNoContent(ctx.res);
}

async function pause(ctx: RequestContext): Promise<void> {
  await servicesOf(ctx).manager.pause(ctx.params.id!);
  sendNoContent(ctx.res);
}

async function unpause(ctx: RequestContext): Promise<void> {
  await servicesOf(ctx).manager.unpause(ctx.params.id!);
  sendNoContent(ctx.res);
}

async function wait(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, containerWaitQuery, 'container wait');
  const gone = new AbortController();
  const result = servicesOf(ctx).manager.wait(ctx.params.id!, q.condition || 'not-running', gone.signal);
  // Headers go out at once: the docker CLI sends wait before start and waits for them.
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.flushHeaders();
  let closed = false;
  ctx.res.on('close', () => { closed = true; gone.abort(); });
  const body = await result;
  if (!closed) ctx.res.end(JSON.stringify(body));
}

async function remove(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, containerRemoveQuery, 'container remove');
  await servicesOf(ctx).manager.remove(ctx.params.id!, { force: q.force, volumes: q.v });
  sendNoContent(ctx.res);
}

function rename(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, containerRenameQuery, 'container rename');
  servicesOf(ctx).manager.rename(ctx.params.id!, q.name ?? '');
  sendNoContent(ctx.res);
}

function resize(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, containerResizeQuery, 'container resize');
  if (q.h === undefined || q.w === undefined || q.h < 0 || q.w < 0 || q.h > 65535 || q.w > 65535) throw Object.assign(new Error('resize: h and w must be between 0 and 65535'), { status: 400 });
  servicesOf(ctx).manager.resize(ctx.params.id!, q.h, q.w);
  sendNoContent(ctx.res, 200);
}

const updateSchema = resourcesSchema.partial().extend({
  RestartPolicy: restartPolicySchema.optional(),
  MemorySwap: z.number().int().min(-1).optional(),
  KernelMemory: z.number().optional(),
}).passthrough();

async function update(ctx: RequestContext): Promise<void> {
  const body = await readJson(ctx.req, updateSchema, 'container update');
  const warnings = await updateContainer(servicesOf(ctx).manager, ctx.params.id!, body);
  sendJson(ctx.res, 200, { Warnings: warnings });
}

async function prune(ctx: RequestContext): Promise<void> {
  const { manager } = servicesOf(ctx);
  const q = parseQuery(ctx.query, containerPruneQuery, 'container prune');
  const f = parseFilters(q.filters, ['until', 'label', 'label!']);
  const deleted: string[] = [];
  let space = 0;
  for (const c of [...manager.containers.values()]) {
    const r = c.record;
    if (r.State.Running || r.State.Restarting) continue;
    const labels = f.get('label');
    if (labels && !matchLabels(r.Config.Labels, labels)) continue;
    space += await dirSize(r.UpperDir);
    await manager.remove(r.Id, { force: false, volumes: false });
    deleted.push(r.Id);
  }
  manager.opts.events.publish('container', 'prune', '', { reclaimed: String(space) });
  sendJson(ctx.res, 200, { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: space });
}

export const containerRoutes: Route[] = [
  { method: 'POST', path: '/containers/create', handler: create },
  { method: 'GET', path: '/containers/json', handler: list },
  { method: 'POST', path: '/containers/prune', handler: prune },
  { method: 'GET', path: '/containers/{id}/json', handler: inspect },
  { method: 'POST', path: '/containers/{id}/start', handler: start },
  { method: 'POST', path: '/containers/{id}/stop', handler: stop },
  { method: 'POST', path: '/containers/{id}/restart', handler: restart },
  { method: 'POST', path: '/containers/{id}/kill', handler: kill },
  { method: 'POST', path: '/containers/{id}/pause', handler: pause },
  { method: 'POST', path: '/containers/{id}/unpause', handler: unpause },
  { method: 'POST', path: '/containers/{id}/wait', handler: wait },
  { method: 'DELETE', path: '/containers/{id}', handler: remove },
  { method: 'POST', path: '/containers/{id}/rename', handler: rename },
  { method: 'POST', path: '/containers/{id}/resize', handler: resize },
  { method: 'POST', path: '/containers/{id}/update', handler: update },
];
