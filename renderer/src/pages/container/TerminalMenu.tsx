// The terminal's context menu: Copy, Paste, Select all, Clear, Find. Keyboard too: it takes focus,
// arrows move, Escape closes and gives the focus back to the terminal.
import { useEffect, useRef } from 'react';
import type { Terminal } from '@xterm/xterm';
import { pasteInto } from '../../terminal/sessions';

interface Item { label: string; keys?: string; disabled?: boolean; run: () => void }

export function TerminalMenu({ term, at, onClose, onFind }: { term: Terminal; at: { x: number; y: number }; onClose: () => void; onFind: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const selection = term.getSelection();
  const done = (focusTerm = true) => { onClose(); if (focusTerm) term.focus(); };
  const items: Item[] = [
    { label: 'Copy', keys: 'Ctrl+Shift+C', disabled: !selection, run: () => { void navigator.clipboard?.writeText(selection).catch(() => {}); done(); } },
    { label: 'Paste', keys: 'Ctrl+Shift+V', run: () => { pasteInto(term); done(); } },
    { label: 'Select all', run: () => { term.selectAll(); done(); } },
    { label: 'Clear', run: () => { term.clear(); done(); } },
    { label: 'Find…', run: () => { done(false); onFind(); } },
  ];
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
    const away = (e: MouseEvent) => { if (!ref.current?.contains(e.target as Node)) onClose(); };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [onClose]);
  const onKeyDown = (e: React.KeyboardEvent) => {
    const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') { e.preventDefault(); done(); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); buttons[(i + 1) % buttons.length]?.focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); buttons[(i - 1 + buttons.length) % buttons.length]?.focus(); }
  };
  return (
    <div ref={ref} role="menu" aria-label="Terminal" onKeyDown={onKeyDown}
      className="absolute z-10 min-w-[12rem] rounded-md border border-slate-300 bg-white py-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-800"
      style={{ left: at.x, top: at.y }}>
      {items.map((it) => (
        <button key={it.label} role="menuitem" disabled={it.disabled} onClick={it.run}
          className="flex w-full justify-between gap-6 px-4 py-1 text-left hover:bg-slate-100 focus:bg-slate-100 focus:outline-none disabled:text-slate-400 dark:hover:bg-slate-700 dark:focus:bg-slate-700">
          <span>{it.label}</span>{it.keys && <span className="text-xs text-slate-600 dark:text-slate-300">{it.keys}</span>}
        </button>
      ))}
    </div>
  );
}
