// Restart policies (no, on-failure[:N], always, unless-stopped) and Docker's back-off.
import type { ContainerRecord } from './record.js';
import { invalid } from './errors.js';

/** dockerd's checks of a restart policy given to create or update, with its messages. */
export function validateRestartPolicy(p: { Name: string; MaximumRetryCount: number }): void {
  switch (p.Name) {
    case '': case 'no': case 'always': case 'unless-stopped':
      if (p.MaximumRetryCount !== 0) throw invalid(`maximum retry count cannot be used with restart policy '${p.Name}'`);
      return;
    case 'on-failure':
      if (p.MaximumRetryCount < 0) throw invalid('maximum retry count cannot be negative');
      return;
    default: throw invalid(`invalid restart policy '${p.Name}'`);
  }
}

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
