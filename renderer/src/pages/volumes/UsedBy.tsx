// The containers using a volume, each a link to its page.
import type { VolumeUser } from '@shared/contract';

export function UsedBy({ users, withTarget }: { users: VolumeUser[]; withTarget?: boolean }) {
  if (!users.length) return <span className="text-slate-500 dark:text-slate-400">no container</span>;
  return (
    <ul className="inline">
      {users.map((u, i) => (
        <li key={u.id} className="inline">
          <a className="text-accent-700 underline dark:text-accent-300" href={`#/containers/${encodeURIComponent(u.id)}/logs`}>{u.name}</a>
          <span className="text-slate-500 dark:text-slate-400"> ({u.state}{withTarget && u.target ? ` at ${u.target}` : ''})</span>{i < users.length - 1 ? ', ' : ''}
        </li>
      ))}
    </ul>
  );
}
