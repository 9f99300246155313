// Logs: follow, timestamps, search (filter), download; virtualized for 100,000+ lines.
/* eslint-disable react-hooks/refs -- the log buffer is a ref on purpose: batches are appended in
   place (100,000+ lines, no copy per batch) and `version` re-renders once a frame, so render reads
   the buffer only after that bump. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LogLine } from '@shared/contract';
import { useStream } from '../../api/api';
import { VirtualList } from '../../components/VirtualList';
import { ErrorBox } from '../../components/Notice';

export function LogsTab({ id, running, name }: { id: string; running: boolean; name: string }) {
  const [follow, setFollow] = useState(true);
  const [timestamps, setTimestamps] = useState(false);
  const [q, setQ] = useState('');
  const lines = useRef<LogLine[]>([]);
  const [version, setVersion] = useState(0);
  const pending = useRef(false);
  useEffect(() => { lines.current = []; setVersion((v) => v + 1); }, [id, timestamps, running]);
  const { error } = useStream('logs', { id, follow: running, timestamps, tail: 0 }, (batch) => {
    for (const l of batch) lines.current.push(l);
    if (!pending.current) {
      pending.current = true;
      requestAnimationFrame(() => { pending.current = false; setVersion((v) => v + 1); });
    }
  }, [running]);
  const shown = useMemo(() => {
    if (!q) return lines.current;
    const n = q.toLowerCase();
    return lines.current.filter((l) => l.text.toLowerCase().includes(n));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `version` stands for the buffer's contents (a ref that grows in place)
  }, [q, version]);
  const download = () => {
    const text = lines.current.map((l) => (l.ts ? `${l.ts} ${l.text}` : l.text)).join('\n') + '\n';
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
        <span className="text-xs text-slate-500" aria-live="polite">{q ? `${shown.length} of ${lines.current.length} lines match` : `${lines.current.length} lines`}</span>
      </div>
      {error && <ErrorBox title="Logs stopped" message={error} />}
      <VirtualList label="Log lines" className="min-h-[300px] flex-1 rounded-md bg-slate-950 font-mono text-xs text-slate-200" count={shown.length} rowHeight={18} follow={follow}
        render={(i) => {
          const l = shown[i] as LogLine;
          return (
            <div className={`whitespace-pre px-3 leading-[18px] ${l.stream === 'stderr' ? 'text-red-300' : ''}`} data-testid="log-line">
              {l.ts && <span className="mr-2 text-slate-500">{l.ts}</span>}{l.text}
            </div>
          );
        }} />
      {lines.current.length === 0 && !error && <div className="text-sm text-slate-500">No output yet. {running ? 'New lines appear here as the container writes them.' : 'This container wrote nothing to stdout or stderr.'}</div>}
    </div>
  );
}
