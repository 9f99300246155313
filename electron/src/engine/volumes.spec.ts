// The volume rows from the engines' documents (shapes as dockerd 20.10 and berthd send them),
// the in-use explanation, and which prune filter each API version needs.
import { describe, expect, it } from 'vitest';
import { createdSeconds, inUseMessage, pruneFilters, volumeRows, volumeUsers, type ContainerDoc, type VolumeDoc } from './volumes.js';

const containers: ContainerDoc[] = [
  { Id: 'c1'.padEnd(64, '0'), Names: ['/web'], State: 'running', Mounts: [{ Type: 'volume', Name: 'data', Destination: '/data' }, { Type: 'bind', Destination: '/etc/x' }] },
  { Id: 'c2'.padEnd(64, '0'), Names: ['/job'], State: 'exited', Mounts: [{ Type: 'volume', Name: 'data', Destination: '/in' }, { Type: 'volume', Name: 'data', Destination: '/again' }] },
  { Id: 'c3'.padEnd(64, '0'), State: 'created', Mounts: null },
];

describe('volumes in the app', () => {
  it('finds the containers mounting each volume, once each, by name', () => {
    const users = volumeUsers(containers);
    expect(users.get('data')).toEqual([
      { id: containers[0]!.Id, name: 'web', state: 'running', target: '/data' },
      { id: containers[1]!.Id, name: 'job', state: 'exited', target: '/in' },
    ]);
    expect([...users.keys()]).toEqual(['data']); // binds and mount-less containers add nothing
  });

  it('merges the list, df sizes and users; -1 sizes stay unknown', () => {
    const list: VolumeDoc[] = [
      { Name: 'data', Driver: 'local', Mountpoint: '/v/data/_data', CreatedAt: '2026-11-30T14:00:00Z', Labels: { app: 'x' }, Scope: 'local' },
      { Name: 'empty', Driver: 'local', Mountpoint: '/v/empty/_data', CreatedAt: 'not a date', Labels: null },
      { Name: 'nodf', Mountpoint: '/v/nodf/_data' },
    ];
    const df: VolumeDoc[] = [{ Name: 'data', UsageData: { Size: 8192, RefCount: 2 } }, { Name: 'empty', UsageData: { Size: -1, RefCount: -1 } }];
    const rows = volumeRows(list, df, containers);
    expect(rows[0]).toMatchObject({ name: 'data', size: 8192, refCount: 2, created: Date.parse('2026-11-30T14:00:00Z') / 1000, labels: { app: 'x' } });
    expect(rows[0]!.usedBy.map((u) => u.name)).toEqual(['web', 'job']);
    expect(rows[1]).toMatchObject({ name: 'empty', size: undefined, refCount: undefined, created: undefined, labels: {}, usedBy: [] });
    expect(rows[2]).toMatchObject({ name: 'nodf', driver: 'local', size: undefined });
    expect(volumeRows(list, null, []).every((r) => r.size === undefined && r.usedBy.length === 0)).toBe(true);
  });

  it('reads CreatedAt in the forms engines write', () => {
    expect(createdSeconds('2026-11-30T14:00:00.123456789Z')).toBe(Date.parse('2026-11-30T14:00:00Z') / 1000);
    expect(createdSeconds('2026-11-30T15:00:00+01:00')).toBe(Date.parse('2026-11-30T14:00:00Z') / 1000);
    expect(createdSeconds(undefined)).toBeUndefined();
    expect(createdSeconds('')).toBeUndefined();
  });

  it('explains a refused removal with the users by name, and that nothing was removed', () => {
    const users = volumeUsers(containers).get('data') ?? [];
    const msg = inUseMessage('data', 'remove data: volume is in use - [c1]', users);
    expect(msg).toContain('Volume data is in use by 2 containers: web (running), job (exited).');
    expect(msg).toContain('Remove them first');
    expect(msg).toContain('left as they are');
    expect(msg).toContain('(engine: remove data: volume is in use - [c1])');
    expect(inUseMessage('data', 'in use', users.slice(0, 1))).toContain('in use by 1 container: web (running). Remove it first');
    expect(inUseMessage('data', 'remove data: volume is in use', [])).toBe('remove data: volume is in use.');
  });

  it('asks API 1.42+ engines to prune named volumes too, and leaves the filter out before', () => {
    expect(pruneFilters('1.45')).toEqual({ all: ['true'] });
    expect(pruneFilters('1.42')).toEqual({ all: ['true'] });
    expect(pruneFilters('1.41')).toEqual({});
    expect(pruneFilters('1.40')).toEqual({});
    expect(pruneFilters('2.0')).toEqual({ all: ['true'] });
    expect(pruneFilters('')).toEqual({});
  });
});
