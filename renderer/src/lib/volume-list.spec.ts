// Search, sort and the prune summary over rows shaped as the engines report them.
import { describe, expect, it } from 'vitest';
import type { VolumeRow } from '@shared/contract';
import { filterVolumes, isUnused, pruneSummary, sortVolumes } from './volume-list';

const vol = (name: string, extra: Partial<VolumeRow> = {}): VolumeRow => ({
  name, driver: 'local', mountpoint: `/var/lib/docker/volumes/${name}/_data`, labels: {}, usedBy: [], ...extra,
});
const web = { id: 'aa11', name: 'web', state: 'running' as const, target: '/data' };
const rows = [
  vol('pgdata', { size: 4096, created: 300, usedBy: [web], refCount: 1, labels: { app: 'shop' } }),
  vol('cache', { size: 10, created: 100 }),
  vol('Logs', { created: 200 }),
  vol('tmp', { size: 0, created: 400, driver: 'other' }),
];

describe('volume list', () => {
  it('searches names, drivers, labels and users, ignoring case', () => {
    expect(filterVolumes(rows, 'LOG').map((v) => v.name)).toEqual(['Logs']);
    expect(filterVolumes(rows, 'shop').map((v) => v.name)).toEqual(['pgdata']);
    expect(filterVolumes(rows, 'app').map((v) => v.name)).toEqual(['pgdata']);
    expect(filterVolumes(rows, 'web').map((v) => v.name)).toEqual(['pgdata']);
    expect(filterVolumes(rows, 'other').map((v) => v.name)).toEqual(['tmp']);
    expect(filterVolumes(rows, '  ')).toHaveLength(4);
    expect(filterVolumes(rows, 'nothing-like-it')).toEqual([]);
  });

  it('sorts by each column both ways; unknown sizes below empty ones', () => {
    expect(sortVolumes(rows, 'name', 1).map((v) => v.name)).toEqual(['cache', 'Logs', 'pgdata', 'tmp']);
    expect(sortVolumes(rows, 'size', 1).map((v) => v.name)).toEqual(['Logs', 'tmp', 'cache', 'pgdata']);
    expect(sortVolumes(rows, 'size', -1).map((v) => v.name)).toEqual(['pgdata', 'cache', 'tmp', 'Logs']);
    expect(sortVolumes(rows, 'created', -1).map((v) => v.name)).toEqual(['tmp', 'pgdata', 'Logs', 'cache']);
    expect(sortVolumes(rows, 'usedBy', -1).map((v) => v.name)).toEqual(['pgdata', 'cache', 'Logs', 'tmp']); // ties by name
    expect(sortVolumes(rows, 'driver', -1)[0]?.name).toBe('tmp');
    expect(rows[0]?.name).toBe('pgdata'); // the input is left as it was
  });

  it('counts what a prune takes: unused by mounts and by df', () => {
    expect(isUnused(rows[0]!)).toBe(false);
    expect(isUnused(vol('held', { refCount: 1 }))).toBe(false); // df knows a user the list did not show
    expect(pruneSummary(rows)).toEqual({ names: ['cache', 'Logs', 'tmp'], size: 10, sizeUnknown: true });
    expect(pruneSummary([rows[1]!])).toEqual({ names: ['cache'], size: 10, sizeUnknown: false });
    expect(pruneSummary([])).toEqual({ names: [], size: 0, sizeUnknown: false });
  });
});
