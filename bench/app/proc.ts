// Memory (RSS, PSS) and CPU time of processes, from /proc.
import { readdirSync, readFileSync } from 'node:fs';

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
