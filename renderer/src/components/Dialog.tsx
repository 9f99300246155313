// A modal dialog on the native <dialog> element: focus trap and Escape come with it.
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  // Where the focus was when the dialog opened (the first render's): the dialog is unmounted on
  // close, which leaves the focus on <body>, so it goes back there for the keyboard user.
  const opener = useRef(document.activeElement);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    const back = opener.current;
    return () => { if (back instanceof HTMLElement && back.isConnected) back.focus(); };
  }, []);
  return (
    <dialog ref={ref} aria-label={title} onClose={onClose} onCancel={onClose}
      className={`m-auto max-h-[92vh] w-full ${wide ? 'max-w-5xl' : 'max-w-xl'} overflow-hidden rounded-xl border border-slate-200 bg-white p-0 text-slate-900 shadow-2xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100`}>
      <div className="flex items-center justify-between border-b border-slate-200 px-5 py-3 dark:border-slate-800">
        <h2 className="text-lg font-semibold">{title}</h2>
        <button className="btn btn-sm" onClick={onClose} aria-label="Close dialog">✕</button>
      </div>
      <div className="max-h-[calc(92vh-56px)] overflow-auto">{children}</div>
    </dialog>
  );
}
