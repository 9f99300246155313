// The run dialog's Advanced section as typed (strings), turned into RunSpec.advanced, with each
// problem in words at the field where it was typed (keys are the inputs' ids).
import type { HealthSpec, RunAdvanced, UlimitSpec } from './contract.js';
import { parseGoDuration } from './go-duration.js';
import { capability, dnsSearchError, dnsServerError, extraHost, listWords, ulimit } from './run-advanced-values.js';

export type HealthMode = 'image' | 'command' | 'none';

export interface AdvancedForm {
  healthMode: HealthMode;
  healthCmd: string;
  healthInterval: string;
  healthTimeout: string;
  healthStartPeriod: string;
  healthRetries: string;
  dns: string;
  dnsSearch: string;
  hosts: { name: string; ip: string }[];
  ulimits: { name: string; soft: string; hard: string }[];
  labels: { key: string; value: string }[];
  init: boolean;
  readOnly: boolean;
  privileged: boolean;
  capAdd: string;
  capDrop: string;
}

export const EMPTY_ADVANCED: AdvancedForm = {
  healthMode: 'image', healthCmd: '', healthInterval: '', healthTimeout: '', healthStartPeriod: '', healthRetries: '',
  dns: '', dnsSearch: '', hosts: [], ulimits: [], labels: [], init: false, readOnly: false, privileged: false, capAdd: '', capDrop: '',
};

/** Field ids, shared by the inputs and the errors. */
export const fieldId = {
  healthCmd: 'adv-health-cmd', healthInterval: 'adv-health-interval', healthTimeout: 'adv-health-timeout',
  healthStartPeriod: 'adv-health-start-period', healthRetries: 'adv-health-retries', dns: 'adv-dns', dnsSearch: 'adv-dns-search',
  hostName: (i: number) => `adv-host-${i}-name`, hostIp: (i: number) => `adv-host-${i}-ip`,
  ulimit: (i: number, part: 'name' | 'soft' | 'hard') => `adv-ulimit-${i}-${part}`, labels: 'adv-labels', capAdd: 'adv-cap-add', capDrop: 'adv-cap-drop',
} as const;

export interface BuiltAdvanced { advanced: RunAdvanced | undefined; errors: Map<string, string> }

function durationNs(text: string, what: string, id: string, errors: Map<string, string>): number | undefined {
  if (!text.trim()) return undefined;
  try {
    const ns = parseGoDuration(text, what);
    if (ns !== 0 && ns < 1_000_000) errors.set(id, `${what} '${text}': at least 1ms`);
    return ns || undefined;
  } catch (e) { errors.set(id, (e as Error).message); return undefined; }
}

function health(f: AdvancedForm, errors: Map<string, string>): HealthSpec | undefined {
  if (f.healthMode === 'none') return { disabled: true };
  const h: HealthSpec = {};
  if (f.healthMode === 'command') {
    if (!f.healthCmd.trim()) errors.set(fieldId.healthCmd, 'health command: type the command that checks the container, like wget -q -O /dev/null localhost');
    else h.command = f.healthCmd.trim();
  }
  const set = (k: 'intervalNs' | 'timeoutNs' | 'startPeriodNs', v: number | undefined) => { if (v) h[k] = v; };
  set('intervalNs', durationNs(f.healthInterval, 'health interval', fieldId.healthInterval, errors));
  set('timeoutNs', durationNs(f.healthTimeout, 'health timeout', fieldId.healthTimeout, errors));
  set('startPeriodNs', durationNs(f.healthStartPeriod, 'health start period', fieldId.healthStartPeriod, errors));
  if (f.healthRetries.trim()) {
    if (!/^\d+$/.test(f.healthRetries.trim())) errors.set(fieldId.healthRetries, `health retries '${f.healthRetries}': a whole number, like 3`);
    else if (Number(f.healthRetries)) h.retries = Number(f.healthRetries);
  }
  return Object.keys(h).length ? h : undefined;
}

function words(text: string, id: string, check: (w: string) => string | undefined, errors: Map<string, string>): string[] {
  const out = listWords(text);
  const bad = out.map(check).filter(Boolean);
  if (bad.length) errors.set(id, bad.join('; '));
  return out;
}

function caps(text: string, id: string, errors: Map<string, string>): string[] {
  const out: string[] = [];
  const bad: string[] = [];
  for (const w of listWords(text)) { const c = capability(w); if (c.cap) out.push(c.cap); else bad.push(c.error as string); }
  if (bad.length) errors.set(id, bad.join('; '));
  return out;
}

export function buildAdvanced(f: AdvancedForm): BuiltAdvanced {
  const errors = new Map<string, string>();
  const adv: RunAdvanced = {};
  const h = health(f, errors);
  if (h) adv.health = h;
  const dns = words(f.dns, fieldId.dns, dnsServerError, errors);
  if (dns.length) adv.dns = dns;
  const search = words(f.dnsSearch, fieldId.dnsSearch, dnsSearchError, errors);
  if (search.length) adv.dnsSearch = search;
  const hosts: string[] = [];
  f.hosts.forEach((row, i) => {
    if (!row.name.trim() && !row.ip.trim()) return;
    const r = extraHost(row.name, row.ip);
    if (r.nameError) errors.set(fieldId.hostName(i), r.nameError);
    if (r.ipError) errors.set(fieldId.hostIp(i), r.ipError);
    if (r.entry) hosts.push(r.entry);
  });
  if (hosts.length) adv.extraHosts = hosts;
  const limits: UlimitSpec[] = [];
  const seen = new Set<string>();
  f.ulimits.forEach((row, i) => {
    if (!row.soft.trim() && !row.hard.trim()) return;
    const r = ulimit(row.name, row.soft, row.hard);
    if (r.error) errors.set(fieldId.ulimit(i, r.field ?? 'soft'), r.error);
    else if (seen.has(row.name)) errors.set(fieldId.ulimit(i, 'name'), `ulimit ${row.name}: set twice; keep one`);
    else if (r.value) { seen.add(row.name); limits.push(r.value); }
  });
  if (limits.length) adv.ulimits = limits;
  const labels: Record<string, string> = {};
  const labelErrors: string[] = [];
  f.labels.forEach((l, i) => {
    const key = l.key.trim();
    if (!key) { if (l.value) labelErrors.push(`label ${i + 1}: the key is empty`); return; }
    if (key.includes('=')) labelErrors.push(`label '${key}': a key has no =`);
    else if (key in labels) labelErrors.push(`label '${key}' appears twice`);
    else labels[key] = l.value;
  });
  if (labelErrors.length) errors.set(fieldId.labels, labelErrors.join('; '));
  if (Object.keys(labels).length) adv.labels = labels;
  if (f.init) adv.init = true;
  if (f.readOnly) adv.readOnly = true;
  if (f.privileged) adv.privileged = true;
  const add = caps(f.capAdd, fieldId.capAdd, errors);
  if (add.length) adv.capAdd = add;
  const drop = caps(f.capDrop, fieldId.capDrop, errors);
  if (drop.length) adv.capDrop = drop;
  return { advanced: Object.keys(adv).length ? adv : undefined, errors };
}

/** How many settings the section holds, for its collapsed header. */
export function advancedCount(a: RunAdvanced | undefined): number {
  if (!a) return 0;
  return (a.health ? 1 : 0) + (a.dns?.length ?? 0) + (a.dnsSearch?.length ?? 0) + (a.extraHosts?.length ?? 0) + (a.ulimits?.length ?? 0)
    + Object.keys(a.labels ?? {}).length + (a.init ? 1 : 0) + (a.readOnly ? 1 : 0) + (a.privileged ? 1 : 0) + (a.capAdd?.length ?? 0) + (a.capDrop?.length ?? 0);
}
