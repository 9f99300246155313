// Authentication against one registry endpoint: answers 401 challenges with Basic credentials or
// the Bearer token flow (GET realm?service=…&scope=…, anonymous or with Basic credentials; POST
// with a refresh token for identity tokens), caching tokens per realm, service, scope and user
// until shortly before they expire.
import { createHash } from 'node:crypto';
import { RegistryError } from './errors.js';
import { parseWwwAuthenticate, type Challenge } from './www-authenticate.js';
import { type Credentials, hasCredentials } from './credentials.js';
import { type HttpRequest, type HttpResponse, type Transport, readBody, drain, safeUrl } from './transport.js';

interface CachedToken { value: string; expiresAt: number }

/** Shared by every session of a daemon so tokens are reused across pulls. */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  get(key: string): string | undefined {
    const t = this.tokens.get(key);
    if (!t) return undefined;
    if (Date.now() >= t.expiresAt) { this.tokens.delete(key); return undefined; }
    return t.value;
  }
  set(key: string, value: string, lifetimeSeconds: number): void {
    // Renew 10 s early so a token does not expire mid-request.
    this.tokens.set(key, { value, expiresAt: Date.now() + Math.max(lifetimeSeconds - 10, 5) * 1000 });
  }
  get size(): number { return this.tokens.size; }

  /** The last challenge a host sent, so a new session can authenticate on its first request. */
  readonly challenges = new Map<string, Challenge>();
}

export function pullScope(path: string): string { return `repository:${path}:pull`; }
export function pushScope(path: string): string { return `repository:${path}:pull,push`; }

export class AuthSession {
  /** The scheme the endpoint asked for last; lets us send credentials up front next time. */
  private challenge: Challenge | undefined;
  private readonly basic: string | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly credentials: Credentials | undefined,
    private readonly tokens: TokenCache,
    /** Message prefix naming the endpoint, e.g. "registry 127.0.0.1:5000". */
    private readonly label: string,
  ) {
    this.basic = credentials?.username && credentials.password
      ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
      : undefined;
  }

  /**
   * Sends a request with authentication for the given scopes. A request whose body is a stream
   * cannot be replayed, so callers authenticate first with a bodyless request (see ensure()).
   */
  async request(req: HttpRequest, scopes: string[]): Promise<HttpResponse> {
    const replayable = req.body === undefined || Buffer.isBuffer(req.body);
    this.challenge ??= this.tokens.challenges.get(req.url.host);
    let auth = await this.authorizationFor(scopes, false);
    let res = await this.transport.request(withAuth(req, auth));
    if (res.status !== 401 || !replayable) return res;
    const challenges = parseWwwAuthenticate(res.headers['www-authenticate']);
    await drain(res);
    const chosen = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    if (!chosen) throw new RegistryError('unauthorized', `${this.label}: ${req.method} ${safeUrl(req.url)} answered 401 without a usable challenge`);
    this.challenge = chosen;
    this.tokens.challenges.set(req.url.host, chosen);
    // Only a token we sent and the registry refused needs replacing; else the cache may have one.
    auth = await this.authorizationFor(scopes, auth !== undefined);
    if (auth === undefined) throw this.unauthorized(req);
    res = await this.transport.request(withAuth(req, auth));
    if (res.status === 401) { await drain(res); throw this.unauthorized(req); }
    return res;
  }

  private unauthorized(req: HttpRequest): RegistryError {
    return new RegistryError('unauthorized', hasCredentials(this.credentials)
      ? `${this.label}: ${req.method} ${safeUrl(req.url)}: authentication required and the credentials given were refused`
      : `${this.label}: ${req.method} ${safeUrl(req.url)}: authentication required (log in first)`);
  }

  private async authorizationFor(scopes: string[], fresh: boolean): Promise<string | undefined> {
    const c = this.challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') return this.basic;
    if (c.scheme !== 'bearer') return undefined;
    if (this.credentials?.registryToken) return `Bearer ${this.credentials.registryToken}`;
    const realm = c.params.realm;
    if (!realm) throw new RegistryError('bad-response', `${this.label}: Bearer challenge without a realm`);
    const service = c.params.service ?? '';
    const wanted = scopes.length > 0 ? scopes : (c.params.scope ? [c.params.scope] : []);
    const key = `${realm}|${service}|${wanted.join(' ')}|${this.userKey()}`;
    // After a 401 the cached token was refused (expired or too narrow): fetch a new one.
    if (!fresh) {
      const cached = this.tokens.get(key);
      if (cached) return `Bearer ${cached}`;
    }
    const token = await this.fetchToken(realm, service, wanted);
    this.tokens.set(key, token.value, token.expiresIn);
    return `Bearer ${token.value}`;
  }

  private userKey(): string {
    if (!hasCredentials(this.credentials)) return 'anonymous';
    const c = this.credentials;
    return createHash('sha256').update(`${c.username ?? ''}\0${c.password ?? ''}\0${c.identityToken ?? ''}`).digest('hex').slice(0, 16);
  }

  private async fetchToken(realm: string, service: string, scopes: string[]): Promise<{ value: string; expiresIn: number }> {
    let url: URL;
    try { url = new URL(realm); } catch { throw new RegistryError('bad-response', `${this.label}: token realm is not a URL`); }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RegistryError('bad-response', `${this.label}: token realm scheme ${url.protocol} not supported`);
    let res: HttpResponse;
    if (this.credentials?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.credentials.identityToken, service, client_id: 'berthd' });
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.transport.request({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form.toString()) });
    } else {
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (this.credentials?.username) url.searchParams.set('account', this.credentials.username);
      res = await this.transport.request({ method: 'GET', url, headers: this.basic ? { authorization: this.basic } : {} });
    }
    const body = await readBody(res, 1 << 20, `${this.label}: token request to ${safeUrl(url)}`);
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError('unauthorized', `${this.label}: token server ${url.host} refused the ${hasCredentials(this.credentials) ? 'credentials' : 'anonymous request'} (HTTP ${res.status})`);
    }
    if (res.status >= 500) throw new RegistryError('server', `${this.label}: token server ${url.host} answered HTTP ${res.status}`, { retryable: true });
    if (res.status !== 200) throw new RegistryError('bad-response', `${this.label}: token server ${url.host} answered HTTP ${res.status}`);
    let json: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try { json = JSON.parse(body.toString('utf8')); } catch { throw new RegistryError('bad-response', `${this.label}: token server ${url.host} sent invalid JSON`); }
    const value = typeof json.token === 'string' && json.token ? json.token : typeof json.access_token === 'string' ? json.access_token : '';
    if (!value) throw new RegistryError('bad-response', `${this.label}: token server ${url.host} sent no token`);
    const expiresIn = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60;
    return { value, expiresIn };
  }
}

function withAuth(req: HttpRequest, auth: string | undefined): HttpRequest {
  if (!auth) return req;
  return { ...req, headers: { ...(req.headers ?? {}), authorization: auth } };
}
