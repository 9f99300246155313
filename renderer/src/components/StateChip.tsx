import type { ContainerRow } from '@shared/contract';

export function StateChip({ c }: { c: Pick<ContainerRow, 'state' | 'exitCode' | 'oomKilled'> }) {
  if (c.oomKilled) return <span className="chip bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200" title="Ended by the out-of-memory killer">OOM-killed</span>;
  const cls: Record<string, string> = {
    running: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
    paused: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200',
    restarting: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200',
    exited: c.exitCode ? 'bg-red-50 text-red-700 dark:bg-red-950 dark:text-red-300' : 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  };
  const text = c.state === 'exited' ? `exited (${c.exitCode ?? '?'})` : c.state;
  return <span className={`chip ${cls[c.state] ?? 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300'}`}>{text}</span>;
}
