// Watches a cgroup's OOM-kill counter and reports each kill, also when the killer took a child and
// the cgroup's other processes go on.
// - v2 (or a memory controller on the cgroup2 side): memory.events' `oom_kill`; the kernel sends an
//   inotify modify on every change of that file, so fs.watch wakes us with no polling.
// - v1: memory.oom_control's `oom_kill` (kernel >= 4.13). Its notification needs an eventfd
//   registered through cgroup.event_control, which Node cannot make, so one shared timer reads
//   every watched file per tick: one pread at offset 0 on a descriptor kept open while the watch
//   runs (about 4 us each, against 17 us for readFileSync and 200 us for an async readFile;
//   an open file does not stop the cgroup's rmdir, reads then fail with ENODEV).
import { closeSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { parseFlatKeyed } from './files.js';
import type { CgroupPaths } from './types.js';

export interface OomKillWatch {
  /** The counter file watched ('' when the cgroup has no memory controller). */
  readonly file: string;
  readonly how: 'inotify' | 'poll' | 'none';
  /** Kills reported so far. */
  readonly reported: number;
  /** Reads the counter now (synchronously) and reports kills not yet reported; returns `reported`. */
  flush(): number;
  /** Idempotent; no fd, watcher or timer is left behind. */
  stop(): void;
}

export interface OomKillWatchOptions {
  /** v1 poll period; watches with the same period share one timer. */
  pollMs?: number;
}

/** Where a cgroup's OOM-kill counter lives: v1's memory controller, else the cgroup2 side's memory.events. */
export function oomKillCounterFile(paths: CgroupPaths): { file: string; v2: boolean } | null {
  if (paths.mode !== 'v2' && paths.v1.memory) return { file: join(paths.v1.memory, 'memory.oom_control'), v2: false };
  if (paths.unified) return { file: join(paths.unified, 'memory.events'), v2: true };
  return null;
}

/** The `oom_kill` count in memory.oom_control or memory.events text; null when absent (a half-written fake file, an old kernel). */
export function parseOomKillCount(text: string): number | null {
  return parseFlatKeyed(text).oom_kill ?? null;
}

const readBuffer = Buffer.alloc(512); // memory.events is ~100 bytes, memory.oom_control ~50

/** The counter file, read through a descriptor opened on first use and kept until stop(). */
class CounterFile {
  private fd: number | null = null;
  constructor(readonly path: string) {}

  /** The current count; null while the cgroup is not there (not made yet, or gone). */
  read(): number | null {
    try {
      this.fd ??= openSync(this.path, 'r');
      const n = readSync(this.fd, readBuffer, 0, readBuffer.length, 0);
      return parseOomKillCount(readBuffer.toString('utf8', 0, n));
    } catch {
      this.close(); // ENOENT before the cgroup exists, ENODEV after its rmdir
      return null;
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    this.fd = null;
  }
}

interface Polled {
  check(): void;
}
/** One timer per poll period for every v1 watch. */
const pollGroups = new Map<number, { timer: NodeJS.Timeout; members: Set<Polled> }>();

function addPolled(periodMs: number, member: Polled): void {
  let group = pollGroups.get(periodMs);
  if (!group) {
    const members = new Set<Polled>();
    const timer = setInterval(() => {
      for (const m of members) m.check();
    }, periodMs);
    timer.unref();
    group = { timer, members };
    pollGroups.set(periodMs, group);
  }
  group.members.add(member);
}

function removePolled(periodMs: number, member: Polled): void {
  const group = pollGroups.get(periodMs);
  if (!group) return;
  group.members.delete(member);
  if (group.members.size === 0) {
    clearInterval(group.timer);
    pollGroups.delete(periodMs);
  }
}

/** Number of v1 poll timers running (a spec checks that stopped watches leave none). */
export function oomPollTimers(): number {
  return pollGroups.size;
}

/**
 * Calls onKill once per OOM kill counted after the call (the baseline is read synchronously at
 * once, so a kill right after the call is not missed). onKill gets the counter's new value.
 */
export function watchOomKills(
  paths: CgroupPaths,
  onKill: (count: number) => void,
  options: OomKillWatchOptions = {},
): OomKillWatch {
  const counter = oomKillCounterFile(paths);
  const file = counter ? new CounterFile(counter.file) : null;
  const pollMs = options.pollMs ?? 1000;
  let last = file?.read() ?? 0;
  let reported = 0;
  let stopped = false;
  let watcher: FSWatcher | undefined;

  const take = (count: number | null): void => {
    // Never backwards (a smaller value is not news; a restarted container gets a new watch).
    if (stopped || count === null || count <= last) return;
    for (let n = last + 1; n <= count; n++) {
      reported++;
      onKill(n);
    }
    last = count;
  };
  const polled: Polled = {
    check: () => {
      if (!stopped) take(file?.read() ?? null); // after stop, no read: it would reopen the file
    },
  };

  let how: OomKillWatch['how'] = 'none';
  if (counter?.v2) {
    try {
      watcher = watch(counter.file, { persistent: false }, () => polled.check());
      watcher.on('error', () => watcher?.close());
      how = 'inotify';
    } catch {
      addPolled(pollMs, polled); // no inotify on this file: poll it like v1
      how = 'poll';
    }
  } else if (counter) {
    addPolled(pollMs, polled);
    how = 'poll';
  }

  return {
    file: counter?.file ?? '',
    how,
    get reported() {
      return reported;
    },
    flush() {
      polled.check();
      return reported;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      watcher?.close();
      removePolled(pollMs, polled);
      file?.close();
    },
  };
}
