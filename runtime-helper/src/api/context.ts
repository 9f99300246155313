// What a route handler receives: the request, its response, the path parameters, the parsed
// query, the API version the client asked for, and the daemon's services.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Daemon } from '../daemon/daemon.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The version from the /vX.YY/ prefix, or the current one for unversioned paths. */
  version: string;
  daemon: Daemon;
  /** For connection upgrades: the raw socket and bytes read past the headers. */
  upgrade?: { socket: Duplex; head: Buffer };
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** Docker's mux syntax: /images/{name:.*}/json; {id} matches one segment. */
  path: string;
  handler: Handler;
}
