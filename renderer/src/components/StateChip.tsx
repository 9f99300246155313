import type { ContainerRow } from '@shared/contract';

const healthClass: Record<string, string> = {
  healthy: 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
  unhealthy: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
  starting: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
};

/** The container's health check status beside its state (docker ps's "(healthy)"). */
function HealthChip({ health, detail }: { health: NonNullable<ContainerRow['health']>; detail?: string | undefined }) {
  return <span className={`chip ${healthClass[health]}`} data-testid="health-chip" title={detail ?? `Health check: ${health}`}>{health}</span>;
}

export function StateChip({ c }: { c: Pick<ContainerRow, 'state' | 'exitCode' | 'oomKilled' | 'health' | 'healthDetail'> }) {
  if (c.oomKilled) return <span className="chip bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200" title="Ended by the out-of-memory killer">OOM-killed</span>;
  const cls: Record<string, string> = {
    running: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
    paused: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200',
    restarting: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200',
    exited: c.exitCode ? 'bg-red-50 text-red-700 dark:bg-red-950 dark:text-red-300' : 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  };
  const text = c.state === 'exited' ? `exited (${c.exitCode ?? '?'})` : c.state;
  const chip = <span className={`chip ${cls[c.state] ?? 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300'}`}>{text}</span>;
  // One line, so a row keeps its height.
  return c.health ? <span className="inline-flex items-center gap-1 whitespace-nowrap">{chip}<HealthChip health={c.health} detail={c.healthDetail} /></span> : chip;
}
