// Search: the registry's search API where it has one (Docker Hub's /v1/search), otherwise the
// v2 _catalog of the registry the term names (host/term) or of the configured search registry,
// filtered by the term. Filters: stars, is-official, is-automated; a limit of 1 to 100.
//
// As dockerd (moby registry/search.go): the index's names are kept as it gives them, "library/"
// is dropped from a term for Docker Hub, and is-automated (deprecated; Hub's value is not to be
// trusted) is always reported false, so filtering for is-automated=true yields nothing.
import { z } from 'zod';
import { RegistryError } from './errors.js';
import { EndpointClient, type RegistryContext, statusError, headerString } from './registry-client.js';
import type { Credentials } from './credentials.js';
import { defaultDomain } from './reference.js';
import { readBody } from './transport.js';

export interface SearchResult { name: string; description: string; star_count: number; is_official: boolean; is_automated: boolean }

export interface SearchOptions {
  term: string;
  limit: number;
  stars?: number;
  isOfficial?: boolean;
  isAutomated?: boolean;
  credentials?: Credentials;
}

/** Splits "host:5000/name" into the registry and the term, as the docker CLI's term does. */
export function searchTarget(term: string, configured: string | undefined): { registry: string; term: string; explicit: boolean } {
  const slash = term.indexOf('/');
  const first = slash > 0 ? term.slice(0, slash) : '';
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { registry: first === 'index.docker.io' ? defaultDomain : first, term: term.slice(slash + 1), explicit: true };
  }
  return { registry: configured ?? defaultDomain, term, explicit: false };
}

export async function searchRegistry(ctx: RegistryContext, opts: SearchOptions): Promise<SearchResult[]> {
  const target = searchTarget(opts.term, ctx.settings.searchRegistry);
  const endpoints = ctx.resolver.endpointsFor(target.registry);
  const client = new EndpointClient(ctx, endpoints[endpoints.length - 1]!, opts.credentials);
  if (opts.isAutomated === true) return [];
  const term = target.registry === defaultDomain ? target.term.replace(/^library\//, '') : target.term;
  let results = await v1Search(client, target.registry, term, opts.limit);
  if (results === undefined) results = await catalogSearch(client, target.registry, term);
  return results
    .filter((r) => opts.stars === undefined || r.star_count >= opts.stars)
    .filter((r) => opts.isOfficial === undefined || r.is_official === opts.isOfficial)
    .slice(0, opts.limit);
}

const v1ResultsSchema = z.object({
  results: z.array(z.object({
    name: z.string().min(1),
    description: z.string().nullish(),
    star_count: z.number().int().nonnegative().nullish(),
    is_official: z.boolean().nullish(),
  }).passthrough()).max(10_000),
}).passthrough();

/** Docker Hub's search API; undefined when the registry has none (404/405). */
async function v1Search(client: EndpointClient, registry: string, term: string, limit: number): Promise<SearchResult[] | undefined> {
  const path = registry === defaultDomain ? 'https://index.docker.io/v1/search' : '/v1/search';
  const what = `search ${registry} for "${term}"`;
  const res = await client.request('GET', `${path}?${new URLSearchParams({ q: term, n: String(Math.min(limit, 100)) })}`, []);
  const body = await readBody(res, 8 << 20, what);
  if (res.status === 404 || res.status === 405) return undefined;
  if (res.status !== 200) throw statusError(res, what, body);
  let json: unknown;
  // A registry answering 200 with something else (an HTML page) has no search API: the catalog answers.
  try { json = JSON.parse(body.toString('utf8')); } catch { return undefined; }
  if (typeof json !== 'object' || json === null || !('results' in json)) return undefined;
  const parsed = v1ResultsSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new RegistryError('bad-response', `${what}: invalid search answer: ${i?.path.join('.') || '(root)'}: ${i?.message}`);
  }
  return parsed.data.results.map((r) => ({
    name: r.name,
    description: r.description ?? '',
    star_count: r.star_count ?? 0,
    is_official: r.is_official === true,
    is_automated: false,
  }));
}

/** The v2 catalog, page by page (bounded), filtered by the term. */
async function catalogSearch(client: EndpointClient, registry: string, term: string): Promise<SearchResult[]> {
  const what = `search ${registry} catalog for "${term}"`;
  const names: string[] = [];
  let next: string | undefined = '/v2/_catalog?n=1000';
  for (let page = 0; next && page < 20; page++) {
    const res = await client.request('GET', next, ['registry:catalog:*']);
    const body = await readBody(res, 16 << 20, what);
    if (res.status !== 200) throw statusError(res, what, body);
    let json: { repositories?: unknown };
    try { json = JSON.parse(body.toString('utf8')); } catch { throw new RegistryError('bad-response', `${what}: catalog is not valid JSON`); }
    if (Array.isArray(json.repositories)) names.push(...json.repositories.filter((r): r is string => typeof r === 'string'));
    const link = headerString(res, 'link');
    next = link ? /<([^>]+)>;\s*rel="?next"?/.exec(link)?.[1] : undefined;
  }
  const t = term.toLowerCase();
  return names.filter((n) => n.toLowerCase().includes(t)).map((n) => ({
    name: `${registry}/${n}`, description: '', star_count: 0, is_official: false, is_automated: false,
  }));
}
