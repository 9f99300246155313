// What an event's attributes add to its action, in words: the exit code of a 'die', the signal
// of a 'kill', where a volume was mounted, the image a container was created from.
import type { EngineEvent } from '@shared/contract';

const SIGNALS: Record<string, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 6: 'SIGABRT', 9: 'SIGKILL', 10: 'SIGUSR1', 12: 'SIGUSR2', 15: 'SIGTERM', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP',
};

/** "15" → "SIGTERM (15)"; a name the engine already wrote (podman's "SIGTERM") is kept. */
export function signalText(s: string): string {
  const name = SIGNALS[s];
  return name ? `${name} (${s})` : s;
}

export function eventDetail(e: Pick<EngineEvent, 'type' | 'action' | 'attributes'>): string {
  const a = e.attributes;
  const parts: string[] = [];
  if (e.type === 'container') {
    if (e.action === 'die' && a.exitCode !== undefined) parts.push(`exit code ${a.exitCode}`);
    if (e.action === 'kill' && a.signal) parts.push(signalText(a.signal));
    if (e.action === 'create' && a.image) parts.push(`from ${a.image}`);
    if (e.action === 'rename' && a.oldName) parts.push(`was ${a.oldName.replace(/^\//, '')}`);
  }
  if (e.type === 'volume' && (e.action === 'mount' || e.action === 'unmount') && a.destination) parts.push(`at ${a.destination}${a['read/write'] === 'false' ? ' (read-only)' : ''}`);
  if (e.type === 'network' && a.container) parts.push(`container ${a.container.slice(0, 12)}`);
  return parts.join(', ');
}
