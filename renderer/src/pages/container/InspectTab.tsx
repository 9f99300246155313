import { JsonTree } from '../../components/JsonTree';

/** The named volumes in inspect's Mounts, for links to the Volumes page. */
function namedVolumes(inspect: Record<string, unknown>): { name: string; target: string }[] {
  const mounts = Array.isArray(inspect.Mounts) ? (inspect.Mounts as { Type?: unknown; Name?: unknown; Destination?: unknown }[]) : [];
  return mounts.filter((m) => m.Type === 'volume' && typeof m.Name === 'string').map((m) => ({ name: String(m.Name), target: String(m.Destination ?? '') }));
}

export function InspectTab({ value }: { value: Record<string, unknown> }) {
  const volumes = namedVolumes(value);
  return (
    <div className="space-y-3">
      {volumes.length > 0 && (
        <nav aria-label="Volumes of this container" className="card p-3 text-sm">
          <span className="font-semibold">Volumes: </span>
          {volumes.map((v, i) => (
            <span key={`${v.name}-${v.target}`}>
              <a className="text-accent-700 underline dark:text-accent-300" href={`#/volumes/${encodeURIComponent(v.name)}`}>{v.name}</a>
              <span className="text-slate-500 dark:text-slate-400"> at {v.target}</span>{i < volumes.length - 1 ? ', ' : ''}
            </span>
          ))}
        </nav>
      )}
      <div className="card overflow-auto p-3"><JsonTree value={value} /></div>
    </div>
  );
}
