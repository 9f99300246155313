// Search, sort, removal kinds and the prune summary over rows shaped as the engines report them.
import { describe, expect, it } from 'vitest';
import type { NetworkContainer, NetworkRow } from '@shared/contract';
import { filterNetworks, holding, pruneSummary, removeKind, someNames, sortNetworks, withoutOperation } from './network-list';

const net = (name: string, extra: Partial<NetworkRow> = {}): NetworkRow => ({
  id: `${name}-id`.padEnd(64, '0'), name, driver: 'bridge', scope: 'local', subnets: [], gateways: [], internal: false,
  builtin: ['bridge', 'host', 'none'].includes(name), labels: {}, containers: [], ...extra,
});
const c = (name: string, state: NetworkContainer['state']): NetworkContainer => ({ id: `${name}-cid`, name, state });
const rows = [
  net('bridge', { created: 100 }),
  net('host', { driver: 'host', created: 100 }),
  net('none', { driver: 'null', created: 100, containers: [c('lonely', 'running')] }),
  net('appnet', { subnets: ['10.231.10.0/24'], created: 300, containers: [c('web', 'running'), c('job', 'exited')], labels: { team: 'shop' } }),
  net('backend', { subnets: ['10.231.9.0/24'], created: 200, containers: [c('old', 'exited')] }),
  net('spare', { subnets: ['fd00:1::/64'], created: 400, scope: 'swarm' }),
];
const names = (rs: NetworkRow[]) => rs.map((n) => n.name);

describe('network list', () => {
  it('searches names, ID prefixes, drivers, subnets, labels and containers, ignoring case', () => {
    expect(names(filterNetworks(rows, 'APP'))).toEqual(['appnet']);
    expect(names(filterNetworks(rows, 'null'))).toEqual(['none']);
    expect(names(filterNetworks(rows, '10.231.'))).toEqual(['appnet', 'backend']);
    expect(names(filterNetworks(rows, 'shop'))).toEqual(['appnet']);
    expect(names(filterNetworks(rows, 'lonely'))).toEqual(['none']);
    expect(names(filterNetworks(rows, 'spare-id'))).toEqual(['spare']);
    expect(names(filterNetworks(rows, 'swarm'))).toEqual(['spare']);
    expect(filterNetworks(rows, '  ')).toBe(rows);
    expect(filterNetworks(rows, 'nothing-like-this')).toEqual([]);
  });

  it('sorts each column both ways, ties by name, subnets in numeric order', () => {
    expect(names(sortNetworks(rows, 'name', 1))).toEqual(['appnet', 'backend', 'bridge', 'host', 'none', 'spare']);
    expect(names(sortNetworks(rows, 'name', -1))).toEqual(['spare', 'none', 'host', 'bridge', 'backend', 'appnet']);
    expect(names(sortNetworks(rows, 'containers', -1)).slice(0, 3)).toEqual(['appnet', 'backend', 'none']);
    expect(names(sortNetworks(rows, 'created', -1)).slice(0, 3)).toEqual(['spare', 'appnet', 'backend']);
    expect(names(sortNetworks(rows, 'subnet', 1))).toEqual(['bridge', 'host', 'none', 'backend', 'appnet', 'spare']);
    expect(names(sortNetworks(rows, 'driver', 1))).toEqual(['appnet', 'backend', 'bridge', 'spare', 'host', 'none']);
    expect(names(sortNetworks(rows, 'scope', -1))[0]).toBe('spare');
  });

  it('knows what Remove leads to', () => {
    const byName = Object.fromEntries(rows.map((n) => [n.name, n]));
    expect(removeKind(byName.host!)).toBe('builtin');
    expect(removeKind(byName.none!)).toBe('builtin'); // even with a container on it
    expect(removeKind(byName.appnet!)).toBe('in-use');
    expect(removeKind(byName.backend!)).toBe('remove'); // a stopped container does not hold it
    expect(removeKind(byName.spare!)).toBe('remove');
    expect(holding([c('a', 'paused'), c('b', 'created'), c('d', 'restarting'), c('e', 'dead')]).map((x) => x.name)).toEqual(['a', 'd']);
  });

  it('counts what a prune removes, never the pre-defined networks nor those in use', () => {
    expect(pruneSummary(rows)).toEqual({ unused: ['spare'], stoppedOnly: ['backend'] });
    expect(pruneSummary(rows.slice(0, 3))).toEqual({ unused: [], stoppedOnly: [] });
  });

  it('drops the request name from messages and keeps lists short', () => {
    expect(withoutOperation('networks.create: Network x was not created')).toBe('Network x was not created');
    expect(withoutOperation('engine not reachable')).toBe('engine not reachable');
    expect(someNames(['a', 'b'])).toBe('a, b');
    expect(someNames(['a', 'b', 'c', 'd'], 2)).toBe('a, b, and 2 more');
  });
});
