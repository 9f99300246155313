// The list's Status column beside the State chip: only what the chip does not say. The engine's
// status text repeats the state and the exit code ("Exited (137) 44 seconds ago", cut off in a
// narrow column); the chip has those, so the column keeps the time ("44 seconds ago", "up 5 minutes").
export function statusDetail(status: string): string {
  const s = status.trim().replace(/\s*\((healthy|unhealthy|health: starting|starting|Paused)\)$/i, '');
  const up = /^Up\s+(.+)$/i.exec(s);
  if (up) return `up ${(up[1] as string).replace(/^Less than a second$/i, 'less than a second').replace(/ ago$/, '')}`;
  const ended = /^(?:Exited|Restarting)\s*\(-?\d+\)\s*(.+)$/i.exec(s);
  if (ended) return ended[1] as string;
  if (/^Created$/i.test(s)) return 'never started';
  return s;
}
