// The built-in networks' store (a real temp data root), dockerd's filter rules and lookup order.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltinNetworks, builtinNetworkOfMode, type BuiltinNetwork } from './builtin-networks.js';
import { filterNetworks, parseNetworkFilters } from './network-filters.js';
import { findNetwork } from './find-network.js';

function withRoot<T>(fn: (root: string) => T): T {
  const root = mkdtempSync(join(tmpdir(), 'berth-networks-spec-'));
  try { return fn(root); } finally { rmSync(root, { recursive: true, force: true }); }
}

const ids = (nets: BuiltinNetwork[]): string[] => nets.map((n) => n.name);

describe('built-in networks', () => {
  it('are made once with 64-hex IDs and read back unchanged', () => withRoot((root) => {
    const first = loadBuiltinNetworks(root);
    expect(ids(first)).toEqual(['bridge', 'host', 'none']);
    expect(first.map((n) => n.driver)).toEqual(['bridge', 'host', 'null']);
    for (const n of first) expect(n.id).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(first.map((n) => n.id)).size).toBe(3);
    expect(loadBuiltinNetworks(root)).toEqual(first);
  }));

  it('refuse a damaged file rather than giving the networks new IDs', () => withRoot((root) => {
    loadBuiltinNetworks(root);
    const file = join(root, 'network', 'builtin.json');
    writeFileSync(file, '{"bridge": {"id": "short", "created": "x"}}');
    expect(() => loadBuiltinNetworks(root)).toThrow(/load built-in networks from .*builtin\.json/);
    writeFileSync(file, 'not json');
    expect(() => loadBuiltinNetworks(root)).toThrow(/load built-in networks/);
    expect(readFileSync(file, 'utf8')).toBe('not json');
  }));

  it('map a NetworkMode to its network', () => {
    expect(['', 'default', 'bridge', 'host', 'none', 'container:abc'].map((m) => builtinNetworkOfMode(m))).toEqual(['bridge', 'bridge', 'bridge', 'host', 'none', undefined]);
  });
});

describe('network filters and lookup', () => {
  const nets: BuiltinNetwork[] = [
    { name: 'bridge', id: `ab${'1'.repeat(62)}`, created: 't', driver: 'bridge' },
    { name: 'host', id: `ab${'2'.repeat(62)}`, created: 't', driver: 'host' },
    { name: 'none', id: `cd${'3'.repeat(62)}`, created: 't', driver: 'null' },
  ];
  const f = (o: Record<string, string[]>) => filterNetworks(nets, parseNetworkFilters(JSON.stringify(o)));

  it('match as dockerd: driver exact, name and id as regular expressions, type, dangling, scope, label', () => {
    expect(ids(f({ driver: ['null'] }))).toEqual(['none']);
    expect(ids(f({ driver: ['nul'] }))).toEqual([]);
    expect(ids(f({ name: ['o'] }))).toEqual(['host', 'none']);
    expect(ids(f({ name: ['^b'] }))).toEqual(['bridge']);
    expect(ids(f({ name: ['('] }))).toEqual([]);
    expect(ids(f({ id: ['^ab'] }))).toEqual(['bridge', 'host']);
    expect(ids(f({ type: ['builtin'] }))).toEqual(['bridge', 'host', 'none']);
    expect(ids(f({ type: ['custom'] }))).toEqual([]);
    expect(ids(f({ dangling: ['true'] }))).toEqual([]);
    expect(ids(f({ dangling: ['0'] }))).toEqual(['bridge', 'host', 'none']);
    expect(ids(f({ scope: ['swarm'] }))).toEqual([]);
    expect(ids(f({ label: ['a'] }))).toEqual([]);
  });

  it('refuse bad filters with dockerd\'s messages and statuses', () => {
    expect(() => f({ bogus: ['x'] })).toThrow(expect.objectContaining({ status: 400, message: "Invalid filter 'bogus'" }));
    expect(() => f({ dangling: ['maybe'] })).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => f({ dangling: ['true', 'false'] })).toThrow(expect.objectContaining({ status: 400, message: 'got more than one value for filter key "dangling"' }));
    expect(() => f({ type: ['x'] })).toThrow(expect.objectContaining({ status: 500, message: "invalid filter: 'type'='x'" }));
  });

  it('find by full ID, then name, then unique ID prefix', () => {
    expect(findNetwork(nets, nets[1]!.id).name).toBe('host');
    expect(findNetwork(nets, 'none').name).toBe('none');
    expect(findNetwork(nets, 'cd3').name).toBe('none');
    expect(() => findNetwork(nets, 'ab')).toThrow(expect.objectContaining({ status: 400, message: 'network ab is ambiguous (2 matches found based on ID prefix)' }));
    expect(() => findNetwork(nets, 'ab', 'inspect')).toThrow(expect.objectContaining({ status: 400, message: '2 matches found based on ID prefix: network ab is ambiguous' }));
    expect(() => findNetwork(nets, 'hos')).toThrow(expect.objectContaining({ status: 404, message: 'network hos not found' }));
  });
});
