// The engine's event feed, newest first: the last 10,000 events in a virtual table (only the rows in
// view are in the DOM), narrowed by type and by a filter box (words, or type:/action:/name:).
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStream } from '../api/api';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorBox } from '../components/Notice';
import { VirtualList } from '../components/VirtualList';
import { useKeptState } from '../lib/kept-state';
import { EventLog } from '../lib/event-log';
import { indexEvent, matchesEvent, parseEventFilter, type EventTerm, type IndexedEvent } from '../lib/event-filter';

/** How many events the page keeps: the engine replays the last hour, and a busy hour is thousands. */
export const EVENTS_KEPT = 10_000;
const ROW = 36;
/** Events arriving in a burst are drawn together, at most this often. */
const DRAW_MS = 100;
const COLS = 'grid items-center grid-cols-[6.5rem_6rem_minmax(5rem,9rem)_minmax(8rem,1fr)_minmax(8rem,1.2fr)]';

function passes(e: IndexedEvent, type: string, terms: readonly EventTerm[]): boolean {
  return (!type || e.event.type === type) && matchesEvent(e, terms);
}

function EventRow({ e }: { e: IndexedEvent }) {
  const ev = e.event;
  return (
    <div className={`${COLS} h-full border-b border-slate-100 dark:border-slate-800`} data-testid="event-row">
      <div role="cell" className="td whitespace-nowrap tabular-nums text-slate-600 dark:text-slate-400">{new Date(ev.time).toLocaleTimeString()}</div>
      <div role="cell" className="td truncate">{ev.type}</div>
      <div role="cell" className="td truncate font-medium" title={ev.action}>{ev.action}</div>
      <div role="cell" className="td min-w-0 truncate" data-testid="event-object">
        {ev.type === 'container' ? <a className="hover:underline" href={`#/containers/${ev.id}/logs`}>{ev.name ?? ev.id.slice(0, 12)}</a> : ev.name ?? ev.id.slice(0, 19)}
      </div>
      <div role="cell" className="td min-w-0 truncate text-slate-600 dark:text-slate-300" title={e.detail || undefined} data-testid="event-detail">{e.detail}</div>
    </div>
  );
}

export function EventsPage() {
  // One log for the page's life, filled outside React's updates; `drawn.version` is bumped when
  // new events are drawn, with how many of them the current filter shows (rows added on top).
  const [log] = useState(() => new EventLog<IndexedEvent>(EVENTS_KEPT));
  const [drawn, setDrawn] = useState({ version: 0, grewAtTop: 0 });
  const drawTimer = useRef<number | undefined>(undefined);
  const [type, setType] = useKeptState('events.type', '');
  const [q, setQ] = useKeptState('events.search', '');
  const terms = useMemo(() => parseEventFilter(q), [q]);
  // The filter as the stream's callback sees it, and the new rows it let through since the last draw.
  const filter = useRef({ type, terms });
  const grown = useRef(0);
  useEffect(() => { filter.current = { type, terms }; grown.current = 0; }, [type, terms]);
  const { error } = useStream('events', {}, (e) => {
    const ix = indexEvent(e);
    log.push(ix);
    if (passes(ix, filter.current.type, filter.current.terms)) grown.current++;
    if (drawTimer.current === undefined) {
      drawTimer.current = window.setTimeout(() => {
        drawTimer.current = undefined;
        const rows = grown.current;
        grown.current = 0;
        setDrawn((d) => ({ version: d.version + 1, grewAtTop: rows }));
      }, DRAW_MS);
    }
  });
  useEffect(() => () => window.clearTimeout(drawTimer.current), []);
  const { shown, total } = useMemo(() => ({
    shown: log.filter((e) => passes(e, type, terms)),
    total: log.size,
    drawn: drawn.version, // the log's contents: a new version is a new filter pass
  }), [log, drawn.version, type, terms]);
  return (
    <div className="flex h-full flex-col">
      <PageHeader title="Events" subtitle={total ? `What the engine did in the last hour, live: ${shown.length === total ? total : `${shown.length} of ${total}`} events${total === EVENTS_KEPT ? ' (the latest 10,000)' : ''}` : 'What the engine did in the last hour, live'} actions={
        <><label htmlFor="event-search" className="sr-only">Search events</label>
          {/* Widths on wrappers: .input sets width: 100% outside Tailwind's layers, so a width utility on it loses. */}
          <div className="w-72"><input id="event-search" className="input" placeholder="Filter, e.g. action:die name:web" title="Words match anywhere; type:, action: and name: narrow to one field" value={q} onChange={(e) => setQ(e.target.value)} /></div>
          <label htmlFor="event-type" className="sr-only">Event type</label>
          <div className="w-36"><select id="event-type" className="input" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">all types</option><option value="container">container</option><option value="image">image</option><option value="volume">volume</option><option value="network">network</option>
          </select></div></>} />
      <div className="flex min-h-0 flex-1 flex-col gap-3 p-6">
        {error && <ErrorBox title="The event feed stopped" message={`${error}\nIt restarts when you come back to this page.`} />}
        {total === 0 && !error && <EmptyState title="No events yet">Start, stop or pull something and it shows up here.</EmptyState>}
        {total > 0 && shown.length === 0 && <EmptyState title="No event matches">None of the {total} events {type ? `of type ${type} ` : ''}{q.trim() ? `matches "${q.trim()}"` : ''}. <button className="text-accent-600 underline dark:text-accent-300" onClick={() => { setQ(''); setType(''); }}>Show all events</button></EmptyState>}
        {shown.length > 0 && (
          <div role="table" aria-label="Events" aria-rowcount={shown.length + 1} className="card flex min-h-0 flex-1 flex-col overflow-hidden" data-testid="events-table">
            <div role="rowgroup">
              <div role="row" aria-rowindex={1} className={`${COLS} border-b border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-800/50`}>
                <div role="columnheader" className="th">Time</div><div role="columnheader" className="th">Type</div><div role="columnheader" className="th">Action</div><div role="columnheader" className="th">Object</div><div role="columnheader" className="th">Details</div>
              </div>
            </div>
            <VirtualList className="min-h-0 flex-1" label="Events, newest first" count={shown.length} rowHeight={ROW} rowgroup={{ headerRows: 1 }}
              grewAtTop={{ rows: drawn.grewAtTop, key: drawn.version }}
              render={(i) => <EventRow e={shown[i] as IndexedEvent} />} />
          </div>
        )}
      </div>
    </div>
  );
}
