// The volumes list: search, sort, and what a prune would remove.
import type { VolumeRow } from '@shared/contract';

export type VolumeSortKey = 'name' | 'driver' | 'mountpoint' | 'created' | 'size' | 'usedBy';

/** Matches the name, driver, mountpoint, a label (key or value) or a user's name, ignoring case. */
export function filterVolumes(rows: VolumeRow[], q: string): VolumeRow[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return rows;
  return rows.filter((v) => [v.name, v.driver, v.mountpoint, ...Object.entries(v.labels).flat(), ...v.usedBy.map((u) => u.name)]
    .some((s) => s.toLowerCase().includes(needle)));
}

function sortValue(v: VolumeRow, key: VolumeSortKey): string | number {
  switch (key) {
    case 'name': return v.name;
    case 'driver': return v.driver;
    case 'mountpoint': return v.mountpoint;
    case 'created': return v.created ?? -1;
    case 'size': return v.size ?? -1; // unknown sizes sort below empty ones
    case 'usedBy': return v.usedBy.length;
  }
}

/** A sorted copy; ties keep name order so the list does not jump between refreshes. */
export function sortVolumes(rows: VolumeRow[], key: VolumeSortKey, dir: 1 | -1): VolumeRow[] {
  return [...rows].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return c !== 0 ? c * dir : a.name.localeCompare(b.name);
  });
}

/** Unused by any container, as far as both the containers' mounts and /system/df know. */
export function isUnused(v: VolumeRow): boolean {
  return v.usedBy.length === 0 && !v.refCount;
}

/** What "Prune unused" would take: the volumes, their total size, and whether a size is unknown. */
export function pruneSummary(rows: VolumeRow[]): { names: string[]; size: number; sizeUnknown: boolean } {
  const unused = rows.filter(isUnused);
  return {
    names: unused.map((v) => v.name),
    size: unused.reduce((s, v) => s + (v.size ?? 0), 0),
    sizeUnknown: unused.some((v) => v.size === undefined),
  };
}
