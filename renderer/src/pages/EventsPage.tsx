// The engine's event feed, newest first.
import { useState } from 'react';
import type { EngineEvent } from '@shared/contract';
import { useStream } from '../api/api';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorBox } from '../components/Notice';

export function EventsPage() {
  const [events, setEvents] = useState<EngineEvent[]>([]);
  const [type, setType] = useState('');
  const { error } = useStream('events', {}, (e) => setEvents((prev) => [e, ...prev].slice(0, 2000)));
  const shown = type ? events.filter((e) => e.type === type) : events;
  return (
    <div>
      <PageHeader title="Events" subtitle="What the engine did in the last hour, live" actions={
        <><label htmlFor="event-type" className="sr-only">Event type</label>
          <select id="event-type" className="input" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">all types</option><option value="container">container</option><option value="image">image</option><option value="volume">volume</option><option value="network">network</option>
          </select></>} />
      <div className="p-6">
        {error && <ErrorBox title="The event feed stopped" message={`${error}\nIt restarts when you come back to this page.`} />}
        {shown.length === 0 && !error && <EmptyState title="No events yet">Start, stop or pull something and it shows up here.</EmptyState>}
        {shown.length > 0 && (
          <table className="card w-full">
            <thead><tr><th className="th">Time</th><th className="th">Type</th><th className="th">Action</th><th className="th">Object</th></tr></thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {shown.slice(0, 500).map((e, i) => (
                <tr key={i}>
                  <td className="td whitespace-nowrap tabular-nums text-slate-500 dark:text-slate-400">{new Date(e.time).toLocaleTimeString()}</td>
                  <td className="td">{e.type}</td><td className="td font-medium">{e.action}</td>
                  <td className="td">{e.type === 'container' ? <a className="hover:underline" href={`#/containers/${e.id}/logs`}>{e.name ?? e.id.slice(0, 12)}</a> : e.name ?? e.id.slice(0, 19)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
