// The instructions that only change the image's config (ENV, LABEL, CMD, ENTRYPOINT, EXPOSE,
// VOLUME, USER, STOPSIGNAL, HEALTHCHECK, SHELL, ONBUILD, MAINTAINER): each gives the new config
// and the comment dockerd 20.10 commits it with (its history line). Pure: no files, no containers.
import { InvalidParameter } from '../api/errors.js';
import type { ContainerConfig } from '../images/image-config.js';
import { parseKeyValues, splitWords, type Instruction } from './dockerfile-parser.js';
import { expandWord, type Vars } from './substitute.js';
import { goHealthcheck, goList, goQuotedList } from './history-text.js';
import type { Healthcheck } from '../containers/health/health-config.js';

export interface StageState {
  config: ContainerConfig;
  /** CMD was set in this stage (an ENTRYPOINT then keeps it). */
  cmdSet: boolean;
  maintainer?: string;
}

export const defaultShell = ['/bin/sh', '-c'];
export const shellOf = (c: ContainerConfig): string[] => (c.Shell?.length ? c.Shell : defaultShell);

/** An argument list in JSON form, or the shell form run through the stage's shell. */
const commandLine = (inst: Instruction, c: ContainerConfig): string[] => inst.json ?? [...shellOf(c), inst.rest];

export function setEnv(env: readonly string[] | null | undefined, key: string, value: string): string[] {
  const out = [...(env ?? [])];
  const i = out.findIndex((e) => e.split('=')[0] === key);
  if (i >= 0) out[i] = `${key}=${value}`; else out.push(`${key}=${value}`);
  return out;
}

const bad = (inst: Instruction, msg: string): InvalidParameter => new InvalidParameter(`dockerfile parse error line ${inst.line}: ${msg}`);

/** Go duration text ("5s", "1m30s", "500ms") in nanoseconds. */
export function parseGoDuration(text: string, flag: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) { total += Number(m[1]) * units[m[2]!]!; consumed = re.lastIndex; }
  if (text === '' || consumed !== text.length) throw new InvalidParameter(`time: invalid duration "${text}" for --${flag}`);
  return Math.round(total);
}

function healthcheck(inst: Instruction, c: ContainerConfig): Healthcheck {
  const words = inst.rest.trim();
  const known = ['interval', 'timeout', 'start-period', 'retries'];
  for (const f of Object.keys(inst.flags)) if (!known.includes(f)) throw bad(inst, `Unknown flag: ${f}`);
  const upper = words.split(/\s+/)[0]?.toUpperCase();
  if (upper === 'NONE') {
    if (words.split(/\s+/).length > 1) throw bad(inst, 'HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (upper !== 'CMD') throw bad(inst, `Unknown type "${upper ?? ''}" in HEALTHCHECK (try CMD)`);
  const after = words.replace(/^\S+\s*/, '');
  let test: string[];
  if (after.startsWith('[')) {
    try { test = ['CMD', ...(JSON.parse(after) as string[])]; } catch { test = ['CMD-SHELL', after]; }
  } else test = ['CMD-SHELL', after];
  void c;
  const h: Healthcheck = { Test: test };
  const d = (flag: string): number | undefined => (inst.flags[flag] === undefined ? undefined : parseGoDuration(inst.flags[flag]!, flag));
  const interval = d('interval'); const timeout = d('timeout'); const start = d('start-period');
  if (interval !== undefined) h.Interval = interval;
  if (timeout !== undefined) h.Timeout = timeout;
  if (start !== undefined) h.StartPeriod = start;
  if (inst.flags.retries !== undefined) {
    const r = Number(inst.flags.retries);
    if (!Number.isInteger(r)) throw new InvalidParameter(`strconv.ParseInt: parsing "${inst.flags.retries}": invalid syntax`);
    if (r < 1) throw new InvalidParameter(`--retries must be at least 1 (not ${r})`);
    h.Retries = r;
  }
  return h;
}

/** "80", "80/udp", "8000-8002/tcp" -> the port keys they stand for. */
function portKeys(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
  if (!m) throw new InvalidParameter(`Invalid containerPort: ${spec}`);
  const from = Number(m[1]); const to = m[2] ? Number(m[2]) : from;
  const proto = (m[3] ?? 'tcp').toLowerCase();
  const out: string[] = [];
  for (let p = from; p <= to; p++) out.push(`${p}/${proto}`);
  return out;
}

/**
 * Applies a config-only instruction. `vars`: what ${...} sees (the stage's ENV over its ARGs).
 * Returns the comment dockerd commits the step with.
 */
export function applyMeta(inst: Instruction, state: StageState, vars: Vars, escape: string): string {
  const c = state.config;
  const x = (w: string): string => expandWord(w, vars, escape);
  switch (inst.cmd) {
    case 'env': {
      const pairs = parseKeyValues(inst, escape).map(([k, v]) => [x(k), x(v)] as const);
      let env = c.Env ?? [];
      // Each pair sees the ones before it on the same line only through the next instruction, as in dockerd.
      for (const [k, v] of pairs) env = setEnv(env, k, v);
      c.Env = env;
      return `ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'label': {
      const pairs = parseKeyValues(inst, escape).map(([k, v]) => [x(k), x(v)] as const);
      c.Labels = { ...(c.Labels ?? {}) };
      for (const [k, v] of pairs) c.Labels[k] = v;
      return `LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'cmd': {
      const cmd = commandLine(inst, c);
      c.Cmd = cmd;
      state.cmdSet = true;
      return `CMD ${goQuotedList(cmd)}`;
    }
    case 'entrypoint': {
      const ep = inst.json ?? (inst.rest.trim() === '' ? [] : [...shellOf(c), inst.rest]);
      c.Entrypoint = ep.length ? ep : null;
      // As dockerd: an ENTRYPOINT drops the inherited CMD unless this stage set one.
      if (!state.cmdSet) c.Cmd = null;
      return `ENTRYPOINT ${goQuotedList(ep)}`;
    }
    case 'expose': {
      const words = splitWords(inst.rest, escape).map(x);
      if (words.length === 0) throw bad(inst, 'EXPOSE requires at least one argument');
      c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
      for (const w of words) for (const k of portKeys(w)) c.ExposedPorts[k] = {};
      return `EXPOSE ${[...words].sort().join(' ')}`;
    }
    case 'volume': {
      const vols = (inst.json ?? splitWords(inst.rest, escape)).map(x).map((v) => v.trim());
      if (vols.length === 0) throw bad(inst, 'VOLUME requires at least one argument');
      c.Volumes = { ...(c.Volumes ?? {}) };
      for (const v of vols) {
        if (v === '') throw new InvalidParameter('VOLUME specified can not be an empty string');
        c.Volumes[v] = {};
      }
      return `VOLUME ${goList(vols)}`;
    }
    case 'user': {
      const user = x(inst.rest.trim());
      if (user === '') throw bad(inst, 'USER requires exactly one argument');
      c.User = user;
      return `USER ${user}`;
    }
    case 'stopsignal': {
      const sig = x(inst.rest.trim());
      if (!/^(SIG)?[A-Z0-9+-]+$/i.test(sig)) throw new InvalidParameter(`Invalid signal: ${sig}`);
      c.StopSignal = sig;
      return `STOPSIGNAL ${sig}`;
    }
    case 'healthcheck': {
      const h = healthcheck(inst, c);
      c.Healthcheck = h;
      return `HEALTHCHECK ${goHealthcheck(h)}`;
    }
    case 'shell': {
      if (!inst.json || inst.json.length === 0) throw bad(inst, 'SHELL requires the arguments to be in JSON form');
      c.Shell = inst.json;
      return `SHELL ${goList(inst.json)}`;
    }
    case 'onbuild': {
      const expr = inst.rest.trim();
      const kw = expr.split(/\s+/)[0]?.toUpperCase() ?? '';
      if (kw === 'ONBUILD') throw bad(inst, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (kw === 'FROM' || kw === 'MAINTAINER') throw bad(inst, `${kw} isn't allowed as an ONBUILD trigger`);
      c.OnBuild = [...(c.OnBuild ?? []), expr];
      return `ONBUILD ${expr}`;
    }
    case 'maintainer': {
      state.maintainer = inst.rest.trim();
      return `MAINTAINER ${state.maintainer}`;
    }
    default:
      throw new Error(`applyMeta: ${inst.cmd} is not a config-only instruction`);
  }
}

export const metaInstructions = new Set(['env', 'label', 'cmd', 'entrypoint', 'expose', 'volume', 'user', 'stopsignal', 'healthcheck', 'shell', 'onbuild', 'maintainer']);
