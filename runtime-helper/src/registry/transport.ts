// HTTP for the registry client on node:http/https (no extra dependency; fetch cannot switch TLS
// verification per host). Every request has a stall timeout (socket idle), redirects are bounded
// and never carry the Authorization header to another host, and response bodies read into memory
// have a size cap.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { RegistryError } from './errors.js';

export interface TlsSettings {
  /** false only for registries listed as insecure. */
  verify: boolean;
  /** Extra CA certificates (PEM) trusted for this host. */
  ca?: string[];
}

export interface TransportOptions {
  /** Socket idle time before a request or body read counts as stalled. */
  idleTimeoutMs: number;
  maxRedirects: number;
  /** TLS settings per host:port; hosts not listed verify against the system roots. */
  tlsFor(host: string): TlsSettings;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Readable;
  /** The URL that answered, after redirects. */
  url: URL;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer | Readable;
  /** Do not follow redirects (uploads answer Location with 202/201, not 3xx). */
  noRedirect?: boolean;
}

export const defaultTransportOptions: TransportOptions = {
  idleTimeoutMs: 30_000,
  maxRedirects: 10,
  tlsFor: () => ({ verify: true }),
};

export class Transport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgents = new Map<string, https.Agent>();
  constructor(readonly options: TransportOptions = defaultTransportOptions) {}

  private agentFor(url: URL): http.Agent {
    if (url.protocol === 'http:') return this.httpAgent;
    const tls = this.options.tlsFor(url.host);
    const key = `${tls.verify}|${(tls.ca ?? []).join('')}`;
    let agent = this.httpsAgents.get(key);
    if (!agent) {
      agent = new https.Agent({
        keepAlive: true,
        maxSockets: 16,
        rejectUnauthorized: tls.verify,
        ...(tls.ca && tls.ca.length > 0 ? { ca: [...tls.ca] } : {}),
      });
      this.httpsAgents.set(key, agent);
    }
    return agent;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let headers = { ...(req.headers ?? {}) };
    let method = req.method;
    for (let hop = 0; ; hop++) {
      const res = await this.once(method, url, headers, hop === 0 ? req.body : undefined);
      const location = res.headers.location;
      const isRedirect = [301, 302, 303, 307, 308].includes(res.status);
      if (!isRedirect || req.noRedirect || location === undefined) return res;
      res.body.resume();
      if (hop >= this.options.maxRedirects) {
        throw new RegistryError('too-many-redirects', `${req.method} ${safeUrl(req.url)}: more than ${this.options.maxRedirects} redirects`);
      }
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new RegistryError('bad-response', `${req.method} ${safeUrl(req.url)}: redirect to unsupported scheme ${next.protocol}`);
      }
      // Credentials stay with the host they were meant for (blob redirects go to storage hosts).
      if (next.host !== url.host) {
        const { authorization: _dropped, Authorization: _dropped2, ...rest } = headers;
        headers = rest;
      }
      // A redirect from https to plain http would leak what TLS protected; refuse it.
      if (url.protocol === 'https:' && next.protocol === 'http:') {
        throw new RegistryError('bad-response', `${req.method} ${safeUrl(req.url)}: redirect from https to http refused`);
      }
      if (res.status === 303) method = 'GET';
      url = next;
    }
  }

  private once(method: string, url: URL, headers: Record<string, string>, body: Buffer | Readable | undefined): Promise<HttpResponse> {
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<HttpResponse>((resolve, reject) => {
      const outHeaders: Record<string, string> = { 'user-agent': 'berthd', ...headers };
      if (Buffer.isBuffer(body)) outHeaders['content-length'] = String(body.length);
      const r = lib.request(url, { method, headers: outHeaders, agent: this.agentFor(url) });
      const idle = this.options.idleTimeoutMs;
      r.setTimeout(idle, () => {
        r.destroy(new RegistryError('timeout', `${method} ${safeUrl(url)}: no data for ${idle >= 1000 ? `${Math.round(idle / 1000)}s` : `${idle}ms`}`, { retryable: true }));
      });
      r.on('error', (err) => reject(toRegistryError(err, method, url)));
      r.on('response', (res) => {
        // The idle timer keeps running on the socket while the body streams: a stalled body
        // errors the response stream with the timeout error.
        res.on('error', () => {});
        r.on('error', (err) => res.destroy(toRegistryError(err, method, url)));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url });
      });
      if (body === undefined) r.end();
      else if (Buffer.isBuffer(body)) r.end(body);
      else {
        body.on('error', (err) => r.destroy(err));
        body.pipe(r);
      }
    });
  }

  close(): void {
    this.httpAgent.destroy();
    for (const a of this.httpsAgents.values()) a.destroy();
  }
}

export function toRegistryError(err: unknown, method: string, url: URL): RegistryError {
  if (err instanceof RegistryError) return err;
  const e = err as NodeJS.ErrnoException;
  const what = e?.code ? `${e.code}` : (e?.message ?? String(err));
  if (e?.code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(e.code)) {
    return new RegistryError('network', `${method} ${safeUrl(url)}: TLS verification failed (${what}); list the registry as insecure or add its CA`);
  }
  return new RegistryError('network', `${method} ${safeUrl(url)}: ${what}`, { retryable: true });
}

/** A URL for messages: no user info, no query (tokens and upload states live there). */
export function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Reads a whole response body, refusing more than maxBytes. */
export async function readBody(res: HttpResponse, maxBytes: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw new RegistryError('too-large', `${what}: ${declared} bytes is more than the limit of ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      res.body.destroy();
      throw new RegistryError('too-large', `${what}: more than the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function drain(res: HttpResponse): Promise<void> {
  res.body.resume();
  await new Promise<void>((resolve) => {
    res.body.on('end', resolve);
    res.body.on('error', () => resolve());
    res.body.on('close', resolve);
  });
}
