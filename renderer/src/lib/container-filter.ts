// The containers list's state filter, its counts, and the words a row shows while an action runs.
import type { ContainerAction, ContainerRow } from '@shared/contract';

export type StateFilter = 'all' | 'running' | 'paused' | 'stopped';

export const STATE_FILTERS: { key: StateFilter; label: string }[] = [
  { key: 'all', label: 'All' }, { key: 'running', label: 'Running' }, { key: 'paused', label: 'Paused' }, { key: 'stopped', label: 'Stopped' },
];

/** Which filter a state falls under: restarting counts as running (it comes back on its own);
 * created, exited, dead and removing as stopped (nothing of theirs runs). */
export function stateGroup(state: ContainerRow['state']): Exclude<StateFilter, 'all'> {
  if (state === 'running' || state === 'restarting') return 'running';
  if (state === 'paused') return 'paused';
  return 'stopped';
}

export function countByState(rows: readonly Pick<ContainerRow, 'state'>[]): Record<StateFilter, number> {
  const n: Record<StateFilter, number> = { all: rows.length, running: 0, paused: 0, stopped: 0 };
  for (const r of rows) n[stateGroup(r.state)]++;
  return n;
}

/** Rows under the filter whose name or image contains the search, or whose ID starts with it. */
export function filterContainers<T extends Pick<ContainerRow, 'id' | 'name' | 'image' | 'state'>>(rows: readonly T[], filter: StateFilter, search: string): T[] {
  const n = search.trim().toLowerCase();
  return rows.filter((c) => (filter === 'all' || stateGroup(c.state) === filter)
    && (!n || c.name.toLowerCase().includes(n) || c.image.toLowerCase().includes(n) || c.id.startsWith(n)));
}

const PENDING: Record<ContainerAction, string> = {
  start: 'starting…', stop: 'stopping…', restart: 'restarting…', pause: 'pausing…', unpause: 'resuming…', kill: 'killing…', remove: 'removing…',
};

/** What a row says while its action runs (a stop can take the engine's 10 s grace period). */
export function pendingLabel(action: ContainerAction): string {
  return PENDING[action];
}
