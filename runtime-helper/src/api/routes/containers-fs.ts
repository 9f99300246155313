// Container filesystem routes: changes (docker diff), export, archive HEAD/GET/PUT (docker cp,
// through the container's view: its root plus its binds and volumes)
// (commit is the image store's route, fed by the containers' commit hook).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedMount } from '../../oci/from-docker-config.js';
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { parseQuery, queryBool, queryString } from '../body.js';
import { sendJson, sendNoContent } from '../respond.js';
import { servicesOf } from './containers-services.js';
import { exportRootfs, extractInto, statPath, tarOfPath } from '../../containers/archive.js';
import { containerView, type ContainerView } from '../../containers/container-view.js';

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const containerArchiveQuery = z.object({ path: queryString, noOverwriteDirNonDir: queryBool, copyUIDGID: queryBool }).passthrough();

async function rootOf(ctx: RequestContext): Promise<{ id: string; rootfs: string; view: ContainerView }> {
  const { manager } = servicesOf(ctx);
  const c = manager.get(ctx.params.id!);
  // Mounts the snapshot again if it is not (a stopped container after a reboot).
  const snap = await manager.prepareSnapshot(c);
  const r = c.record;
  // The /etc files berthd binds in are mounts of the view too (docker cp reads and writes them
  // there, as dockerd does), unless the user mounted a file of their own at that place.
  const etc = ([['/etc/hostname', r.HostnamePath], ['/etc/hosts', r.HostsPath], ['/etc/resolv.conf', r.ResolvConfPath]] as const)
    .filter(([dest, source]) => source && existsSync(source) && !r.Mounts.some((m) => m.destination === dest))
    .map(([destination, source]): ResolvedMount => ({ type: 'bind', source, destination, readOnly: r.HostConfig.ReadonlyRootfs }));
  return { id: r.Id, rootfs: snap.rootfs, view: containerView(snap.rootfs, [...r.Mounts, ...etc], r.HostConfig.ReadonlyRootfs) };
}

async function changes(ctx: RequestContext): Promise<void> {
  const { manager, images } = servicesOf(ctx);
  const c = manager.get(ctx.params.id!);
  await manager.prepareSnapshot(c); // create may have left it mounting
  const list = await images.changes(c.record.SnapshotKey);
  sendJson(ctx.res, 200, list.length ? list : null);
}

async function exportContainer(ctx: RequestContext): Promise<void> {
  const { rootfs, id } = await rootOf(ctx);
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  exportRootfs(rootfs).pipe(ctx.res);
  servicesOf(ctx).manager.emit(servicesOf(ctx).manager.get(id).record, 'export');
}

const pathQuery = z.object({ path: queryString }).passthrough();

async function archiveStat(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, pathQuery, 'container archive');
  const { view } = await rootOf(ctx);
  // Messages name the container as the client did, as dockerd's do.
  const { target, stat } = statPath(view, q.path ?? '', ctx.params.id!);
  ctx.res.setHeader('X-Docker-Container-Path-Stat', Buffer.from(JSON.stringify(stat)).toString('base64'));
  if (ctx.req.method === 'HEAD') { sendNoContent(ctx.res, 200); return; }
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  tarOfPath(view, target, q.path ?? '').pipe(ctx.res);
}

async function archivePut(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, containerArchiveQuery, 'container archive');
  const { view } = await rootOf(ctx);
  await extractInto(view, q.path ?? '', ctx.req, ctx.params.id!, join(servicesOf(ctx).manager.opts.dataRoot, 'tmp'));
  sendNoContent(ctx.res, 200);
}

export const containerFsRoutes: Route[] = [
  { method: 'GET', path: '/containers/{id}/changes', handler: changes },
  { method: 'GET', path: '/containers/{id}/export', handler: exportContainer },
  { method: 'GET', path: '/containers/{id}/archive', handler: archiveStat },
  { method: 'PUT', path: '/containers/{id}/archive', handler: archivePut },
];
