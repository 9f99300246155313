// Terminals: several exec/attach sessions per container in tabs; they persist across switches.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { closeSession, openSession, sessionsOf, storeVersion, subscribe, type TerminalSession } from '../../terminal/sessions';
import { splitCommand } from '@shared/run-command';
import { InfoBox } from '../../components/Notice';
import { TerminalMenu } from './TerminalMenu';

function TerminalView({ s, visible, onFind }: { s: TerminalSession; visible: boolean; onFind: () => void }) {
  const host = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  useLayoutEffect(() => {
    const el = host.current;
    if (!el) return;
    el.appendChild(s.element);
    const fit = () => {
      if (el.clientWidth > 0 && el.clientHeight > 0) {
        try { s.fit.fit(); } catch { /* not laid out */ }
        s.connect();
      }
    };
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    return () => { ro.disconnect(); if (s.element.parentElement === el) el.removeChild(s.element); };
  }, [s]);
  useEffect(() => {
    if (visible) { try { s.fit.fit(); } catch { /* hidden */ } s.term.focus(); }
  }, [visible, s]);
  const close = useCallback(() => setMenu(null), []);
  const openMenu = (e: React.MouseEvent<HTMLDivElement>) => {
    e.preventDefault();
    const r = e.currentTarget.getBoundingClientRect();
    // Keep the menu inside the terminal's box.
    setMenu({ x: Math.min(e.clientX - r.left, Math.max(0, r.width - 200)), y: Math.min(e.clientY - r.top, Math.max(0, r.height - 170)) });
  };
  return (
    <div className="relative h-full" onContextMenu={openMenu}>
      <div ref={host} className="h-full overflow-hidden rounded-md bg-slate-900" data-testid="terminal" role="group" aria-label={`Terminal ${s.title}`} />
      {menu && <TerminalMenu term={s.term} at={menu} onClose={close} onFind={onFind} />}
    </div>
  );
}

export function TerminalsTab({ id, running, visible }: { id: string; running: boolean; visible: boolean }) {
  useSyncExternalStore(subscribe, storeVersion);
  const list = sessionsOf(id);
  const [active, setActive] = useState<string | null>(null);
  const [cmd, setCmd] = useState('');
  const [find, setFind] = useState('');
  const findInput = useRef<HTMLInputElement>(null);
  const focusFind = useCallback(() => { findInput.current?.focus(); findInput.current?.select(); }, []);
  const current = list.find((s) => s.key === active) ?? list[list.length - 1];
  const start = (mode: 'exec' | 'attach') => {
    const s = openSession(id, mode, mode === 'exec' && cmd.trim() ? splitCommand(cmd) : undefined);
    setActive(s.key);
  };
  return (
    <div className={visible ? 'flex h-full min-h-[420px] flex-col gap-2' : 'hidden'}>
      <div className="flex flex-wrap items-center gap-2">
        <button className="btn btn-primary" disabled={!running} onClick={() => start('exec')}>New shell</button>
        <label htmlFor="term-cmd" className="sr-only">Command instead of the default shell</label>
        <input id="term-cmd" className="input max-w-xs font-mono" placeholder="or a command, e.g. top" value={cmd} onChange={(e) => setCmd(e.target.value)} />
        <button className="btn" disabled={!running} onClick={() => start('attach')}>Attach to main process</button>
        {current && (
          <form className="ml-auto flex gap-1" onSubmit={(e) => { e.preventDefault(); current.search.findNext(find); }}>
            <label htmlFor="term-find" className="sr-only">Find in terminal</label>
            <input id="term-find" ref={findInput} className="input w-40" placeholder="Find" value={find} onChange={(e) => setFind(e.target.value)} />
            <button className="btn btn-sm" type="submit">Next</button>
            <button className="btn btn-sm" type="button" onClick={() => current.search.findPrevious(find)}>Prev</button>
          </form>
        )}
      </div>
      {!running && list.length === 0 && <InfoBox>Terminals need a running container. Start it first.</InfoBox>}
      {/* A list of buttons rather than a tablist: a tablist may hold only tabs, not each session's close button. */}
      {list.length > 0 && (
        <ul aria-label="Terminal sessions" className="flex flex-wrap gap-1">
          {list.map((s, i) => (
            <li key={s.key} className={`flex items-center rounded-t-md border px-2 py-1 text-sm ${s === current ? 'border-accent-500 bg-accent-50 dark:bg-slate-800' : 'border-slate-300 dark:border-slate-700'}`}>
              <button aria-current={s === current ? 'true' : undefined} onClick={() => setActive(s.key)} data-testid="terminal-tab">
                {i + 1}: {s.title}{' '}
                {s.state === 'exited' && <span className="chip bg-slate-200 dark:bg-slate-700">exited {s.exitCode ?? '?'}</span>}
                {s.state === 'failed' && <span className="chip bg-red-100 text-red-800">failed</span>}
              </button>
              <button className="ml-2 text-slate-500 dark:text-slate-400 hover:text-red-600" aria-label={`Close terminal ${i + 1}`} onClick={() => closeSession(s)}>✕</button>
            </li>
          ))}
        </ul>
      )}
      <div className="relative min-h-[360px] flex-1">
        {list.map((s) => (
          <div key={s.key} className={s === current ? 'absolute inset-0' : 'hidden'}>
            <TerminalView s={s} visible={visible && s === current} onFind={focusFind} />
          </div>
        ))}
      </div>
    </div>
  );
}
