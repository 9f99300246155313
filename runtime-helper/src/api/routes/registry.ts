// Registry routes: pull (the POST /images/create hook), push, login (POST /auth) and search.
// Credentials arrive in X-Registry-Auth (push, pull) or the body (auth) and are handed to the
// registry client only: never logged, never echoed.
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import type { Daemon } from '../../daemon/daemon.js';
import { parseQuery, queryString, readJson } from '../body.js';
import { ProgressStream } from '../progress.js';
import { sendJson } from '../respond.js';
import { parseFilters } from '../filters.js';
import { InvalidParameter, NotFound, Unauthorized } from '../errors.js';
import { RegistryService, settingsFromConfig } from '../../registry/service.js';
import { Puller } from '../../registry/pull.js';
import { Pusher } from '../../registry/push.js';
import { checkLogin } from '../../registry/login.js';
import { searchRegistry } from '../../registry/search.js';
import { decodeRegistryAuthHeader, type Credentials } from '../../registry/credentials.js';
import { parsePlatform } from '../../registry/manifest.js';
import { parseReference, withDefaultTag, familiarString, repositoryName, canonicalString, type ImageReference } from '../../registry/reference.js';
import { RegistryError } from '../../registry/errors.js';
import { verifiedPullReference } from '../../registry/signatures/verify-pull.js';
import { ImageServicePullStore } from '../../registry/image-service-store.js';
import { pushSourceFor } from '../../registry/image-service-push-source.js';
import type { ProgressMessage } from '../../registry/progress.js';

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const imagePushQuery = z.object({ tag: queryString, platform: queryString }).passthrough();
const imageSearchQuery = z.object({ term: queryString, limit: queryString, filters: queryString }).passthrough();

const services = new WeakMap<Daemon, RegistryService>();

export function registryService(daemon: Daemon): RegistryService {
  let s = services.get(daemon);
  if (!s) { s = new RegistryService(settingsFromConfig(daemon.config)); services.set(daemon, s); }
  return s;
}

/** Hooks the pull into POST /images/create and closes connections at stop. */
export function installRegistry(daemon: Daemon): void {
  const service = registryService(daemon);
  daemon.hooks.pullImage = pull;
  daemon.addService({ name: 'registry', stop: () => service.close() });
}

function credentialsOf(ctx: RequestContext): Credentials | undefined {
  const h = ctx.req.headers['x-registry-auth'];
  return decodeRegistryAuthHeader(Array.isArray(h) ? h[0] : h);
}

function parseName(name: string, what: string): ImageReference {
  try { return parseReference(name); } catch (err) { throw new InvalidParameter(`${what}: ${(err as Error).message}`); }
}

/** Cancels the registry work when the client goes away (docker CLI ^C). */
function abortOnDisconnect(ctx: RequestContext): AbortController {
  const abort = new AbortController();
  ctx.res.on('close', () => { if (!ctx.res.writableFinished) abort.abort(new Error('client disconnected')); });
  return abort;
}

const pullQuery = z.object({ fromImage: queryString, tag: queryString, platform: queryString }).passthrough();

async function pull(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, pullQuery, 'image pull');
  let ref = parseName(q.fromImage ?? '', 'image pull');
  if (q.tag) {
    if (q.tag.startsWith('sha256:')) ref = parseName(`${repositoryName(ref)}@${q.tag}`, 'image pull');
    else if (ref.tag === undefined && ref.digest === undefined) ref = parseName(`${repositoryName(ref)}:${q.tag}`, 'image pull');
  }
  ref = withDefaultTag(ref);
  const platform = q.platform ? parsePlatform(q.platform) : undefined;
  const service = registryService(ctx.daemon);
  const policy = await service.policy();
  const svc = ctx.daemon.images;
  const progress = new ProgressStream(ctx.res);
  const abort = abortOnDisconnect(ctx);
  const credentials = credentialsOf(ctx);
  try {
    // signedBy: signatures verified first; the pull then goes by the verified digest.
    const reference = await verifiedPullReference(service.ctx, policy, ref, credentials, platform);
    const puller = new Puller(service.ctx, new ImageServicePullStore(svc, repositoryName(ref)), policy);
    const r = await puller.pull({
      reference,
      progress: (m: ProgressMessage) => progress.send(m),
      signal: abort.signal,
      ...(platform ? { platform } : {}),
      ...(credentials ? { credentials } : {}),
    });
    ctx.daemon.events.publish('image', 'pull', familiarString(ref), { name: familiarString(ref) });
    void r;
    progress.end();
  } catch (err) {
    ctx.daemon.log.info({ image: canonicalString(ref), err: (err as Error).message }, 'pull failed');
    progress.fail(err);
  }
}

async function push(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, imagePushQuery, 'image push');
  const base = parseName(ctx.params.name ?? '', 'image push');
  if (base.digest !== undefined) throw new InvalidParameter('image push: cannot push a digest reference');
  const svc = ctx.daemon.images;
  // No tag: every tag of the repository, as `docker push --all-tags`.
  const targets: ImageReference[] = q.tag || base.tag
    ? [{ ...base, tag: q.tag || base.tag! }]
    : svc.refs.all().filter((r) => r.ref.tag !== undefined && repositoryName(r.ref) === repositoryName(base)).map((r) => r.ref);
  if (targets.length === 0) throw new NotFound(`An image does not exist locally with the tag: ${familiarString(base)}`);
  const images = targets.map((t) => {
    const id = svc.refs.get(t);
    if (!id || !svc.images.has(id)) throw new NotFound(`An image does not exist locally with the tag: ${familiarString(t)}`);
    return { ref: t, id };
  });
  const service = registryService(ctx.daemon);
  const progress = new ProgressStream(ctx.res);
  const credentials = credentialsOf(ctx);
  try {
    for (const { ref, id } of images) {
      const { source, mountFrom } = await pushSourceFor(svc, id);
      await new Pusher(service.ctx).push({
        reference: ref, source, mountFrom,
        progress: (m: ProgressMessage) => progress.send(m),
        ...(credentials ? { credentials } : {}),
      });
      ctx.daemon.events.publish('image', 'push', familiarString(ref), { name: familiarString(ref) });
    }
    progress.end();
  } catch (err) {
    ctx.daemon.log.info({ image: familiarString(base), err: (err as Error).message }, 'push failed');
    progress.fail(err);
  }
}

const authBody = z.object({
  username: z.string().optional(),
  password: z.string().optional(),
  serveraddress: z.string().optional(),
  email: z.string().optional(),
  identitytoken: z.string().optional(),
  registrytoken: z.string().optional(),
}).passthrough();

async function login(ctx: RequestContext): Promise<void> {
  const body = await readJson(ctx.req, authBody, 'login', {});
  const credentials: Credentials = {
    ...(body.username ? { username: body.username } : {}),
    ...(body.password ? { password: body.password } : {}),
    ...(body.identitytoken ? { identityToken: body.identitytoken } : {}),
    ...(body.registrytoken ? { registryToken: body.registrytoken } : {}),
  };
  if (!(credentials.username && credentials.password) && !credentials.identityToken && !credentials.registryToken) {
    throw new InvalidParameter('login: a username and password (or an identity token) are required');
  }
  try {
    await checkLogin(registryService(ctx.daemon).ctx, body.serveraddress ?? '', credentials);
  } catch (err) {
    if (err instanceof RegistryError && err.code === 'unauthorized') throw new Unauthorized(err.message);
    throw err;
  }
  sendJson(ctx.res, 200, { Status: 'Login Succeeded', IdentityToken: '' });
}

async function search(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, imageSearchQuery, 'image search');
  if (!q.term) throw new InvalidParameter('image search: term is required');
  const limit = q.limit ? Number(q.limit) : 25;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidParameter(`image search: invalid limit "${q.limit}" (1 to 100)`);
  const f = parseFilters(q.filters, ['is-official', 'is-automated', 'stars']);
  // Several stars filters: the highest counts, as in dockerd.
  const starValues = f.get('stars') ?? [];
  for (const v of starValues) if (!/^\d+$/.test(v)) throw new InvalidParameter(`image search: invalid filter 'stars=${v}'`);
  const stars = starValues.length > 0 ? Math.max(...starValues.map(Number)) : undefined;
  const boolOf = (key: string) => {
    const v = f.get(key)?.[0];
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false' && v !== '1' && v !== '0') throw new InvalidParameter(`image search: invalid filter '${key}=${v}'`);
    return v === 'true' || v === '1';
  };
  const isOfficial = boolOf('is-official');
  const isAutomated = boolOf('is-automated');
  const credentials = credentialsOf(ctx);
  const results = await searchRegistry(registryService(ctx.daemon).ctx, {
    term: q.term, limit,
    ...(stars !== undefined ? { stars } : {}),
    ...(isOfficial !== undefined ? { isOfficial } : {}),
    ...(isAutomated !== undefined ? { isAutomated } : {}),
    ...(credentials ? { credentials } : {}),
  });
  sendJson(ctx.res, 200, results);
}

export const registryRoutes: Route[] = [
  { method: 'POST', path: '/images/{name:.*}/push', handler: push },
  { method: 'POST', path: '/auth', handler: login },
  { method: 'GET', path: '/images/search', handler: search },
];
