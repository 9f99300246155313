// The /etc/hosts lines that let containers on the same user network find each other by name,
// alias and short ID (berthd's stand-in for dockerd's embedded DNS at 127.0.0.11; README.md
// says why). Only containers with a live endpoint count; the first address found for a name
// wins (a container's own names are never listed: its own line comes first in the file).
import type { ContainerRecord } from '../../containers/record.js';

export const peersComment = '# containers on the same user-defined networks (berthd)';

export function namesOf(r: ContainerRecord, aliases: string[] | null): string[] {
  const names = [r.Name.replace(/^\//, ''), ...(aliases ?? []), r.Id.slice(0, 12)];
  return [...new Set(names.filter((n) => n !== ''))];
}

/** "<ip>\t<name> <alias>... <short id>" for every other container live on one of r's networks. */
export function peerLines(r: ContainerRecord, records: Iterable<ContainerRecord>): string[] {
  const mine = Object.entries(r.UserNetworks ?? {}).filter(([, ep]) => ep.Live).map(([id]) => id);
  if (!mine.length) return [];
  const own = new Set(namesOf(r, null));
  for (const id of mine) for (const a of r.UserNetworks![id]!.Aliases ?? []) own.add(a);
  const seen = new Set<string>(own);
  const lines: string[] = [];
  const all = [...records].filter((p) => p.Id !== r.Id).sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  for (const netId of mine) {
    // --link name:alias on this network: the alias names that peer here (only here).
    const linked = new Map<string, string[]>();
    for (const link of [...(r.UserNetworks![netId]!.Links ?? []), ...(r.HostConfig?.Links ?? [])]) {
      const [name = '', alias = name] = link.split(':');
      const key = name.replace(/^\//, '');
      linked.set(key, [...(linked.get(key) ?? []), alias.replace(/^\//, '')]);
    }
    for (const p of all) {
      const ep = p.UserNetworks?.[netId];
      if (!ep?.Live) continue;
      const viaLinks = [...(linked.get(p.Name.replace(/^\//, '')) ?? []), ...(linked.get(p.Id) ?? [])];
      const names = namesOf(p, [...viaLinks, ...(ep.Aliases ?? [])]).filter((n) => !seen.has(n));
      if (!names.length) continue;
      for (const n of names) seen.add(n);
      lines.push(`${ep.Live.IPAddress}\t${names.join(' ')}`);
    }
  }
  return lines.length ? [peersComment, ...lines] : [];
}
