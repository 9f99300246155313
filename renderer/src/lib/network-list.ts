// The networks list: search, sort, what holds a network, and what a prune would remove.
import type { NetworkContainer, NetworkRow } from '@shared/contract';

export type NetworkSortKey = 'name' | 'driver' | 'scope' | 'subnet' | 'containers' | 'created';

/** Matches the name, ID prefix, driver, scope, a subnet, a label (key or value) or an attached
 * container's name, ignoring case. */
export function filterNetworks(rows: NetworkRow[], q: string): NetworkRow[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return rows;
  return rows.filter((n) => n.id.toLowerCase().startsWith(needle) ||
    [n.name, n.driver, n.scope, ...n.subnets, ...Object.entries(n.labels).flat(), ...n.containers.map((c) => c.name)]
      .some((s) => s.toLowerCase().includes(needle)));
}

function sortValue(n: NetworkRow, key: NetworkSortKey): string | number {
  switch (key) {
    case 'name': return n.name;
    case 'driver': return n.driver;
    case 'scope': return n.scope;
    case 'subnet': return n.subnets[0] ?? '';
    case 'containers': return n.containers.length;
    case 'created': return n.created ?? -1;
  }
}

/** A sorted copy; ties keep name order so the list does not jump between refreshes. */
export function sortNetworks(rows: NetworkRow[], key: NetworkSortKey, dir: 1 | -1): NetworkRow[] {
  return [...rows].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return c !== 0 ? c * dir : a.name.localeCompare(b.name);
  });
}

/** Containers that hold a network: a running (or paused, restarting) one has an endpoint on it,
 * and engines refuse to remove a network with endpoints. A stopped one does not hold it. */
export function holding(cs: NetworkContainer[]): NetworkContainer[] {
  return cs.filter((c) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting');
}

/** What Remove leads to: the pre-defined ones never go, ones in use are explained, others asked. */
export function removeKind(n: NetworkRow): 'builtin' | 'in-use' | 'remove' {
  if (n.builtin) return 'builtin';
  return holding(n.containers).length ? 'in-use' : 'remove';
}

/** What "Prune unused" would take: the user-defined networks no container runs on, split into
 * those with no container at all and those with stopped containers only (dockerd prunes those too;
 * the containers then cannot start until they get another network). */
export function pruneSummary(rows: NetworkRow[]): { unused: string[]; stoppedOnly: string[] } {
  const candidates = rows.filter((n) => !n.builtin && holding(n.containers).length === 0);
  return {
    unused: candidates.filter((n) => n.containers.length === 0).map((n) => n.name),
    stoppedOnly: candidates.filter((n) => n.containers.length > 0).map((n) => n.name),
  };
}

/** An API error's message without the request name the app puts first ("networks.create: "). */
export function withoutOperation(message: string): string {
  return message.replace(/^[a-z]+\.[a-zA-Z]+: /, '');
}

/** "a, b, c, and 2 more": a list that stays short in a sentence. */
export function someNames(names: string[], max = 8): string {
  return names.slice(0, max).join(', ') + (names.length > max ? `, and ${names.length - max} more` : '');
}
