// The run dialog's Advanced settings as the docker CLI passes them: the flags of the live
// `docker run` line, and the fields of the create body (cli/command/container/opts.go).
import type { RunAdvanced } from './contract.js';
import { formatGoDuration } from './go-duration.js';

/** `docker run` flags, in the CLI's own spelling, before the image. */
export function advancedRunArgs(adv: RunAdvanced | undefined): string[] {
  if (!adv) return [];
  const a: string[] = [];
  const h = adv.health;
  if (h?.disabled) a.push('--no-healthcheck');
  else if (h) {
    if (h.command) a.push('--health-cmd', h.command);
    if (h.intervalNs) a.push('--health-interval', formatGoDuration(h.intervalNs));
    if (h.timeoutNs) a.push('--health-timeout', formatGoDuration(h.timeoutNs));
    if (h.startPeriodNs) a.push('--health-start-period', formatGoDuration(h.startPeriodNs));
    if (h.retries) a.push('--health-retries', String(h.retries));
  }
  for (const ip of adv.dns ?? []) a.push('--dns', ip);
  for (const d of adv.dnsSearch ?? []) a.push('--dns-search', d);
  for (const e of adv.extraHosts ?? []) a.push('--add-host', e);
  for (const u of adv.ulimits ?? []) a.push('--ulimit', `${u.name}=${u.soft}:${u.hard}`);
  for (const [k, v] of Object.entries(adv.labels ?? {})) a.push('--label', `${k}=${v}`);
  if (adv.init) a.push('--init');
  if (adv.readOnly) a.push('--read-only');
  if (adv.privileged) a.push('--privileged');
  for (const c of adv.capAdd ?? []) a.push('--cap-add', c);
  for (const c of adv.capDrop ?? []) a.push('--cap-drop', c);
  return a;
}

export interface AdvancedCreateFields {
  Labels?: Record<string, string>;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
  HostConfig: {
    Dns?: string[]; DnsSearch?: string[]; ExtraHosts?: string[];
    Ulimits?: { Name: string; Soft: number; Hard: number }[];
    Init?: boolean; ReadonlyRootfs?: boolean; Privileged?: boolean; CapAdd?: string[]; CapDrop?: string[];
  };
}

/** The create body's fields for these settings; unset ones stay out, so the engine's defaults hold. */
export function advancedCreateFields(adv: RunAdvanced | undefined): AdvancedCreateFields {
  const out: AdvancedCreateFields = { HostConfig: {} };
  if (!adv) return out;
  const h = adv.health;
  if (h && (h.disabled || h.command || h.intervalNs || h.timeoutNs || h.startPeriodNs || h.retries)) {
    // As the CLI: a Healthcheck without Test keeps the image's command with these timings, and
    // zero values stay out (Go's omitempty), so the engine's defaults apply to them.
    const test = h.disabled ? ['NONE'] : h.command ? ['CMD-SHELL', h.command] : undefined;
    out.Healthcheck = {
      ...(test ? { Test: test } : {}), ...(h.intervalNs ? { Interval: h.intervalNs } : {}), ...(h.timeoutNs ? { Timeout: h.timeoutNs } : {}),
      ...(h.startPeriodNs ? { StartPeriod: h.startPeriodNs } : {}), ...(h.retries ? { Retries: h.retries } : {}),
    };
  }
  if (adv.labels && Object.keys(adv.labels).length) out.Labels = adv.labels;
  const hc = out.HostConfig;
  if (adv.dns?.length) hc.Dns = adv.dns;
  if (adv.dnsSearch?.length) hc.DnsSearch = adv.dnsSearch;
  if (adv.extraHosts?.length) hc.ExtraHosts = adv.extraHosts;
  if (adv.ulimits?.length) hc.Ulimits = adv.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard }));
  if (adv.init) hc.Init = true;
  if (adv.readOnly) hc.ReadonlyRootfs = true;
  if (adv.privileged) hc.Privileged = true;
  if (adv.capAdd?.length) hc.CapAdd = adv.capAdd;
  if (adv.capDrop?.length) hc.CapDrop = adv.capDrop;
  return out;
}
