// Error, warning and empty states: what happened and what to do next.
import type { ReactNode } from 'react';

/** `onDismiss` adds a close button: an error about a past action need not stay until the next one. */
export function ErrorBox({ title, message, action, onDismiss }: { title: string; message: string; action?: ReactNode; onDismiss?: (() => void) | undefined }) {
  return (
    <div role="alert" className="relative rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
      {onDismiss && <button type="button" className="absolute right-2 top-2 rounded px-1.5 leading-5 hover:bg-red-100 focus-visible:outline focus-visible:outline-2 dark:hover:bg-red-900" aria-label={`Dismiss: ${title}`} onClick={onDismiss}>×</button>}
      <div className={onDismiss ? 'pr-6 font-semibold' : 'font-semibold'}>{title}</div>
      {/* anywhere: a 64-character ID in a message wraps instead of widening its column. */}
      <div className="mt-1 whitespace-pre-wrap [overflow-wrap:anywhere]">{message}</div>
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}

export function InfoBox({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'warn' | 'ok' }) {
  const cls = tone === 'warn' ? 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100'
    : tone === 'ok' ? 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100'
    : 'border-sky-300 bg-sky-50 text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100';
  return <div role="status" className={`rounded-lg border p-3 text-sm ${cls}`}>{children}</div>;
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center rounded-lg border border-dashed border-slate-300 p-10 text-center dark:border-slate-700">
      <div className="text-base font-semibold">{title}</div>
      <div className="mt-2 max-w-xl text-sm text-slate-600 dark:text-slate-400">{children}</div>
    </div>
  );
}
