// The keyboard shortcuts (lib/shortcuts.ts), mounted once in the navigation: the key listener, the
// "Press ? for shortcuts" hint at the navigation's foot, and the dialog that lists them.
import { useEffect, useMemo, useRef, useState } from 'react';
import { go } from '../lib/router';
import { GO_SHORTCUTS, isTypingTarget, SEARCH_BOX_SELECTOR, ShortcutReader } from '../lib/shortcuts';
import { Dialog } from './Dialog';

/** The current page's search box, if it shows one. */
function searchBox(): HTMLInputElement | null {
  const boxes = document.querySelectorAll<HTMLInputElement>(SEARCH_BOX_SELECTOR.split(',').map((s) => `main ${s.trim()}`).join(', '));
  return [...boxes].find((b) => !b.disabled && b.getClientRects().length > 0) ?? null;
}

function useShortcuts(pages: readonly string[], openHelp: () => void): void {
  const reader = useMemo(() => new ShortcutReader(GO_SHORTCUTS.filter((s) => pages.includes(s.page))), [pages]);
  const help = useRef(openHelp);
  useEffect(() => { help.current = openHelp; });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target instanceof Element ? e.target : null;
      // Typing (a field, a terminal) and open dialogs keep their keys; so does a key already handled.
      if (e.defaultPrevented || isTypingTarget(target as HTMLElement | null) || isTypingTarget(document.activeElement as HTMLElement | null) || document.querySelector('dialog[open]')) {
        reader.reset();
        return;
      }
      const action = reader.read(e, performance.now());
      if (!action) return;
      if (action.kind === 'search') {
        const box = searchBox();
        if (!box) return; // this page has no search: the key does nothing, as it would without shortcuts
        box.focus();
        box.select();
      } else if (action.kind === 'go') go(action.page);
      else if (action.kind === 'help') help.current();
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [reader]);
}

function Keys({ keys }: { keys: string[] }) {
  return (
    <span className="inline-flex gap-1">
      {keys.map((k, i) => <kbd key={i} className="min-w-6 rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 text-center font-mono text-xs text-slate-800 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100">{k}</kbd>)}
    </span>
  );
}

export function ShortcutsDialog({ pages, onClose }: { pages: readonly string[]; onClose: () => void }) {
  const rows: { keys: string[]; what: string }[] = [
    ...GO_SHORTCUTS.filter((s) => pages.includes(s.page)).map((s) => ({ keys: ['g', s.key], what: `Go to ${s.label}` })),
    { keys: ['/'], what: "Search this page's list" },
    { keys: ['?'], what: 'Show these shortcuts' },
    { keys: ['Esc'], what: 'Close a dialog' },
  ];
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <div className="p-5">
        <table className="w-full text-sm" data-testid="shortcut-list">
          <caption className="sr-only">Keyboard shortcuts</caption>
          <thead className="sr-only"><tr><th scope="col">Keys</th><th scope="col">Does</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.keys.join(' ')} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                <td className="py-2 pr-4 whitespace-nowrap"><Keys keys={r.keys} />{r.keys.length > 1 && <span className="sr-only"> ({r.keys.join(' then ')})</span>}</td>
                <td className="py-2">{r.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="mt-4 text-xs text-slate-600 dark:text-slate-300">Shortcuts rest while you type in a field or a terminal. For <kbd>g</kbd> sequences, press the second key within a second and a half.</p>
      </div>
    </Dialog>
  );
}

/** The shortcuts' listener and hint; `pages` are the navigation's pages (a `g` key for each one that has one). */
export function KeyboardShortcuts({ pages }: { pages: readonly string[] }) {
  const [open, setOpen] = useState(false);
  const pageKey = pages.join(' ');
  // eslint-disable-next-line react-hooks/exhaustive-deps -- by value: the caller makes a new array each render
  const stable = useMemo(() => pages, [pageKey]);
  useShortcuts(stable, () => setOpen(true));
  return (
    <>
      <div className="px-3 pb-2 text-xs max-lg:flex max-lg:justify-center">
        <button type="button" className="rounded px-1 py-0.5 text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100" onClick={() => setOpen(true)} aria-keyshortcuts="?" title="Keyboard shortcuts (?)">
          <span className="max-lg:sr-only">Press </span><kbd className="rounded border border-slate-300 px-1 font-mono dark:border-slate-600">?</kbd><span className="max-lg:sr-only"> for shortcuts</span>
        </button>
      </div>
      {open && <ShortcutsDialog pages={stable} onClose={() => setOpen(false)} />}
    </>
  );
}
