// `docker import --change` / `docker commit --change`: the Dockerfile instructions that only
// touch the config (CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, STOPSIGNAL, USER,
// VOLUME, WORKDIR) applied to a container config.
import { InvalidParameter } from '../api/errors.js';
import type { ContainerConfig } from './image-config.js';

const allowed = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];

/** Go's time.ParseDuration for the units a Dockerfile uses, in nanoseconds. */
function goDurationNs(text: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) { total += Number(m[1]) * units[m[2]!]!; end = re.lastIndex; }
  if (!text || end !== text.length) throw new InvalidParameter(`time: invalid duration "${text}"`);
  return Math.round(total);
}

/** HEALTHCHECK [--interval=D] [--timeout=D] [--start-period=D] [--retries=N] CMD ... | NONE */
function healthcheck(text: string): { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number } {
  let rest = text.trim();
  const out: Record<string, unknown> = {};
  for (let m = /^--([a-z-]+)=(\S*)\s*/.exec(rest); m; m = /^--([a-z-]+)=(\S*)\s*/.exec(rest)) {
    const [, flag = '', value = ''] = m;
    if (flag === 'interval') out.Interval = goDurationNs(value);
    else if (flag === 'timeout') out.Timeout = goDurationNs(value);
    else if (flag === 'start-period') out.StartPeriod = goDurationNs(value);
    else if (flag === 'retries') {
      if (!/^-?\d+$/.test(value)) throw new InvalidParameter(`strconv.ParseInt: parsing "${value}": invalid syntax`);
      out.Retries = Number(value);
    } else throw new InvalidParameter(`Unknown flag: ${flag}`);
    rest = rest.slice(m[0].length);
  }
  const kind = /^(\S+)\s*(.*)$/.exec(rest);
  const type = (kind?.[1] ?? '').toUpperCase();
  if (type === 'NONE') {
    if (Object.keys(out).length || kind?.[2]) throw new InvalidParameter('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (type !== 'CMD') throw new InvalidParameter(`Unknown type "${type}" in HEALTHCHECK (try CMD)`);
  const cmd = commandForm(kind?.[2] ?? '');
  // The shell form is kept as one string for the shell (CMD-SHELL), as the Dockerfile parser does.
  const test = cmd[0] === '/bin/sh' && cmd[1] === '-c' && !(kind?.[2] ?? '').trim().startsWith('[') ? ['CMD-SHELL', cmd[2]!] : ['CMD', ...cmd];
  return { Test: test, ...out };
}

/** JSON array form, else the shell form ["/bin/sh", "-c", text]. */
function commandForm(text: string): string[] {
  const t = text.trim();
  if (t.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(t);
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    } catch { /* falls through to the shell form, as Docker does */ }
  }
  return ['/bin/sh', '-c', t];
}

function unquote(s: string): string {
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) return s.slice(1, -1);
  return s;
}

/** Splits "a=1 b='x y'" into pairs; the legacy "KEY value with spaces" form is one pair. */
function keyValues(instr: string, text: string): [string, string][] {
  if (!text.includes('=') || /^[^=\s]+\s/.test(text) && !/^[^=\s]+=/.test(text)) {
    const m = /^(\S+)\s+(.*)$/.exec(text);
    if (!m) throw new InvalidParameter(`invalid change "${instr} ${text}": ${instr} requires a key and a value`);
    return [[m[1] ?? '', m[2] ?? '']];
  }
  const out: [string, string][] = [];
  const re = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  let m: RegExpExecArray | null;
  let consumed = '';
  while ((m = re.exec(text)) !== null) {
    out.push([m[1] ?? '', unquote(m[2] ?? '')]);
    consumed += m[0];
  }
  if (out.length === 0 || consumed.replace(/\s/g, '') !== text.replace(/\s/g, '')) throw new InvalidParameter(`invalid change "${instr} ${text}": expected KEY=VALUE pairs`);
  return out;
}

export function applyChanges(base: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const c: ContainerConfig = { ...base };
  for (const raw of changes) {
    for (const line of raw.split('\n')) {
      const trimmed = line.trim();
      if (trimmed === '') continue;
      const m = /^(\S+)\s*(.*)$/.exec(trimmed);
      const instr = (m?.[1] ?? '').toUpperCase();
      const rest = (m?.[2] ?? '').trim();
      if (!allowed.includes(instr)) throw new InvalidParameter(`invalid change "${trimmed}": ${instr} is not a valid change command (allowed: ${allowed.join(', ')})`);
      if (rest === '') throw new InvalidParameter(`invalid change "${trimmed}": ${instr} requires an argument`);
      switch (instr) {
        case 'CMD': c.Cmd = commandForm(rest); break;
        case 'ENTRYPOINT': c.Entrypoint = commandForm(rest); break;
        case 'ENV': {
          const env = [...(c.Env ?? [])];
          for (const [k, v] of keyValues(instr, rest)) {
            const i = env.findIndex((e) => e.split('=')[0] === k);
            if (i >= 0) env[i] = `${k}=${v}`; else env.push(`${k}=${v}`);
          }
          c.Env = env;
          break;
        }
        case 'LABEL': c.Labels = { ...(c.Labels ?? {}), ...Object.fromEntries(keyValues(instr, rest)) }; break;
        case 'EXPOSE': {
          const ports = { ...(c.ExposedPorts ?? {}) };
          for (const p of rest.split(/\s+/)) {
            const pm = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp|sctp))?$/.exec(p.toLowerCase());
            if (!pm) throw new InvalidParameter(`invalid change "${trimmed}": invalid port "${p}"`);
            const from = Number(pm[1]);
            const to = pm[2] ? Number(pm[2]) : from;
            if (from < 1 || to > 65535 || to < from) throw new InvalidParameter(`invalid change "${trimmed}": invalid port range "${p}"`);
            for (let port = from; port <= to; port++) ports[`${port}/${pm[3] ?? 'tcp'}`] = {};
          }
          c.ExposedPorts = ports;
          break;
        }
        case 'VOLUME': {
          const vols = { ...(c.Volumes ?? {}) };
          const list = rest.startsWith('[') ? commandForm(rest) : rest.split(/\s+/);
          for (const v of list) vols[v] = {};
          c.Volumes = vols;
          break;
        }
        case 'USER': c.User = rest; break;
        case 'WORKDIR': c.WorkingDir = rest; break;
        case 'STOPSIGNAL': c.StopSignal = rest; break;
        case 'ONBUILD': c.OnBuild = [...(c.OnBuild ?? []), rest]; break;
        case 'HEALTHCHECK': c.Healthcheck = healthcheck(rest); break;
      }
    }
  }
  return c;
}
