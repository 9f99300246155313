// docker search against a registry that has Docker Hub's search API (/v1/search), served by a
// small index on 127.0.0.1 (support/hub-search-server.ts) set as berthd's search-registry: the
// real docker CLI through berthd, with --filter stars=N, --filter is-official, --limit, an
// explicit host/term, and an index that fails or answers nonsense.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBerthd, type Berthd } from './support/berthd.js';
import { startHubSearchServer, type HubSearchServer, type HubRepository } from './support/hub-search-server.js';

let work: string;
let hub: HubSearchServer;
let berthd: Berthd;

const repositories: HubRepository[] = [
  { name: 'busybox', description: 'Busybox base image.', star_count: 3200, is_official: true, is_automated: false },
  { name: 'alpine', description: 'A minimal Docker image based on Alpine Linux', star_count: 11000, is_official: true, is_automated: false },
  { name: 'progrium/busybox', description: '', star_count: 50, is_official: false, is_automated: true },
  { name: 'radial/busyboxplus', description: 'Full-chain, Internet enabled, busybox made from scratch.', star_count: 8, is_official: false, is_automated: true },
  { name: 'berth/tiny', description: 'A tiny image built on BusyBox', star_count: 2, is_official: false, is_automated: false },
  // 40 more, so that a limit past Hub's default page of 25 shows.
  ...Array.from({ length: 40 }, (_, i) => ({ name: `many/busybox-${String(i).padStart(2, '0')}`, description: 'one of many', star_count: 0, is_official: false, is_automated: false })),
];

interface Row { Name: string; Description: string; StarCount: string; IsOfficial: string }

async function search(args: string[]): Promise<Row[]> {
  const out = await berthd.docker(['search', '--no-trunc', '--format', '{{json .}}', ...args]);
  return out.trim() === '' ? [] : out.trim().split('\n').map((l) => JSON.parse(l) as Row);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'berth-search-'));
  hub = await startHubSearchServer(repositories);
  const daemonJson = join(work, 'daemon.json');
  writeFileSync(daemonJson, JSON.stringify({ 'search-registry': hub.host }));
  berthd = await startBerthd(['--config-file', daemonJson]);
}, 60_000);

afterAll(async () => {
  await berthd?.stop();
  await hub?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('docker search against an index with the /v1/search API', () => {
  it('lists what the index found, most stars first, names as the index gives them, with dockerd\'s default limit of 25', async () => {
    const rows = await search(['busybox']);
    expect(hub.queries.at(-1)?.get('q')).toBe('busybox');
    expect(hub.queries.at(-1)?.get('n')).toBe('25');
    expect(rows).toHaveLength(25);
    expect(rows.slice(0, 4).map((r) => [r.Name, r.StarCount, r.IsOfficial])).toEqual([
      ['busybox', '3200', 'true'], ['progrium/busybox', '50', 'false'], ['radial/busyboxplus', '8', 'false'], ['berth/tiny', '2', 'false'],
    ]);
    expect(rows[0]!.Description).toBe('Busybox base image.');
    expect(rows.map((r) => r.Name)).not.toContain('alpine');
    // is_automated is deprecated and Hub's value untrustworthy: dockerd reports it false.
    // (the CLI no longer prints it, so the API answer is read.)
    const api = await berthd.request('GET', `/images/search?term=busybox&limit=5`);
    expect(api.status).toBe(200);
    const progrium = (JSON.parse(api.body) as { name: string; is_automated: boolean; star_count: number }[]).find((r) => r.name === 'progrium/busybox');
    expect(progrium).toEqual({ name: 'progrium/busybox', description: '', star_count: 50, is_official: false, is_automated: false });
  });

  it('keeps results with at least N stars (--filter stars=N, the highest of several)', async () => {
    expect((await search(['--filter', 'stars=8', 'busybox'])).map((r) => r.Name)).toEqual(['busybox', 'progrium/busybox', 'radial/busyboxplus']);
    expect((await search(['--filter', 'stars=3', '--filter', 'stars=50', 'busybox'])).map((r) => r.Name)).toEqual(['busybox', 'progrium/busybox']);
    expect(await search(['--filter', 'stars=5000', 'busybox'])).toEqual([]);
  });

  it('filters on is-official, and is-automated=true finds nothing (as dockerd)', async () => {
    expect((await search(['--filter', 'is-official=true', 'busybox'])).map((r) => r.Name)).toEqual(['busybox']);
    const unofficial = await search(['--filter', 'is-official=false', '--filter', 'stars=1', 'busybox']);
    expect(unofficial.map((r) => r.Name)).toEqual(['progrium/busybox', 'radial/busyboxplus', 'berth/tiny']);
    expect(await search(['--filter', 'is-automated=true', 'busybox'])).toEqual([]);
  });

  it('passes --limit to the index as n, up to 100', async () => {
    const three = await search(['--limit', '3', 'busybox']);
    expect(hub.queries.at(-1)?.get('n')).toBe('3');
    expect(three.map((r) => r.Name)).toEqual(['busybox', 'progrium/busybox', 'radial/busyboxplus']);
    // Every match: 4 named ones (berth/tiny by its description) and the 40 others.
    expect(await search(['--limit', '100', 'busybox'])).toHaveLength(44);
    expect(hub.queries.at(-1)?.get('n')).toBe('100');
    const r = await berthd.dockerResult(['search', '--limit', '101', 'busybox']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('invalid limit');
  });

  it('searches the index a host/term names, with the term without the host', async () => {
    const rows = await search([`${hub.host}/radial`]);
    expect(hub.queries.at(-1)?.get('q')).toBe('radial');
    expect(rows.map((r) => r.Name)).toEqual(['radial/busyboxplus']);
  });

  it('reports a bad filter, an index that fails and one that answers nonsense, and stays up', async () => {
    const bad = await berthd.dockerResult(['search', '--filter', 'stars=many', 'busybox']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("invalid filter 'stars=many'");
    const failing = await berthd.dockerResult(['search', 'explode']);
    expect(failing.code).not.toBe(0);
    expect(failing.stderr).toContain(`search ${hub.host} for "explode": registry answered HTTP 500`);
    const garbage = await berthd.dockerResult(['search', 'garbage']);
    expect(garbage.code).not.toBe(0);
    expect(garbage.stderr).toContain(`search ${hub.host} for "garbage": invalid search answer: results.0.name`);
    expect((await search(['--limit', '1', 'alpine'])).map((r) => r.Name)).toEqual(['alpine']);
  });
});
