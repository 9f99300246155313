// Volume requests: the list with size and users, create, inspect, remove (the in-use case
// explained with container names), and prune of the unused ones.
import type Docker from 'dockerode';
import type { ContainerState, VolumeDetails, VolumeRow, VolumeUser } from '../shared/contract.js';

/** GET /volumes and GET /volumes/{name} items as the engines send them. */
export interface VolumeDoc {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  CreatedAt?: string;
  Scope?: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
  UsageData?: { Size?: number; RefCount?: number } | null;
}

/** The fields of GET /containers/json read here. */
export interface ContainerDoc {
  Id: string;
  Names?: string[];
  State?: string;
  Mounts?: { Type?: string; Name?: string; Destination?: string }[] | null;
}

/** Which containers mount each volume (by name), from the containers list's Mounts. */
export function volumeUsers(containers: ContainerDoc[]): Map<string, VolumeUser[]> {
  const users = new Map<string, VolumeUser[]>();
  for (const c of containers) {
    for (const m of c.Mounts ?? []) {
      if (m.Type !== 'volume' || !m.Name) continue;
      const list = users.get(m.Name) ?? [];
      if (list.some((u) => u.id === c.Id)) continue; // one container mounting it twice
      list.push({ id: c.Id, name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''), state: (c.State ?? 'created') as ContainerState, target: m.Destination ?? '' });
      users.set(m.Name, list);
    }
  }
  return users;
}

/** CreatedAt (RFC 3339) as unix seconds; undefined when absent or unreadable. */
export function createdSeconds(createdAt: string | undefined): number | undefined {
  if (!createdAt) return undefined;
  const ms = Date.parse(createdAt);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** One row per volume: the list's facts, /system/df's size and reference count, and the users. */
export function volumeRows(volumes: VolumeDoc[], usage: VolumeDoc[] | null, containers: ContainerDoc[]): VolumeRow[] {
  const users = volumeUsers(containers);
  const df = new Map((usage ?? []).map((u) => [u.Name, u.UsageData ?? null]));
  return volumes.map((v) => {
    const u = df.get(v.Name) ?? v.UsageData ?? null;
    const size = u?.Size;
    return {
      name: v.Name,
      driver: v.Driver ?? 'local',
      mountpoint: v.Mountpoint ?? '',
      created: createdSeconds(v.CreatedAt),
      // -1 is the engines' "not computed"; it stays unknown here too.
      size: size !== undefined && size >= 0 ? size : undefined,
      refCount: u?.RefCount !== undefined && u.RefCount >= 0 ? u.RefCount : undefined,
      labels: v.Labels ?? {},
      usedBy: users.get(v.Name) ?? [],
    };
  });
}

export async function listVolumes(docker: Docker): Promise<VolumeRow[]> {
  const [list, df, containers] = await Promise.all([
    docker.listVolumes() as Promise<{ Volumes?: VolumeDoc[] | null }>,
    // Sizes only: an engine without /system/df still lists its volumes.
    (docker.df() as Promise<{ Volumes?: VolumeDoc[] | null }>).catch(() => null),
    docker.listContainers({ all: true }) as Promise<ContainerDoc[]>,
  ]);
  return volumeRows(list.Volumes ?? [], df?.Volumes ?? null, containers).sort((a, b) => a.name.localeCompare(b.name));
}

export async function createVolume(docker: Docker, p: { name?: string | undefined; labels: Record<string, string>; driverOpts: Record<string, string> }): Promise<{ name: string }> {
  const body: Record<string, unknown> = { Labels: p.labels, DriverOpts: p.driverOpts };
  if (p.name) body.Name = p.name;
  // dockerode answers with its Volume handle (named from the engine's reply), not the document.
  const v = (await docker.createVolume(body as never)) as unknown as { name: string };
  return { name: v.name };
}

export async function inspectVolume(docker: Docker, name: string): Promise<VolumeDetails> {
  const [inspect, containers] = await Promise.all([
    docker.getVolume(name).inspect() as Promise<VolumeDoc>,
    docker.listContainers({ all: true }) as Promise<ContainerDoc[]>,
  ]);
  return { inspect: inspect as unknown as Record<string, unknown>, usedBy: volumeUsers(containers).get(name) ?? [] };
}

/** Plain words for a volume's users: "web (running), job (exited)". */
export function usersText(users: VolumeUser[]): string {
  return users.map((u) => `${u.name} (${u.state})`).join(', ');
}

/** The engine's refusal to remove a volume in use, with the users by name instead of IDs. */
export function inUseMessage(name: string, engineMessage: string, users: VolumeUser[]): string {
  if (!users.length) return `${engineMessage}.`;
  const them = users.length > 1 ? 'them' : 'it';
  return `Volume ${name} is in use by ${users.length > 1 ? `${users.length} containers` : '1 container'}: ${usersText(users)}. ` +
    `Remove ${them} first (stopping is not enough: a stopped container still holds its volumes); the volume and its data were left as they are.\n(engine: ${engineMessage})`;
}

export async function removeVolume(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getVolume(name).remove();
  } catch (err) {
    const e = err as { statusCode?: number; json?: { message?: string }; message?: string };
    if (e.statusCode !== 409) throw err;
    const containers = (await docker.listContainers({ all: true }).catch(() => [])) as ContainerDoc[];
    const detail = (e.json?.message ?? e.message ?? 'volume is in use').replace(/^\(HTTP code \d+\)\s*[a-z ]*-\s*/i, '');
    throw Object.assign(new Error(inUseMessage(name, detail, volumeUsers(containers).get(name) ?? [])), { statusCode: 409 });
  }
}

/** API 1.42 (Docker 23) made prune take anonymous volumes only unless `all=true`; earlier
 * engines (dockerd 20.10, podman 4.3) prune every unused volume and refuse the `all` filter. */
export function pruneFilters(apiVersion: string): Record<string, string[]> {
  const [major = 0, minor = 0] = apiVersion.split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 42) ? { all: ['true'] } : {};
}

/** Removes every volume no container uses, named ones included, as the prune dialog says. */
export async function pruneVolumes(docker: Docker): Promise<{ removed: string[]; spaceReclaimed: number }> {
  const version = (await docker.version()) as { ApiVersion?: string };
  const filters = pruneFilters(String(version.ApiVersion ?? ''));
  const r = (await docker.pruneVolumes(Object.keys(filters).length ? ({ filters } as never) : {})) as { VolumesDeleted?: string[] | null; SpaceReclaimed?: number };
  return { removed: r.VolumesDeleted ?? [], spaceReclaimed: r.SpaceReclaimed ?? 0 };
}
