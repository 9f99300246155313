// Files changed in the container's writable layer.
import { useApi } from '../../api/api';
import { EmptyState, ErrorBox } from '../../components/Notice';

const KIND = { added: ['A', 'text-emerald-600'], changed: ['C', 'text-amber-600'], deleted: ['D', 'text-red-600'] } as const;

export function ChangesTab({ id }: { id: string }) {
  const ch = useApi('containers.changes', { id }, { refetchInterval: 5000 });
  if (ch.error) return <ErrorBox title="Could not read changes" message={ch.error.message} />;
  if (ch.data && ch.data.length === 0) return <EmptyState title="No changes">The container has not changed any file of its image.</EmptyState>;
  return (
    <ul className="card divide-y divide-slate-100 font-mono text-xs dark:divide-slate-800">
      {ch.data?.map((c) => (
        <li key={c.path} className="flex gap-3 px-3 py-1.5"><span className={`w-4 font-bold ${KIND[c.kind][1]}`} title={c.kind}>{KIND[c.kind][0]}</span>{c.path}</li>
      ))}
    </ul>
  );
}
