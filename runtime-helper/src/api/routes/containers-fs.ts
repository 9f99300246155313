// Container filesystem routes: changes (docker diff), export, archive HEAD/GET/PUT (docker cp)
// (commit is the image store's route, fed by the containers' commit hook).
import { join } from 'node:path';
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { parseQuery, queryBool, queryString } from '../body.js';
import { sendJson, sendNoContent } from '../respond.js';
import { servicesOf } from './containers-services.js';
import { exportRootfs, extractInto, statPath, tarOfPath } from '../../containers/archive.js';

async function rootOf(ctx: RequestContext): Promise<{ id: string; rootfs: string; readonly: boolean }> {
  const { manager, images } = servicesOf(ctx);
  const c = manager.get(ctx.params.id!);
  // Mounts the snapshot again if it is not (a stopped container after a reboot).
  const snap = await images.prepare(c.record.SnapshotKey, c.record.Image);
  return { id: c.record.Id, rootfs: snap.rootfs, readonly: c.record.HostConfig.ReadonlyRootfs };
}

async function changes(ctx: RequestContext): Promise<void> {
  const { manager, images } = servicesOf(ctx);
  const c = manager.get(ctx.params.id!);
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
  const { rootfs, id } = await rootOf(ctx);
  const { host, stat } = statPath(rootfs, q.path ?? '', id);
  ctx.res.setHeader('X-Docker-Container-Path-Stat', Buffer.from(JSON.stringify(stat)).toString('base64'));
  if (ctx.req.method === 'HEAD') { sendNoContent(ctx.res, 200); return; }
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  tarOfPath(host).pipe(ctx.res);
}

async function archivePut(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, z.object({ path: queryString, noOverwriteDirNonDir: queryBool, copyUIDGID: queryBool }).passthrough(), 'container archive');
  const { rootfs, id, readonly } = await rootOf(ctx);
  if (readonly) throw Object.assign(new Error(`container rootfs is marked read-only`), { status: 403 });
  await extractInto(rootfs, q.path ?? '', ctx.req, id, join(servicesOf(ctx).manager.opts.dataRoot, 'tmp'));
  sendNoContent(ctx.res, 200);
}

export const containerFsRoutes: Route[] = [
  { method: 'GET', path: '/containers/{id}/changes', handler: changes },
  { method: 'GET', path: '/containers/{id}/export', handler: exportContainer },
  { method: 'GET', path: '/containers/{id}/archive', handler: archiveStat },
  { method: 'PUT', path: '/containers/{id}/archive', handler: archivePut },
];
