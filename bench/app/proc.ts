// Resident memory and CPU time of a process tree, from /proc.
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

export function usage(pids: number[]): { rssBytes: number; cpuSeconds: number } {
  let rss = 0;
  let cpu = 0;
  for (const p of pids) {
    const s = stat(p);
    if (!s) continue;
    rss += s.rssPages * 4096;
    cpu += s.cpuTicks / TICK;
  }
  return { rssBytes: rss, cpuSeconds: cpu };
}

/** The process's command line, or '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
