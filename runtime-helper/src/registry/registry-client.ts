// The distribution client for one repository on one registry name: finds a working endpoint
// (mirrors in order, then the origin; https, or http for insecure names), authenticates, and
// offers the Distribution API's manifest, blob and upload calls. Retries live here for the
// calls that are idempotent.
import { createHash } from 'node:crypto';
import { RegistryError } from './errors.js';
import { AuthSession, TokenCache, pullScope, pushScope } from './auth.js';
import type { Credentials } from './credentials.js';
import type { RegistrySettings } from './config.js';
import { EndpointResolver, type Endpoint } from './endpoints.js';
import { manifestAccept } from './manifest.js';
import { Transport, readBody, drain, safeUrl, type HttpRequest, type HttpResponse } from './transport.js';
import { withRetry } from './retry.js';

export interface FetchedManifest { bytes: Buffer; mediaType: string | undefined; digest: string }

/** Shared daemon-wide state: transport with keep-alive agents, token cache, endpoint rules. */
export class RegistryContext {
  readonly transport: Transport;
  readonly tokens = new TokenCache();
  readonly resolver: EndpointResolver;
  /** Which base URL worked last for a host (https vs http for insecure names). */
  readonly workingBase = new Map<string, URL>();
  constructor(readonly settings: RegistrySettings) {
    this.resolver = new EndpointResolver(settings);
    this.transport = new Transport({ idleTimeoutMs: settings.idleTimeoutMs, maxRedirects: 10, tlsFor: this.resolver.tlsFor });
  }
  close(): void { this.transport.close(); }
}

export type Access = 'pull' | 'push';

export class EndpointClient {
  readonly auth: AuthSession;
  constructor(readonly ctx: RegistryContext, readonly endpoint: Endpoint, credentials: Credentials | undefined) {
    // Mirrors get no credentials of the origin: they are other hosts.
    this.auth = new AuthSession(ctx.transport, endpoint.mirror ? undefined : credentials, ctx.tokens, `${endpoint.mirror ? 'mirror' : 'registry'} ${endpoint.urls[0]!.host}`);
  }

  get label(): string { return `${this.endpoint.mirror ? 'mirror' : 'registry'} ${this.endpoint.urls[0]!.host}`; }

  /** One request against the endpoint, trying https then http for insecure names. */
  async request(method: HttpRequest['method'], path: string, scopes: string[], extra: Omit<HttpRequest, 'method' | 'url'> = {}): Promise<HttpResponse> {
    const host = this.endpoint.urls[0]!.host;
    const known = this.ctx.workingBase.get(host);
    const bases = known ? [known] : this.endpoint.urls;
    let lastErr: unknown;
    for (const base of bases) {
      const url = path.startsWith('http://') || path.startsWith('https://') ? new URL(path) : new URL(path, base);
      try {
        const res = await this.auth.request({ method, url, ...extra }, scopes);
        if (!known) this.ctx.workingBase.set(host, base);
        return res;
      } catch (err) {
        lastErr = err;
        // Only a transport failure (e.g. TLS to a plain-HTTP port) moves on to the next scheme.
        if (!(err instanceof RegistryError) || err.code !== 'network' || bases.length === 1) throw err;
      }
    }
    throw lastErr;
  }

  /** GET /v2/: does the endpoint answer, and do the credentials work? */
  async ping(scopes: string[]): Promise<void> {
    const res = await this.request('GET', '/v2/', scopes);
    await drain(res);
    if (res.status === 200) return;
    throw statusError(res, `${this.label}: GET /v2/`);
  }
}

export function statusError(res: HttpResponse, what: string, body?: Buffer): RegistryError {
  const detail = body ? registryErrorDetail(body) : '';
  const suffix = detail ? `: ${detail}` : '';
  if (res.status === 401) return new RegistryError('unauthorized', `${what}: unauthorized${suffix}`);
  if (res.status === 403) return new RegistryError('denied', `${what}: access denied${suffix}`);
  if (res.status === 404) return new RegistryError('not-found', `${what}: not found${suffix}`);
  if (res.status === 429 || res.status >= 500) return new RegistryError('server', `${what}: registry answered HTTP ${res.status}${suffix}`, { retryable: true });
  return new RegistryError('bad-response', `${what}: registry answered HTTP ${res.status}${suffix}`);
}

/** The first message of a Distribution API error body ({"errors":[{"code","message"}]}). */
function registryErrorDetail(body: Buffer): string {
  try {
    const j = JSON.parse(body.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
    const e = j.errors?.[0];
    if (e) return [e.code, e.message].filter(Boolean).join(' ').slice(0, 200);
  } catch { /* not JSON */ }
  return '';
}

export function sha256Of(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Distribution API calls for one repository path, over one endpoint. */
export class Repository {
  readonly scopes: string[];
  constructor(readonly client: EndpointClient, readonly path: string, access: Access, extraScopes: string[] = []) {
    this.scopes = [access === 'push' ? pushScope(path) : pullScope(path), ...extraScopes];
  }

  private get settings(): RegistrySettings { return this.client.ctx.settings; }
  private retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(what, { retries: this.settings.retries, baseMs: this.settings.retryBaseMs }, fn);
  }

  /** GET a manifest by tag or digest; verifies a digest reference against the bytes. */
  async getManifest(reference: string, accept = manifestAccept): Promise<FetchedManifest> {
    const what = `${this.client.label}: GET manifest ${this.path}:${reference}`;
    return this.retry(what, async () => {
      const res = await this.client.request('GET', `/v2/${this.path}/manifests/${reference}`, this.scopes, { headers: { accept } });
      if (res.status !== 200) throw statusError(res, what, await readBody(res, 64 * 1024, what).catch(() => undefined));
      const bytes = await readBody(res, this.settings.maxManifestBytes, what);
      const digest = sha256Of(bytes);
      if (reference.startsWith('sha256:') && digest !== reference) {
        throw new RegistryError('digest-mismatch', `${what}: content has digest ${digest}, expected ${reference}`);
      }
      const header = res.headers['docker-content-digest'];
      if (!reference.startsWith('sha256:') && typeof header === 'string' && header.startsWith('sha256:') && header !== digest) {
        throw new RegistryError('digest-mismatch', `${what}: content has digest ${digest}, registry says ${header}`);
      }
      return { bytes, mediaType: res.headers['content-type'], digest };
    });
  }

  /** HEAD a manifest: its digest and type, or undefined when absent. */
  async headManifest(reference: string): Promise<{ digest: string | undefined; mediaType: string | undefined; size: number } | undefined> {
    const what = `${this.client.label}: HEAD manifest ${this.path}:${reference}`;
    return this.retry(what, async () => {
      const res = await this.client.request('HEAD', `/v2/${this.path}/manifests/${reference}`, this.scopes, { headers: { accept: manifestAccept } });
      await drain(res);
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw statusError(res, what);
      const d = res.headers['docker-content-digest'];
      return { digest: typeof d === 'string' ? d : undefined, mediaType: res.headers['content-type'], size: Number(res.headers['content-length'] ?? 0) };
    });
  }

  /** GET a small blob (the image config) whole, verified. */
  async getSmallBlob(digest: string, maxBytes: number): Promise<Buffer> {
    const what = `${this.client.label}: GET blob ${this.path}@${digest}`;
    return this.retry(what, async () => {
      const res = await this.client.request('GET', `/v2/${this.path}/blobs/${digest}`, this.scopes);
      if (res.status !== 200) throw statusError(res, what, await readBody(res, 64 * 1024, what).catch(() => undefined));
      const bytes = await readBody(res, maxBytes, what);
      const got = sha256Of(bytes);
      if (got !== digest) throw new RegistryError('digest-mismatch', `${what}: content has digest ${got}`);
      return bytes;
    });
  }

  /** Opens a blob for streaming from an offset (Range). The caller verifies. */
  async openBlob(digest: string, offset: number): Promise<HttpResponse> {
    const what = `${this.client.label}: GET blob ${this.path}@${digest}`;
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const res = await this.client.request('GET', `/v2/${this.path}/blobs/${digest}`, this.scopes, { headers });
    if (res.status === 200 || res.status === 206) return res;
    if (res.status === 416 && offset > 0) { await drain(res); throw new RegistryError('bad-response', `${what}: range from byte ${offset} refused`); }
    throw statusError(res, what, await readBody(res, 64 * 1024, what).catch(() => undefined));
  }

  async blobExists(digest: string): Promise<boolean> {
    const what = `${this.client.label}: HEAD blob ${this.path}@${digest}`;
    return this.retry(what, async () => {
      const res = await this.client.request('HEAD', `/v2/${this.path}/blobs/${digest}`, this.scopes);
      await drain(res);
      if (res.status === 200) return true;
      if (res.status === 404) return false;
      throw statusError(res, what);
    });
  }

  /** Tries a cross-repository mount; true when the registry mounted it (201). */
  async mountBlob(digest: string, fromPath: string): Promise<{ mounted: true } | { mounted: false; location: string | undefined }> {
    const what = `${this.client.label}: mount blob ${digest} from ${fromPath} into ${this.path}`;
    const q = new URLSearchParams({ mount: digest, from: fromPath });
    const res = await this.client.request('POST', `/v2/${this.path}/blobs/uploads/?${q}`, this.scopes, { body: Buffer.alloc(0), noRedirect: true });
    await drain(res);
    if (res.status === 201) return { mounted: true };
    if (res.status === 202) return { mounted: false, location: headerString(res, 'location') };
    throw statusError(res, what);
  }

  /** Starts an upload session; answers the upload URL. */
  async startUpload(): Promise<URL> {
    const what = `${this.client.label}: start blob upload to ${this.path}`;
    return this.retry(what, async () => {
      const res = await this.client.request('POST', `/v2/${this.path}/blobs/uploads/`, this.scopes, { body: Buffer.alloc(0), noRedirect: true });
      await drain(res);
      if (res.status !== 202) throw statusError(res, what);
      const loc = headerString(res, 'location');
      if (!loc) throw new RegistryError('bad-response', `${what}: no Location header`);
      return new URL(loc, res.url);
    });
  }

  async putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    const what = `${this.client.label}: PUT manifest ${this.path}:${reference}`;
    return this.retry(what, async () => {
      const res = await this.client.request('PUT', `/v2/${this.path}/manifests/${reference}`, this.scopes, { headers: { 'content-type': mediaType }, body: bytes });
      const body = await readBody(res, 64 * 1024, what).catch(() => undefined);
      if (res.status !== 201 && res.status !== 200) throw statusError(res, what, body);
      return sha256Of(bytes);
    });
  }
}

export function headerString(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export { drain, readBody, safeUrl };
