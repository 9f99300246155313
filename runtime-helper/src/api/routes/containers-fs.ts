// Container filesystem routes: changes (docker diff), export, archive HEAD/GET/PUT (docker cp)
// and commit.
import { join } from 'node:path';
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { parseQuery, queryBool, queryString, queryStringList, readBody } from '../body.js';
import { sendJson, sendNoContent } from '../respond.js';
import { servicesOf } from './containers-services.js';
import { exportRootfs, extractInto, statPath, tarOfPath } from '../../containers/archive.js';
import { containerConfigSchema } from '../../containers/docker-types.js';
import type { ImageRunConfig } from '../../containers/docker-types.js';

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

async function commit(ctx: RequestContext): Promise<void> {
  const { manager, images } = servicesOf(ctx);
  const q = parseQuery(ctx.query, z.object({ container: queryString, repo: queryString, tag: queryString, comment: queryString, author: queryString, pause: queryString, changes: queryStringList }).passthrough(), 'commit');
  const raw = await readBody(ctx.req);
  let override: Partial<ImageRunConfig> = {};
  if (raw.length && raw.toString().trim() !== 'null') {
    const parsed = containerConfigSchema.partial().safeParse(JSON.parse(raw.toString()));
    if (!parsed.success) throw Object.assign(new Error(`commit: invalid config: ${parsed.error.issues.map((i) => i.message).join('; ')}`), { status: 400 });
    override = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined && v !== null && v !== '')) as Partial<ImageRunConfig>;
  }
  const c = manager.get(q.container ?? '');
  const r = c.record;
  const pause = q.pause === undefined || q.pause === '' || q.pause === '1' || q.pause.toLowerCase() === 'true';
  const mustPause = pause && r.State.Running && !r.State.Paused;
  if (mustPause) await manager.pause(r.Id);
  try {
    const cfg = r.Config;
    const config: ImageRunConfig = {
      Env: cfg.Env ?? null, Cmd: cfg.Cmd ?? null, Entrypoint: cfg.Entrypoint ?? null, WorkingDir: cfg.WorkingDir,
      User: cfg.User, Labels: cfg.Labels ?? null, Volumes: cfg.Volumes ?? null, ...(cfg.StopSignal ? { StopSignal: cfg.StopSignal } : {}),
      ...override,
    };
    const id = await images.commit({
      snapshotKey: r.SnapshotKey, parentImageId: r.Image, config, changes: q.changes.flatMap((c) => c.split('\n')).filter(Boolean),
      comment: q.comment ?? '', author: q.author ?? '', containerId: r.Id, ...(q.repo ? { repo: q.repo } : {}), ...(q.tag ? { tag: q.tag } : {}),
    });
    sendJson(ctx.res, 201, { Id: id });
  } finally {
    if (mustPause) await manager.unpause(r.Id).catch(() => {});
  }
}

export const containerFsRoutes: Route[] = [
  { method: 'GET', path: '/containers/{id}/changes', handler: changes },
  { method: 'GET', path: '/containers/{id}/export', handler: exportContainer },
  { method: 'GET', path: '/containers/{id}/archive', handler: archiveStat },
  { method: 'PUT', path: '/containers/{id}/archive', handler: archivePut },
  { method: 'POST', path: '/commit', handler: commit },
];
