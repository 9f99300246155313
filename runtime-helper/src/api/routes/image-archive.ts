// Image archive routes: POST /images/create (import with fromSrc; pulls go to the registry
// hook), POST /images/load, GET /images/get and GET /images/{name}/get.
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { parseQuery, queryBool, queryString, queryStringList } from '../body.js';
import { ProgressStream } from '../progress.js';
import { InvalidParameter, NotImplemented } from '../errors.js';
import { importRootfs, prepareImport } from '../../images/archive/import-rootfs.js';
import { loadArchive } from '../../images/archive/load.js';
import { checkSavable, saveImages, selectImages } from '../../images/archive/save.js';

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const imageLoadQuery = z.object({ quiet: queryBool, platform: queryString }).passthrough();
const imageSaveQuery = z.object({ names: queryStringList, platform: queryString }).passthrough();

const createQuery = z.object({
  fromSrc: queryString, fromImage: queryString, repo: queryString, tag: queryString, message: queryString,
  changes: queryStringList, platform: queryString,
}).passthrough();

async function create(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, createQuery, 'image create');
  if (q.fromImage !== undefined) {
    if (!ctx.daemon.hooks.pullImage) throw new NotImplemented('pulling images is not available in this daemon (no registry module)');
    await ctx.daemon.hooks.pullImage(ctx);
    return;
  }
  if (q.fromSrc === undefined) throw new InvalidParameter('image create: fromImage or fromSrc is required');
  if (q.fromSrc !== '-') throw new InvalidParameter(`image import: only fromSrc=- (the request body) is supported, not "${q.fromSrc}"`);
  const opts = {
    ...(q.repo ? { repo: q.repo } : {}), ...(q.tag ? { tag: q.tag } : {}), ...(q.message ? { message: q.message } : {}),
    ...(q.platform ? { platform: q.platform } : {}), changes: q.changes,
  };
  prepareImport(opts); // bad names and changes fail before the body is read
  const progress = new ProgressStream(ctx.res);
  try {
    const id = await importRootfs(ctx.daemon.images, ctx.req, opts);
    progress.send({ status: id });
    progress.end();
  } catch (err) {
    ctx.req.resume();
    progress.fail(err);
  }
}

async function load(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, imageLoadQuery, 'image load');
  const progress = new ProgressStream(ctx.res);
  // As dockerd: the 200 goes out at once, so every error is in the stream.
  progress.start();
  try {
    const loaded = await loadArchive(ctx.daemon.images, ctx.req, () => {});
    for (const img of loaded) {
      if (img.names.length === 0) progress.send({ stream: `Loaded image ID: ${img.id}\n` });
      for (const n of img.names) {
        const previous = img.replaced[n];
        // dockerd's words, its "empty string" included.
        if (previous !== undefined) progress.send({ stream: `The image ${n} already exists, renaming the old one with ID ${previous} to empty string\n` });
        progress.send({ stream: `Loaded image: ${n}\n` });
      }
    }
    void q;
    progress.end();
  } catch (err) {
    ctx.req.resume();
    progress.fail(err);
  }
}

async function save(ctx: RequestContext, names: string[]): Promise<void> {
  if (names.length === 0) throw new InvalidParameter('image save: no image names given');
  const selection = selectImages(ctx.daemon.images, names);
  checkSavable(ctx.daemon.images, selection);
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  await saveImages(ctx.daemon.images, selection, ctx.res);
}

async function saveMany(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, imageSaveQuery, 'image save');
  await save(ctx, q.names);
}

async function saveOne(ctx: RequestContext): Promise<void> {
  await save(ctx, [ctx.params.name ?? '']);
}

export const imageArchiveRoutes: Route[] = [
  { method: 'POST', path: '/images/create', handler: create },
  { method: 'POST', path: '/images/load', handler: load },
  { method: 'GET', path: '/images/get', handler: saveMany },
  { method: 'GET', path: '/images/{name:.*}/get', handler: saveOne },
];
