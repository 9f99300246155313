// Logs: follow, timestamps, search (filter), download; virtualized for 100,000+ lines.
import { useMemo, useRef, useState } from 'react';
import type { LogLine } from '@shared/contract';
import { useStream } from '../../api/api';
import { VirtualList } from '../../components/VirtualList';
import { ErrorBox } from '../../components/Notice';
import { useKeptState } from '../../lib/kept-state';

/** The lines of one log stream, appended in place. */
class LogBuffer {
  readonly lines: LogLine[] = [];
  constructor(readonly key: string) {}
  append(batch: LogLine[]): void { for (const l of batch) this.lines.push(l); }
}

export function LogsTab({ id, running, name }: { id: string; running: boolean; name: string }) {
  const [follow, setFollow] = useState(true);
  // Kept when the user looks at another tab or page and comes back: timestamps as a preference,
  // the search for this container.
  const [timestamps, setTimestamps] = useKeptState('logs.timestamps', false);
  const [q, setQ] = useKeptState(`logs.search.${id}`, '');
  // One buffer per stream (these params): new params start an empty one, set while rendering (the
  // pattern for state that follows props), so no frame shows the old lines under the new params.
  // Batches are appended in place (100,000+ lines, no copy per batch) and `version` re-renders once
  // a frame.
  const streamKey = `${id} ${timestamps} ${running}`;
  const [buffer, setBuffer] = useState(() => new LogBuffer(streamKey));
  if (buffer.key !== streamKey) setBuffer(new LogBuffer(streamKey));
  const lines = buffer.lines;
  const [version, setVersion] = useState(0);
  const pending = useRef(false);
  const { error, ended } = useStream('logs', { id, follow: running, timestamps, tail: 0 }, (batch) => {
    buffer.append(batch);
    if (!pending.current) {
      pending.current = true;
      requestAnimationFrame(() => { pending.current = false; setVersion((v) => v + 1); });
    }
  });
  const shown = useMemo(() => {
    if (!q) return lines;
    const n = q.toLowerCase();
    return lines.filter((l) => l.text.toLowerCase().includes(n));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `version` stands for the buffer's contents (an array that grows in place)
  }, [q, lines, version]);
  const download = () => {
    const text = lines.map((l) => (l.ts ? `${l.ts} ${l.text}` : l.text)).join('\n') + '\n';
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    a.download = `${name}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  return (
    <div className="flex h-full flex-col gap-2">
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor="log-search" className="sr-only">Search logs</label>
        <input id="log-search" className="input max-w-xs" placeholder="Search (shows matching lines)" value={q} onChange={(e) => setQ(e.target.value)} />
        <label className="flex items-center gap-1.5 text-sm"><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow</label>
        <label className="flex items-center gap-1.5 text-sm"><input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} /> Timestamps</label>
        <button className="btn btn-sm" onClick={download}>Download</button>
        <span className="text-xs text-slate-500 dark:text-slate-400" aria-live="polite">{q ? `${shown.length} of ${lines.length} lines match` : `${lines.length} lines`}</span>
      </div>
      {error && <ErrorBox title="Logs stopped" message={error} />}
      {/* An exited container with no output: a sentence, not a large empty black box. */}
      {!running && lines.length === 0 && !error ? (
        <p data-testid="logs-empty" className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
          {ended ? 'This container wrote nothing to stdout or stderr.' : 'Reading the logs…'}
        </p>
      ) : <VirtualList label="Log lines" className="min-h-[300px] flex-1 rounded-md bg-slate-950 font-mono text-xs text-slate-200" count={shown.length} rowHeight={18} follow={follow}
        render={(i) => {
          const l = shown[i] as LogLine;
          return (
            <div className={`whitespace-pre px-3 leading-[18px] ${l.stream === 'stderr' ? 'text-red-300' : ''}`} data-testid="log-line">
              {l.ts && <span className="mr-2 text-slate-500 dark:text-slate-400">{l.ts}</span>}{l.text}
            </div>
          );
        }} />}
      {running && lines.length === 0 && !error && <div className="text-sm text-slate-500 dark:text-slate-400">No output yet. New lines appear here as the container writes them.</div>}
    </div>
  );
}
