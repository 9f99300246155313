// Matches /vX.YY/-prefixed and unversioned paths against the registered routes and runs the
// handler; every error becomes Docker's JSON error in one place.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../util/log.js';
import type { Daemon } from '../daemon/daemon.js';
import type { Route, RequestContext } from './context.js';
import { InvalidParameter, NotFound, ApiError, toHttpError } from './errors.js';
import { apiVersion, minApiVersion, compareApiVersions } from './version.js';
import { sendError } from './respond.js';

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.+?^$()[\]\\|]/g, (c) => (c === '.' ? '\\.' : `\\${c}`))
    .replace(/\{(\w+)(?::\\\.\*)?\}/g, (whole, name: string) => {
      names.push(name);
      return whole.includes(':') ? '(.+)' : '([^/]+)';
    });
  return { ...route, regex: new RegExp(`^${source}/?$`), names };
}

const versionPrefix = /^\/v(\d+\.\d+)(\/.*)$/;

export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: Route[], private readonly daemon: Daemon, private readonly log: Logger) {
    this.routes = routes.map(compile);
  }

  async handle(req: IncomingMessage, res: ServerResponse, upgrade?: { socket: Duplex; head: Buffer }): Promise<void> {
    const started = Date.now();
    // Every answer, errors included, tells the client which API this is (the CLI reads it).
    res.setHeader('Api-Version', apiVersion);
    res.setHeader('Server', `Berth/${this.daemon.version} (linux)`);
    try {
      await this.dispatch(req, res, upgrade);
    } catch (err) {
      const { status, message } = toHttpError(err);
      const level = status >= 500 ? 'error' : 'debug';
      this.log[level]({ method: req.method, url: req.url, status, err: status >= 500 ? err : undefined }, message);
      sendError(res, status, message);
    } finally {
      this.log.debug({ method: req.method, url: req.url, status: res.statusCode, ms: Date.now() - started }, 'request');
    }
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, upgrade?: { socket: Duplex; head: Buffer }): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://berth');
    let path = url.pathname;
    let version = apiVersion;
    const m = versionPrefix.exec(path);
    if (m) {
      version = m[1] ?? apiVersion;
      path = m[2] ?? '/';
      if (compareApiVersions(version, apiVersion) > 0) {
        throw new InvalidParameter(`client version ${version} is too new. Maximum supported API version is ${apiVersion}`);
      }
      if (compareApiVersions(version, minApiVersion) < 0) {
        throw new InvalidParameter(`client version ${version} is too old. Minimum supported API version is ${minApiVersion}, please upgrade your client to a newer version`);
      }
    }
    const method = req.method ?? 'GET';
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.regex.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        const raw = match[i + 1] ?? '';
        try { params[name] = decodeURIComponent(raw); } catch { throw new InvalidParameter(`invalid escape in path parameter ${name}: ${raw}`); }
      });
      const ctx: RequestContext = { req, res, params, query: url.searchParams, version, daemon: this.daemon, ...(upgrade ? { upgrade } : {}) };
      await route.handler(ctx);
      return;
    }
    if (pathMatched) throw new ApiError(405, `method ${method} not allowed on ${path}`);
    throw new NotFound(`page not found: ${method} ${path}`);
  }
}
