// POST /commit: a container's snapshot becomes an image. The container lifecycle tells which
// snapshot and image a container has (daemon.hooks.containerForCommit); the store does the rest.
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { parseQuery, queryBool, queryString, queryStringList, readJson } from '../body.js';
import { sendJson } from '../respond.js';
import { InvalidParameter, NotFound } from '../errors.js';
import { prepareImport } from '../../images/archive/import-rootfs.js';

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const commitQuery = z.object({
    container: queryString, repo: queryString, tag: queryString, comment: queryString, author: queryString,
    pause: queryBool, changes: queryStringList,
  }).passthrough();

const configBody = z.object({
  Hostname: z.string().optional(), Domainname: z.string().optional(), User: z.string().optional(),
  Env: z.array(z.string()).nullable().optional(), Cmd: z.array(z.string()).nullable().optional(),
  Entrypoint: z.array(z.string()).nullable().optional(), WorkingDir: z.string().optional(),
  Labels: z.record(z.string(), z.string()).nullable().optional(),
  ExposedPorts: z.record(z.string(), z.object({})).nullable().optional(),
  Volumes: z.record(z.string(), z.object({})).nullable().optional(),
  StopSignal: z.string().optional(), OnBuild: z.array(z.string()).nullable().optional(),
}).passthrough().nullable();

async function commit(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, commitQuery, 'commit');
  const body = await readJson(ctx.req, configBody, 'commit: container config', null);
  if (!q.container) throw new InvalidParameter('commit: container is required');
  // Names and changes are checked before any work.
  prepareImport({ ...(q.repo ? { repo: q.repo } : {}), ...(q.tag ? { tag: q.tag } : {}), changes: q.changes });
  const lookup = ctx.daemon.hooks.containerForCommit;
  const target = lookup ? await lookup(q.container) : undefined;
  if (!target) throw new NotFound(`No such container: ${q.container}`);
  // As dockerd: a running container is paused for the commit unless pause=0; no pause parameter
  // (what the CLI sends by default) means pause.
  const pause = (ctx.query.get('pause') ?? '') === '' ? true : q.pause;
  const thaw = pause && target.freeze ? await target.freeze() : undefined;
  let id: string;
  try {
    id = await ctx.daemon.images.commit({
      snapshotKey: target.snapshotKey, parentImageId: target.imageId, containerId: target.containerId,
      config: { ...target.config, ...(body ?? {}) }, changes: q.changes,
      // As dockerd: the history entry names the container's command, the event the container.
      createdBy: (target.config.Cmd ?? []).join(' '),
      eventAttributes: { ...target.labels, image: target.image, name: target.name },
      ...(q.comment ? { comment: q.comment } : {}), ...(q.author ? { author: q.author } : {}),
      ...(q.repo ? { repo: q.repo } : {}), ...(q.tag ? { tag: q.tag } : {}),
    });
  } finally {
    await thaw?.();
  }
  sendJson(ctx.res, 201, { Id: id });
}

export const commitRoutes: Route[] = [{ method: 'POST', path: '/commit', handler: commit }];
