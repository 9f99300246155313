// Restart policies (no, on-failure[:N], always, unless-stopped) and Docker's back-off.
import type { ContainerRecord } from './record.js';

export function shouldRestart(r: ContainerRecord, exitCode: number): boolean {
  const p = r.HostConfig.RestartPolicy;
  switch (p.Name) {
    case 'always': case 'unless-stopped': return true;
    case 'on-failure': return exitCode !== 0 && (!p.MaximumRetryCount || r.RestartCount < p.MaximumRetryCount);
    default: return false;
  }
}

/** 100 ms doubling per restart, at most a minute. */
export function restartDelayMs(restartCount: number): number {
  return Math.min(100 * 2 ** Math.min(restartCount, 10), 60_000);
}
