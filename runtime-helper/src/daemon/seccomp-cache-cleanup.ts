// Keeps berth-runtime's compiled seccomp filter cache from growing without end: cleaned when the
// daemon starts and after every container prune (`docker container prune`, `docker system prune`).
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../util/log.js';
import type { DaemonService } from './daemon.js';
import { pruneSeccompCaches, defaultSeccompCachePolicy, type SeccompCachePolicy } from '../containers/seccomp-cache.js';

export function seccompCacheCleanup(dataRoot: string, events: EventBus, log: Logger, policy: SeccompCachePolicy = defaultSeccompCachePolicy): DaemonService {
  let unsubscribe: (() => void) | undefined;
  const clean = (why: string): void => {
    try {
      const { removed, kept } = pruneSeccompCaches(dataRoot, policy);
      if (removed.length) log.info({ removed: removed.length, kept, why }, 'seccomp filter cache cleaned');
    } catch (err) {
      log.warn({ err }, 'seccomp filter cache cleanup failed'); // only a cache: never stops the daemon
    }
  };
  return {
    name: 'seccomp-cache-cleanup',
    start() {
      clean('daemon start');
      unsubscribe = events.subscribe((e) => { if (e.Type === 'container' && e.Action === 'prune') clean('container prune'); });
    },
    stop() { unsubscribe?.(); },
  };
}
