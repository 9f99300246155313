// Container requests: list (with OOM marks), run from a spec, actions, details, top, changes,
// live resource update.
import type Docker from 'dockerode';
import { podmanVersion } from './system.js';
import { advancedCreateFields } from '../shared/run-advanced.js';
import type { ActionResult, ContainerAction, ContainerDetails, ContainerHealth, ContainerRow, ContainerState, ResourceSpec, RunSpec } from '../shared/contract.js';

type Summary = Docker.ContainerInfo;

function exitCodeFromStatus(status: string): number | undefined {
  const m = /^Exited \((-?\d+)\)/.exec(status);
  return m ? Number(m[1]) : undefined;
}

/** The health in a list's status text, as dockerd and podman write it: "Up 5 minutes (healthy)". */
export function healthFromStatus(status: string): ContainerHealth | undefined {
  const m = /\((healthy|unhealthy|health: starting|starting)\)\s*$/.exec(status);
  if (!m) return undefined;
  return m[1] === 'healthy' ? 'healthy' : m[1] === 'unhealthy' ? 'unhealthy' : 'starting';
}

/** The last probe of inspect's State.Health, in words. */
export function lastProbe(health: { Status?: string; FailingStreak?: number; Log?: { ExitCode?: number; Output?: string; End?: string }[] | null } | undefined): string | undefined {
  const last = health?.Log?.at(-1);
  if (!last) return health?.Status ? `health: ${health.Status}, no check has finished yet` : undefined;
  const out = (last.Output ?? '').trim().split('\n').slice(-3).join(' / ').slice(0, 200);
  const streak = health?.FailingStreak ? `, ${health.FailingStreak} failing in a row` : '';
  return `last check exited ${last.ExitCode ?? '?'}${out ? `: ${out}` : ''}${streak}`;
}

/** inspect's NetworkSettings.Ports in the list's form ("IP:PUBLIC->PRIVATE/proto", or "PRIVATE/proto"). */
export function portsFromInspect(ports: Record<string, { HostIp?: string; HostPort?: string }[] | null> | undefined | null): string[] {
  const out: string[] = [];
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    if (!bindings?.length) { out.push(key); continue; }
    for (const b of bindings) out.push(`${b.HostIp ?? ''}:${b.HostPort ?? ''}->${key}`);
  }
  return out;
}

export function rowFromSummary(c: Summary, oomKilled?: boolean): ContainerRow {
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
    image: c.Image,
    command: c.Command,
    state: c.State as ContainerState,
    status: c.Status,
    created: c.Created,
    exitCode: c.State === 'exited' ? exitCodeFromStatus(c.Status) : undefined,
    oomKilled,
    health: c.State === 'running' ? healthFromStatus(c.Status) : undefined,
    ports: (c.Ports ?? []).map((p) => (p.PublicPort ? `${p.IP ? `${p.IP}:` : ''}${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`)),
  };
}

/** OOM is only visible in inspect; we look at exited containers with the kill codes (137). */
export async function listContainers(docker: Docker, all: boolean): Promise<ContainerRow[]> {
  const list = await docker.listContainers({ all });
  const suspects = list.filter((c) => c.State === 'exited' && exitCodeFromStatus(c.Status) === 137).slice(0, 100);
  const oom = new Map<string, boolean>();
  await Promise.all(
    suspects.map(async (c) => {
      const info = await docker.getContainer(c.Id).inspect().catch(() => null);
      if (info) oom.set(c.Id, Boolean(info.State.OOMKilled));
    }),
  );
  return list.map((c) => rowFromSummary(c, oom.get(c.Id)));
}

export function createOptions(spec: RunSpec): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostPort: string; HostIp?: string }[]> = {};
  for (const p of spec.ports) {
    const key = `${p.container}/${p.protocol}`;
    exposed[key] = {};
    if (p.host) (bindings[key] ??= []).push({ HostPort: String(p.host), ...(p.hostIp ? { HostIp: p.hostIp } : {}) });
  }
  const r = spec.resources;
  const adv = advancedCreateFields(spec.advanced);
  return {
    Image: spec.image,
    name: spec.name || undefined,
    Cmd: spec.cmd?.length ? spec.cmd : undefined,
    Env: spec.env.filter((e) => e.key).map((e) => `${e.key}=${e.value}`),
    WorkingDir: spec.workdir || undefined,
    User: spec.user || undefined,
    Hostname: spec.hostname || undefined,
    Tty: spec.tty,
    OpenStdin: spec.interactive,
    AttachStdin: false,
    ExposedPorts: exposed,
    ...(adv.Labels ? { Labels: adv.Labels } : {}),
    ...(adv.Healthcheck ? { Healthcheck: adv.Healthcheck } : {}),
    HostConfig: {
      ...adv.HostConfig,
      PortBindings: bindings,
      Binds: spec.volumes.map((v) => `${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`),
      RestartPolicy: { Name: spec.restart === 'no' ? '' : spec.restart },
      NetworkMode: spec.network || undefined,
      Memory: r.memory || 0,
      MemorySwap: r.memory ? r.memory * 2 : 0,
      CpuShares: r.cpuShares || 0,
      CpusetCpus: r.cpusetCpus || '',
      ...(r.cpus ? { NanoCpus: Math.round(r.cpus * 1e9) } : {}),
      PidsLimit: r.pidsLimit > 0 ? r.pidsLimit : 0,
      BlkioWeight: r.blkioWeight || 0,
    },
  };
}

export async function runContainer(docker: Docker, spec: RunSpec): Promise<{ id: string; warnings: string[] }> {
  const container = await docker.createContainer(createOptions(spec));
  try {
    await container.start();
  } catch (err) {
    // A container that cannot start is removed so a retry with the same name works.
    await container.remove({ force: true }).catch(() => {});
    throw err;
  }
  const warnings = ((container as unknown as { Warnings?: string[] }).Warnings ?? []).filter(Boolean);
  return { id: container.id, warnings };
}

export async function containerAction(docker: Docker, ids: string[], action: ContainerAction): Promise<ActionResult[]> {
  return Promise.all(
    ids.map(async (id) => {
      const c = docker.getContainer(id);
      try {
        if (action === 'remove') await c.remove({ force: true, v: true });
        else if (action === 'stop') await c.stop({ t: 5 });
        else if (action === 'restart') await c.restart({ t: 5 });
        else await c[action]();
        return { id, ok: true };
      } catch (err) {
        const e = err as { statusCode?: number; json?: { message?: string }; message?: string };
        // 304: already in the wanted state; report success.
        if (e.statusCode === 304) return { id, ok: true };
        return { id, ok: false, error: `${action} ${id.slice(0, 12)}: ${e.json?.message ?? e.message}` };
      }
    }),
  );
}

export function resourcesFromHostConfig(hc: Docker.HostConfig): ResourceSpec {
  return {
    memory: Number(hc.Memory ?? 0),
    cpuShares: Number(hc.CpuShares ?? 0),
    cpusetCpus: String(hc.CpusetCpus ?? ''),
    pidsLimit: Math.max(0, Number(hc.PidsLimit ?? 0)),
    blkioWeight: Number(hc.BlkioWeight ?? 0),
    cpus: cpuQuotaOf(hc)?.cpus ?? 0,
  };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n >= 10 || i === 0 ? n.toFixed(0) : n.toFixed(1)} ${units[i]}`;
}

export async function containerDetails(docker: Docker, id: string): Promise<ContainerDetails> {
  const info = await docker.getContainer(id).inspect();
  const state = info.State;
  const hc = info.HostConfig ?? {};
  const resources = resourcesFromHostConfig(hc);
  const status = state.Status as ContainerState;
  const row: ContainerRow = {
    id: info.Id,
    name: String(info.Name ?? '').replace(/^\//, ''),
    image: info.Config?.Image ?? info.Image,
    command: [info.Path, ...(info.Args ?? [])].join(' '),
    state: status,
    status: status === 'exited' ? `Exited (${state.ExitCode}) at ${state.FinishedAt}` : status,
    created: Math.floor(Date.parse(info.Created) / 1000),
    exitCode: status === 'exited' ? state.ExitCode : undefined,
    oomKilled: Boolean(state.OOMKilled),
    ports: portsFromInspect(info.NetworkSettings?.Ports),
    ...(state.Running && state.Health?.Status && state.Health.Status !== 'none' ? { health: state.Health.Status as ContainerHealth, healthDetail: lastProbe(state.Health) } : {}),
  };
  // The contract carries the document as plain JSON; dockerode's interface has no index signature.
  return { inspect: { ...info }, row, resources, oom: state.OOMKilled ? oomExplanation(resources.memory, peaks.get(info.Id)) : undefined, cpuQuota: cpuQuotaOf(hc) };
}

/** The CFS quota from NanoCpus (--cpus) or CpuQuota/CpuPeriod (period defaults to 100 ms). */
export function cpuQuotaOf(hc: Docker.HostConfig): ContainerDetails['cpuQuota'] {
  const nano = Number(hc.NanoCpus ?? 0);
  if (nano > 0) return { cpus: nano / 1e9, quotaUs: Math.round(nano / 1e4), periodUs: 100_000 };
  const quota = Number(hc.CpuQuota ?? 0);
  const period = Number(hc.CpuPeriod ?? 0) || 100_000;
  return quota > 0 ? { cpus: quota / period, quotaUs: quota, periodUs: period } : undefined;
}

/** Says what the OOM kill means. A memory cgroup's OOM killer acts only when charging more would
 * pass the limit, so usage peaked at the limit; the samples the app saw before may be lower. */
export function oomExplanation(limit: number, seen: number | undefined): NonNullable<ContainerDetails['oom']> {
  const peak = limit ? Math.max(limit, seen ?? 0) : seen;
  const sampled = seen && limit && seen < limit * 0.95 ? ` The app's last sample before the kill read ${formatBytes(seen)}: memory grew faster than the once-a-second samples.` : '';
  return {
    limit,
    peak,
    message: limit
      ? `The kernel's out-of-memory killer ended this container: its memory use reached its limit of ${formatBytes(limit)} ` +
        `(peak usage ${formatBytes(peak ?? limit)}) and it asked for more. ` +
        `Raise the memory limit on the Resources tab, or make the program use less.${sampled}`
      : `The kernel's out-of-memory killer ended this container: the host ran out of memory${seen ? ` (peak usage seen: ${formatBytes(seen)})` : ''}. ` +
        `Give it a memory limit so it is stopped before the host suffers, or make the program use less.`,
  };
}

/** Peak memory seen per container by stats streams (the v1 max_usage where the engine gives it). */
export const peaks = new Map<string, number>();

export async function topContainer(docker: Docker, id: string): Promise<{ titles: string[]; processes: string[][] }> {
  const top = (await docker.getContainer(id).top({ ps_args: '-ef' }).catch(() => docker.getContainer(id).top())) as { Titles: string[]; Processes: string[][] };
  return splitOneColumnTop({ titles: top.Titles ?? [], processes: top.Processes ?? [] });
}

/** Podman 4.3's compat top runs the container's own `ps` and answers its lines unsplit: one title
 * "PID   USER     COMMAND" and rows like ["1 root     sleep 300"]. Split them into columns (the last
 * column keeps the rest of the line: a command has spaces). Docker's answers pass through. */
export function splitOneColumnTop(top: { titles: string[]; processes: string[][] }): { titles: string[]; processes: string[][] } {
  const titles = top.titles.length === 1 ? top.titles[0]!.trim().split(/\s+/) : top.titles;
  if (titles.length < 2 || !top.processes.every((row) => row.length === 1)) return top;
  const processes = top.processes.map((row) => {
    const words = row[0]!.trim().split(/\s+/);
    return [...words.slice(0, titles.length - 1), words.slice(titles.length - 1).join(' ')];
  });
  return { titles, processes };
}

export async function containerChanges(docker: Docker, id: string): Promise<{ path: string; kind: 'changed' | 'added' | 'deleted' }[]> {
  const raw: unknown = await docker.getContainer(id).changes();
  // Docker answers `null` (not []) when nothing changed.
  const changes = (Array.isArray(raw) ? raw : []) as { Path: string; Kind: number }[];
  return changes.map((c) => ({ path: c.Path, kind: c.Kind === 0 ? 'changed' : c.Kind === 1 ? 'added' : 'deleted' }));
}

export async function updateResources(docker: Docker, id: string, r: Partial<ResourceSpec>): Promise<{ warnings: string[]; resources: ResourceSpec }> {
  const body: Record<string, unknown> = {};
  if (r.memory !== undefined) {
    body.Memory = r.memory;
    // The swap limit must stay >= memory; -1 leaves swap unlimited when memory is unlimited.
    body.MemorySwap = r.memory ? r.memory * 2 : -1;
  }
  if (r.cpuShares !== undefined) body.CpuShares = r.cpuShares;
  if (r.cpusetCpus !== undefined) body.CpusetCpus = r.cpusetCpus;
  if (r.cpus !== undefined) {
    // Engines take NanoCpus 0 as "unchanged", and refuse CpuQuota once NanoCpus is set.
    if (r.cpus <= 0) throw new Error(`update ${id.slice(0, 12)}: a running container's CPU quota can be changed but not removed; set it to the number of CPUs instead, or recreate the container without one`);
    body.NanoCpus = Math.round(r.cpus * 1e9);
  }
  if (r.pidsLimit !== undefined) body.PidsLimit = r.pidsLimit > 0 ? r.pidsLimit : -1;
  if (r.blkioWeight !== undefined) body.BlkioWeight = r.blkioWeight;
  const c = docker.getContainer(id);
  const out = (await c.update(body).catch(async (err: { statusCode?: number }) => {
    // Podman 4.3's Docker-compatible API has no POST /containers/{id}/update: it answers a bare
    // 404 "Not Found" for a container that exists. Say what that means instead of "Not Found".
    if (err?.statusCode === 404 && (await c.inspect().then(() => true, () => false))) throw new Error(await noLiveUpdate(docker, id));
    throw err;
  })) as { Warnings?: string[] | null };
  const info = await c.inspect();
  return { warnings: out?.Warnings ?? [], resources: resourcesFromHostConfig(info.HostConfig) };
}

/** The message for an engine whose compat API lacks live update, naming it (Podman) when it can. */
async function noLiveUpdate(docker: Docker, id: string): Promise<string> {
  const engine = (await podmanVersion(docker)) ?? 'This engine';
  return `update ${id.slice(0, 12)}: ${engine} has no live update in its Docker-compatible API (POST /containers/{id}/update answers 404 Not Found), so limits cannot change while the container runs. To use new limits, stop the container and run it again with them.`;
}
