// Memory (RSS, PSS) and CPU time of processes, from /proc.
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

const TICK = 100; // USER_HZ on Linux

function stat(pid: number): { ppid: number; cpuTicks: number; rssPages: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) };
  } catch {
    return null;
  }
}

export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    const pid = Number(e);
    if (!pid) continue;
    const s = stat(pid);
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const walk = (p: number) => { for (const c of children.get(p) ?? []) { out.push(c); walk(c); } };
  walk(root);
  return out;
}

/** The process's command line, or '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Proportional (shared pages split among their users) and resident set size, from smaps_rollup. */
export function memory(pids: number[]): { pssBytes: number; rssBytes: number } {
  let pss = 0;
  let rss = 0;
  for (const p of pids) {
    try {
      const t = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      pss += Number(/^Pss:\s+(\d+) kB/m.exec(t)?.[1] ?? 0) * 1024;
      rss += Number(/^Rss:\s+(\d+) kB/m.exec(t)?.[1] ?? 0) * 1024;
    } catch {
      // gone meanwhile
    }
  }
  return { pssBytes: pss, rssBytes: rss };
}

/** CPU seconds of each process, by pid. */
export function cpuByPid(pids: number[]): Map<number, number> {
  return new Map(pids.map((p) => [p, (stat(p)?.cpuTicks ?? 0) / TICK]));
}

/** The process among `pids` that used the most CPU while `work` ran: finds a tab's renderer. */
export async function busiestWhile(pids: number[], work: () => Promise<unknown>): Promise<number> {
  const before = cpuByPid(pids);
  await work();
  const after = cpuByPid(pids);
  let best = pids[0] ?? 0;
  for (const p of pids) if ((after.get(p) ?? 0) - (before.get(p) ?? 0) > (after.get(best) ?? 0) - (before.get(best) ?? 0)) best = p;
  return best;
}

/** CPU seconds of every process on the machine, by pid, with its command line. */
export function cpuSnapshot(): Map<number, { cpu: number; cmd: string }> {
  const out = new Map<number, { cpu: number; cmd: string }>();
  for (const e of readdirSync('/proc')) {
    const pid = Number(e);
    const s = pid ? stat(pid) : null;
    if (s) out.set(pid, { cpu: s.cpuTicks / TICK, cmd: commandLine(pid) });
  }
  return out;
}

/** CPU seconds spent between two snapshots, summed per group that `groupOf` names. */
export function cpuByGroup(before: Map<number, { cpu: number; cmd: string }>, after: Map<number, { cpu: number; cmd: string }>, groupOf: (pid: number, cmd: string) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [pid, a] of after) {
    const g = groupOf(pid, a.cmd);
    out.set(g, (out.get(g) ?? 0) + a.cpu - (before.get(pid)?.cpu ?? 0));
  }
  return out;
}

/** CPU seconds of each thread of a process, summed by thread name (Chromium names its threads). */
export function cpuByThreadName(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try { tids = readdirSync(`/proc/${pid}/task`); } catch { return out; }
  for (const tid of tids) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / TICK);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Seconds each thread of the processes spent on a CPU and runnable but waiting for one (the
 * kernel's schedstat), summed by `key(pid, thread name)`: a frame that came late while the page
 * did little is one whose threads waited here. */
export function schedByThread(pids: number[], key: (pid: number, name: string) => string): Map<string, { run: number; wait: number }> {
  const out = new Map<string, { run: number; wait: number }>();
  for (const pid of pids) {
    let tids: string[] = [];
    try { tids = readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const tid of tids) {
      try {
        const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
        const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        const k = key(pid, name);
        const v = out.get(k) ?? { run: 0, wait: 0 };
        v.run += (run ?? 0) / 1e9;
        v.wait += (wait ?? 0) / 1e9;
        out.set(k, v);
      } catch {
        // gone meanwhile
      }
    }
  }
  return out;
}

/** The difference of two `schedByThread` readings. */
export function schedDelta(before: Map<string, { run: number; wait: number }>, after: Map<string, { run: number; wait: number }>): Map<string, { run: number; wait: number }> {
  return new Map([...after].map(([k, v]) => [k, { run: v.run - (before.get(k)?.run ?? 0), wait: v.wait - (before.get(k)?.wait ?? 0) }]));
}

/** Microseconds in which at least one runnable task waited for a CPU, machine-wide (PSI). */
export function cpuPressureMicros(): number {
  try {
    return Number(/^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/** Puts every thread of `pids` at nice `nice` or below (setpriority on a thread id acts on that
 * thread only): a nice value inherited from the parent does not reach threads whose priority the
 * process sets itself, as Chromium does (the foreground tab's main thread 0, a background tab's 5,
 * compositor, viz and IO threads -8, workers 0). Idempotent, so it can run before every step. */
export function capThreadNice(pids: number[], nice: number): void {
  for (const pid of pids) {
    let tids: string[] = [];
    try { tids = readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const tid of tids) {
      try {
        if (getPriority(Number(tid)) > nice) setPriority(Number(tid), nice);
      } catch {
        // gone meanwhile
      }
    }
  }
}
