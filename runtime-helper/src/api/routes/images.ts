// Image routes: list, inspect, history, tag, remove, prune, search. Archive routes (import,
// load, save) live in image-archive.ts; pulls go to the registry module's hook.
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { sendJson } from '../respond.js';
import { parseQuery, queryBool, queryString } from '../body.js';
import { parseFilters, boolFilter, matchLabels, globMatch, type Filters } from '../filters.js';
import { InvalidParameter } from '../errors.js';
import { imageSummary, imageInspect, imageHistory, imageCreated, sharedSizes } from '../../images/image-views.js';
import type { ImageRecord } from '../../images/image-store.js';
import type { ImageService } from '../../images/image-service.js';

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const imageListQuery = z.object({ all: queryBool, digests: queryBool, 'shared-size': queryBool, manifests: queryBool, filters: queryString, filter: queryString }).passthrough();
const imageTagQuery = z.object({ repo: queryString, tag: queryString }).passthrough();
const imageRemoveQuery = z.object({ force: queryBool, noprune: queryBool }).passthrough();
const imagePruneQuery = z.object({ filters: queryString }).passthrough();
const imageSearchQuery = z.object({ term: queryString, limit: queryString, filters: queryString }).passthrough();

const listFilterNames = ['dangling', 'label', 'reference', 'before', 'since', 'until'] as const;

/** Docker's reference filter (FamiliarMatch): the pattern against "name:tag", then against "name". */
function matchesReference(svc: ImageService, image: ImageRecord, patterns: readonly string[]): boolean {
  const names = svc.refs.forImage(image.id).flatMap((r) => [r.familiar, r.familiar.replace(/[:@].*$/, '')]);
  return patterns.some((p) => names.some((n) => globMatch(p, n)));
}

/** Newest first, to the millisecond: images made in the same second keep their order. */
function createdMs(image: ImageRecord): number {
  const t = Date.parse(image.config.created ?? image.meta.added);
  return Number.isNaN(t) ? 0 : t;
}

function untilSeconds(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const dur = /^(\d+)(s|m|h)$/.exec(value);
  if (dur) return Date.now() / 1000 - Number(dur[1]) * ({ s: 1, m: 60, h: 3600 }[dur[2] as 's' | 'm' | 'h']);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidParameter(`invalid filter 'until=${value}'`);
  return t / 1000;
}

/**
 * dockerd's reading of dangling=: Go's ExactMatch (any of the values given is the one asked
 * about) with the spellings each endpoint takes (list: true and false; prune: 1 and 0 too);
 * neither gives "Invalid filter 'dangling=[v]'".
 */
export function danglingFilter(f: Filters, numbers: boolean): boolean | undefined {
  const values = f.get('dangling');
  if (!values || values.length === 0) return undefined;
  const has = (v: string): boolean => values.includes(v);
  if (has('true') || (numbers && has('1'))) return true;
  if (has('false') || (numbers && has('0'))) return false;
  throw new InvalidParameter(`Invalid filter 'dangling=[${values.join(' ')}]'`);
}

export function imageFilter(svc: ImageService, raw: string | undefined, allowed: readonly string[] = listFilterNames): (image: ImageRecord) => boolean {
  const f = parseFilters(raw, allowed);
  const dangling = danglingFilter(f, false);
  const labels = f.get('label');
  const refs = f.get('reference');
  const before = f.get('before')?.map((n) => imageCreated(svc.resolve(n)));
  const since = f.get('since')?.map((n) => imageCreated(svc.resolve(n)));
  const until = f.get('until')?.map(untilSeconds);
  return (image) => {
    if (dangling !== undefined && svc.isDangling(image) !== dangling) return false;
    if (labels && !matchLabels(image.config.config?.Labels, labels)) return false;
    if (refs && refs.length && !matchesReference(svc, image, refs)) return false;
    const created = imageCreated(image);
    if (before && !before.every((b) => created < b)) return false;
    if (since && !since.every((s) => created > s)) return false;
    if (until && !until.every((u) => created < u)) return false;
    return true;
  };
}

/**
 * dockerd's rules for which images a list shows: an untagged image with children (a commit's
 * parent) only with all=1; dangling=true only images without children; an untagged image never
 * under dangling=false or a reference filter.
 */
function listedAsDockerd(svc: ImageService, all: boolean, dangling: boolean | undefined, byReference: boolean): (image: ImageRecord) => boolean {
  const parents = new Set(svc.images.list().map((img) => img.meta.parent));
  return (image) => {
    const hasChildren = parents.has(image.id);
    if (dangling === true) return !hasChildren && svc.repoTags(image.id).length === 0;
    if (svc.repoTags(image.id).length > 0 || svc.repoDigests(image.id).length > 0) return true;
    return (all || !hasChildren) && dangling === undefined && !byReference;
  };
}

function list(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, imageListQuery, 'image list');
  const svc = ctx.daemon.images;
  let filters = q.filters;
  // API < 1.28 had a "filter" parameter for a reference.
  if (q.filter) filters = JSON.stringify({ ...(filters ? JSON.parse(filters) as object : {}), reference: [q.filter] });
  const keep = imageFilter(svc, filters);
  const parsed = parseFilters(filters, listFilterNames);
  const visible = listedAsDockerd(svc, q.all ?? false, danglingFilter(parsed, false), parsed.has('reference'));
  const images = svc.images.list().filter((img) => keep(img) && visible(img)).sort((a, b) => createdMs(b) - createdMs(a));
  // Like dockerd: with a reference filter, only the matching names are shown.
  const patterns = parsed.get('reference');
  const matching = (name: string): boolean => !patterns?.length || patterns.some((p) => globMatch(p, name) || globMatch(p, name.replace(/[:@].*$/, '')));
  const shared = q['shared-size'] ? sharedSizes(svc, svc.images.list()) : undefined;
  sendJson(ctx.res, 200, images.map((img) => {
    const summary = imageSummary(svc, img, ctx.version, shared?.get(img.id));
    return { ...summary, RepoTags: (summary.RepoTags as string[]).filter(matching), RepoDigests: (summary.RepoDigests as string[]).filter(matching) };
  }));
}

function inspect(ctx: RequestContext): void {
  const svc = ctx.daemon.images;
  const image = svc.resolve(ctx.params.name ?? '');
  sendJson(ctx.res, 200, imageInspect(svc, image, ctx.daemon.storageDriver, ctx.version));
}

function history(ctx: RequestContext): void {
  const svc = ctx.daemon.images;
  sendJson(ctx.res, 200, imageHistory(svc, svc.resolve(ctx.params.name ?? '')));
}

function tag(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, imageTagQuery, 'image tag');
  if (!q.repo) throw new InvalidParameter('image tag: repo is required');
  if (q.tag !== undefined && q.tag !== '' && !/^[\w][\w.-]{0,127}$/.test(q.tag)) throw new InvalidParameter(`invalid tag format: "${q.tag}"`);
  ctx.daemon.images.tag(ctx.params.name ?? '', q.repo, q.tag || undefined);
  ctx.res.writeHead(201);
  ctx.res.end();
}

function remove(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, imageRemoveQuery, 'image remove');
  sendJson(ctx.res, 200, ctx.daemon.images.remove(ctx.params.name ?? '', q));
}

function prune(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, imagePruneQuery, 'image prune');
  const svc = ctx.daemon.images;
  const f = parseFilters(q.filters, ['dangling', 'label', 'label!', 'until']);
  // The CLI always sends dangling=true (or false with -a) besides what the user gave.
  const dangling = danglingFilter(f, true);
  const notLabels = f.get('label!');
  const rest = { ...Object.fromEntries([...f].filter(([k]) => k !== 'dangling' && k !== 'label!')) };
  const keep = imageFilter(svc, JSON.stringify(rest), ['label', 'until']);
  const result = svc.prune({
    all: dangling === false,
    match: (img) => keep(img) && !(notLabels && notLabels.length && matchLabels(img.config.config?.Labels, notLabels)),
  });
  sendJson(ctx.res, 200, { ImagesDeleted: result.ImagesDeleted.length ? result.ImagesDeleted : null, SpaceReclaimed: result.SpaceReclaimed });
}

/** Local search: repositories in the store whose name contains the term. */
function search(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, imageSearchQuery, 'image search');
  if (!q.term) throw new InvalidParameter('image search: term is required');
  const limit = q.limit ? Number(q.limit) : 25;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidParameter(`image search: invalid limit "${q.limit}" (1 to 100)`);
  const f = parseFilters(q.filters, ['is-official', 'is-automated', 'stars']);
  const official = boolFilter(f, 'is-official');
  const svc = ctx.daemon.images;
  const repos = new Map<string, ImageRecord>();
  for (const r of svc.refs.all()) {
    const name = r.familiar.replace(/[:@].*$/, '');
    if (!name.includes(q.term)) continue;
    if (official !== undefined && official !== !name.includes('/')) continue;
    if (!repos.has(name) && svc.images.has(r.imageId)) repos.set(name, svc.images.get(r.imageId));
  }
  const results = [...repos].slice(0, limit).map(([name, img]) => ({
    name, description: img.config.config?.Labels?.['org.opencontainers.image.description'] ?? '',
    star_count: 0, is_official: !name.includes('/'), is_automated: false,
  }));
  sendJson(ctx.res, 200, results);
}

export const imageRoutes: Route[] = [
  { method: 'GET', path: '/images/json', handler: list },
  { method: 'GET', path: '/images/search', handler: search },
  { method: 'POST', path: '/images/prune', handler: prune },
  { method: 'GET', path: '/images/{name:.*}/json', handler: inspect },
  { method: 'GET', path: '/images/{name:.*}/history', handler: history },
  { method: 'POST', path: '/images/{name:.*}/tag', handler: tag },
  { method: 'DELETE', path: '/images/{name:.*}', handler: remove },
];
