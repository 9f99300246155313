// `docker import --change` / `docker commit --change`: the Dockerfile instructions that only
// touch the config (CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, STOPSIGNAL, USER,
// VOLUME, WORKDIR) applied to a container config.
import { InvalidParameter } from '../api/errors.js';
import type { ContainerConfig } from './image-config.js';

const allowed = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];
/** Instructions dockerd wants exactly one argument for (the others: at least one). */
const exactlyOne = ['USER', 'WORKDIR', 'STOPSIGNAL'];

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

/** The Dockerfile's word processing without variables: quotes removed, backslash escapes kept literal. */
function shellWord(s: string): string {
  let out = '';
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote === "'") { if (ch === "'") quote = null; else out += ch; continue; }
    if (ch === '\\' && i + 1 < s.length && (quote === null || '"\\$`'.includes(s[i + 1]!))) { out += s[++i]; continue; }
    if (quote === '"') { if (ch === '"') quote = null; else out += ch; continue; }
    if (ch === '"' || ch === "'") { quote = ch; continue; }
    out += ch;
  }
  return out;
}

/** Splits at whitespace outside quotes, quotes kept (the Dockerfile parser's parseWords). */
function words(text: string): string[] {
  const out: string[] = [];
  let word = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote === null && /\s/.test(ch)) { if (word) out.push(word); word = ''; continue; }
    if (ch === '\\' && quote !== "'" && i + 1 < text.length) { word += ch + text[++i]; continue; }
    if (quote === null && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = null;
    word += ch;
  }
  if (word) out.push(word);
  return out;
}

/** KEY=VALUE pairs ("a=1 b='x y'"), or the legacy "KEY value with spaces" as one pair. */
function keyValues(instr: string, text: string): [string, string][] {
  const all = words(text);
  if (!all[0]!.includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(text);
    if (!m) throw new InvalidParameter(`${instr} must have two arguments`);
    return [[shellWord(m[1]!), shellWord(m[2]!)]];
  }
  return all.map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) throw new InvalidParameter(`Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    return [shellWord(w.slice(0, eq)), shellWord(w.slice(eq + 1))];
  });
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
      // dockerd's words for what it refuses.
      if (!allowed.includes(instr)) throw new InvalidParameter(`${instr.toLowerCase()} is not a valid change command`);
      if (rest === '') {
        // An empty CMD is the shell with nothing to run, an empty ENTRYPOINT none, as dockerd has them.
        if (instr === 'CMD') { c.Cmd = ['/bin/sh', '-c']; continue; }
        if (instr === 'ENTRYPOINT') { delete c.Entrypoint; continue; }
        throw new InvalidParameter(`${instr} requires ${exactlyOne.includes(instr) ? 'exactly' : 'at least'} one argument`);
      }
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
            const from = Number(pm?.[1]);
            const to = pm?.[2] ? Number(pm[2]) : from;
            if (!pm || to > 65535 || to < from) throw new InvalidParameter(`Invalid containerPort: ${p.replace(/\/.*$/, '')}`);
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
        case 'ONBUILD': {
          const trigger = (/^\S+/.exec(rest)?.[0] ?? '').toUpperCase();
          if (trigger === 'ONBUILD') throw new InvalidParameter('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
          if (trigger === 'FROM' || trigger === 'MAINTAINER') throw new InvalidParameter(`${trigger} isn't allowed as an ONBUILD trigger`);
          c.OnBuild = [...(c.OnBuild ?? []), rest];
          break;
        }
        case 'HEALTHCHECK': c.Healthcheck = healthcheck(rest); break;
      }
    }
  }
  return c;
}
