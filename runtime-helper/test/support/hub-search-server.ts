// A small registry index on 127.0.0.1 that answers Docker Hub's legacy search API, for search
// tests (Docker Hub itself is out of reach): GET /v1/search?q=<term>&n=<page size>&page=<n>
// answers {"query","num_results","num_pages","page","page_size","results":[{"name",
// "description","star_count","is_official","is_automated"}]}, matching the term in names and
// descriptions (case-insensitive), most stars first. /v1/_ping and /v2/ answer as an index does.
// Two terms misbehave on purpose: "explode" answers 500, "garbage" answers results of the wrong shape.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubRepository { name: string; description: string; star_count: number; is_official: boolean; is_automated: boolean }

export interface HubSearchServer {
  host: string;
  /** The query strings of every /v1/search request, in order. */
  queries: URLSearchParams[];
  close(): Promise<void>;
}

export async function startHubSearchServer(repositories: HubRepository[]): Promise<HubSearchServer> {
  const queries: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://index');
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/v1/_ping' || url.pathname === '/v2/') return json(200, {});
    if (url.pathname !== '/v1/search') return json(404, { errors: [{ code: 'NOT_FOUND', message: 'not found' }] });
    queries.push(url.searchParams);
    const q = url.searchParams.get('q') ?? '';
    if (q === '') return json(400, { message: 'q is required' });
    if (q === 'explode') return json(500, { message: 'search backend unavailable' });
    if (q === 'garbage') return json(200, { query: q, results: [{ name: 42 }] });
    const n = Math.min(Math.max(Number(url.searchParams.get('n') ?? 25) || 25, 1), 100);
    const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    const t = q.toLowerCase();
    const hits = repositories
      .filter((r) => r.name.toLowerCase().includes(t) || r.description.toLowerCase().includes(t))
      .sort((a, b) => b.star_count - a.star_count || a.name.localeCompare(b.name));
    json(200, {
      query: q,
      num_results: hits.length,
      num_pages: Math.max(Math.ceil(hits.length / n), 1),
      page,
      page_size: n,
      results: hits.slice((page - 1) * n, page * n),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    queries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
