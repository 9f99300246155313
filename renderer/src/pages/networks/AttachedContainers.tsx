// The containers attached to a network, each a link to its page, with its state and address.
import type { NetworkContainer } from '@shared/contract';

export function AttachedContainers({ containers, withAddress }: { containers: NetworkContainer[]; withAddress?: boolean }) {
  if (!containers.length) return <span className="text-slate-500 dark:text-slate-400">no container</span>;
  return (
    <ul className="inline">
      {containers.map((c, i) => (
        <li key={c.id} className="inline">
          <a className="text-accent-700 underline dark:text-accent-300" href={`#/containers/${encodeURIComponent(c.id)}/logs`}>{c.name}</a>
          <span className="text-slate-500 dark:text-slate-400"> ({c.state}{withAddress && c.ipv4 ? ` at ${c.ipv4}` : ''})</span>{i < containers.length - 1 ? ', ' : ''}
        </li>
      ))}
    </ul>
  );
}
