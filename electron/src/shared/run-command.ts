// The `docker run` command line equivalent to a run spec, shown live in the run dialog.
import type { RunSpec } from './contract.js';
import { advancedRunArgs } from './run-advanced.js';

const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function formatBytesFlag(bytes: number): string {
  const units: [number, string][] = [[1024 ** 3, 'g'], [1024 ** 2, 'm'], [1024, 'k']];
  for (const [size, suffix] of units) if (bytes % size === 0) return `${bytes / size}${suffix}`;
  return String(bytes);
}

export function dockerRunArgs(spec: RunSpec): string[] {
  const a: string[] = ['docker', 'run', '-d'];
  if (spec.interactive) a.push('-i');
  if (spec.tty) a.push('-t');
  if (spec.name) a.push('--name', spec.name);
  if (spec.hostname) a.push('--hostname', spec.hostname);
  if (spec.user) a.push('--user', spec.user);
  if (spec.workdir) a.push('--workdir', spec.workdir);
  if (spec.network) a.push('--network', spec.network);
  if (spec.restart !== 'no') a.push('--restart', spec.restart);
  for (const e of spec.env) if (e.key) a.push('-e', `${e.key}=${e.value}`);
  for (const p of spec.ports) {
    const host = p.host ? `${p.hostIp ? `${p.hostIp}:` : ''}${p.host}:` : '';
    a.push('-p', `${host}${p.container}${p.protocol === 'udp' ? '/udp' : ''}`);
  }
  for (const v of spec.volumes) a.push('-v', `${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`);
  const r = spec.resources;
  if (r.memory > 0) a.push('--memory', formatBytesFlag(r.memory));
  if (r.cpuShares > 0 && r.cpuShares !== 1024) a.push('--cpu-shares', String(r.cpuShares));
  if (r.cpus) a.push('--cpus', String(r.cpus));
  if (r.cpusetCpus) a.push('--cpuset-cpus', r.cpusetCpus);
  if (r.pidsLimit > 0) a.push('--pids-limit', String(r.pidsLimit));
  if (r.blkioWeight > 0) a.push('--blkio-weight', String(r.blkioWeight));
  a.push(...advancedRunArgs(spec.advanced));
  a.push(spec.image);
  if (spec.cmd?.length) a.push(...spec.cmd);
  return a;
}

export function dockerRunCommand(spec: RunSpec): string {
  return dockerRunArgs(spec).map(shellQuote).join(' ');
}

/** Parses "64m", "1.5g", "512 MB", "1073741824" into bytes; throws on letters that aren't units. */
export function parseMemory(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$/i.exec(text);
  if (!m) throw new Error(`memory '${text}': expected a number with an optional unit (k, m, g), like 64m or 1g`);
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : unit === 't' ? 1024 ** 4 : 1;
  return Math.round(n * mult);
}

/** Splits a command line into words, honouring single and double quotes. */
export function splitCommand(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") { quote = ch; has = true; }
    else if (/\s/.test(ch)) { if (has || cur) out.push(cur); cur = ''; has = false; }
    else if (ch === '\\' && i + 1 < text.length) { cur += text[++i]; has = true; }
    else { cur += ch; has = true; }
  }
  if (quote) throw new Error(`command: unclosed ${quote} quote`);
  if (has || cur) out.push(cur);
  return out;
}
