// The engine's event feed, newest first.
import { useState } from 'react';
import type { EngineEvent } from '@shared/contract';
import { useStream } from '../api/api';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorBox } from '../components/Notice';
import { useKeptState } from '../lib/kept-state';
import { eventDetail } from '../lib/event-detail';

export function EventsPage() {
  const [events, setEvents] = useState<EngineEvent[]>([]);
  const [type, setType] = useKeptState('events.type', '');
  const [q, setQ] = useKeptState('events.search', '');
  const { error } = useStream('events', {}, (e) => setEvents((prev) => [e, ...prev].slice(0, 2000)));
  const needle = q.trim().toLowerCase();
  const shown = events.filter((e) => (!type || e.type === type)
    && (!needle || `${e.name ?? ''} ${e.id} ${e.action} ${eventDetail(e)}`.toLowerCase().includes(needle)));
  return (
    <div>
      <PageHeader title="Events" subtitle="What the engine did in the last hour, live" actions={
        <><label htmlFor="event-search" className="sr-only">Search events</label>
          {/* Widths on wrappers: .input sets width: 100% outside Tailwind's layers, so a width utility on it loses. */}
          <div className="w-56"><input id="event-search" className="input" placeholder="Search by name or action" value={q} onChange={(e) => setQ(e.target.value)} /></div>
          <label htmlFor="event-type" className="sr-only">Event type</label>
          <div className="w-36"><select id="event-type" className="input" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">all types</option><option value="container">container</option><option value="image">image</option><option value="volume">volume</option><option value="network">network</option>
          </select></div></>} />
      <div className="p-6">
        {error && <ErrorBox title="The event feed stopped" message={`${error}\nIt restarts when you come back to this page.`} />}
        {events.length === 0 && !error && <EmptyState title="No events yet">Start, stop or pull something and it shows up here.</EmptyState>}
        {events.length > 0 && shown.length === 0 && <EmptyState title="No event matches">None of the {events.length} events {type ? `of type ${type} ` : ''}{needle ? `matches "${q}"` : ''}. <button className="text-accent-600 underline dark:text-accent-300" onClick={() => { setQ(''); setType(''); }}>Show all events</button></EmptyState>}
        {shown.length > 0 && (
          <table className="card w-full">
            <thead><tr><th className="th">Time</th><th className="th">Type</th><th className="th">Action</th><th className="th">Object</th><th className="th">Details</th></tr></thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {shown.slice(0, 500).map((e, i) => (
                <tr key={i}>
                  <td className="td whitespace-nowrap tabular-nums text-slate-500 dark:text-slate-400">{new Date(e.time).toLocaleTimeString()}</td>
                  <td className="td">{e.type}</td><td className="td font-medium">{e.action}</td>
                  <td className="td">{e.type === 'container' ? <a className="hover:underline" href={`#/containers/${e.id}/logs`}>{e.name ?? e.id.slice(0, 12)}</a> : e.name ?? e.id.slice(0, 19)}</td>
                  <td className="td text-slate-600 dark:text-slate-300" data-testid="event-detail">{eventDetail(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
