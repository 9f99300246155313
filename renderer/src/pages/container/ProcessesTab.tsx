// Processes in the container (the engine's top).
import { useApi } from '../../api/api';
import { ErrorBox, InfoBox } from '../../components/Notice';

export function ProcessesTab({ id, running }: { id: string; running: boolean }) {
  const top = useApi('containers.top', { id }, { enabled: running, refetchInterval: 3000 });
  if (!running) return <InfoBox>The container is not running, so it has no processes. Start it to see them.</InfoBox>;
  if (top.error) return <ErrorBox title="Could not list processes" message={top.error.message} />;
  return (
    <div className="card overflow-auto">
      <table className="w-full">
        <thead><tr>{top.data?.titles.map((t) => <th key={t} className="th">{t}</th>)}</tr></thead>
        <tbody className="divide-y divide-slate-100 font-mono text-xs dark:divide-slate-800">
          {top.data?.processes.map((p, i) => <tr key={i}>{p.map((c, j) => <td key={j} className="td text-xs">{c}</td>)}</tr>)}
        </tbody>
      </table>
    </div>
  );
}
