// Engine-wide requests: host facts for the sliders, versions, disk usage, prune.
import type Docker from 'dockerode';
import type { DiskUsage, EngineKind, HostInfo } from '../shared/contract.js';
import { pruneVolumes } from './volumes.js';

/** The fields of GET /info read here (dockerode types it as any); the rest is kept as it came. */
interface EngineInfo extends Record<string, unknown> {
  MemTotal?: number;
  NCPU?: number;
  CgroupVersion?: string;
  CgroupDriver?: string;
  OperatingSystem?: string;
  KernelVersion?: string;
  Name?: string;
  ServerVersion?: string;
}

/** GET /system/df as the engines send it (dockerode types it as any); lists may be absent or null. */
interface DiskUsageDoc {
  LayersSize?: number;
  Images?: { Size: number; Containers: number; SharedSize: number }[] | null;
  Containers?: { SizeRw?: number }[] | null;
  Volumes?: { UsageData?: { Size: number } }[] | null;
  BuildCache?: { Size: number }[] | null;
}

export async function hostInfo(docker: Docker): Promise<HostInfo> {
  const [info, dockerVersion]: [EngineInfo, Docker.DockerVersion] = await Promise.all([docker.info(), docker.version()]);
  // Kept as plain JSON for the contract; engines other than dockerd leave out some of its fields.
  const version: Partial<Docker.DockerVersion> = { ...dockerVersion };
  return {
    memTotal: Number(info.MemTotal ?? 0),
    ncpu: Number(info.NCPU ?? 1),
    cgroupVersion: String(info.CgroupVersion ?? '1'),
    cgroupDriver: String(info.CgroupDriver ?? ''),
    os: String(info.OperatingSystem ?? ''),
    kernel: String(info.KernelVersion ?? ''),
    name: String(info.Name ?? ''),
    serverVersion: String(info.ServerVersion ?? version.Version ?? ''),
    apiVersion: String(version.ApiVersion ?? ''),
    info,
    version,
  };
}

/** Which engine answered, from its GET /version document (parsed JSON, so checked field by field). */
export function engineKind(version: Record<string, unknown>): EngineKind {
  const names = ((version.Components ?? []) as { Name?: string }[]).map((c) => String(c.Name ?? '').toLowerCase());
  const platform = String((version.Platform as { Name?: string } | undefined)?.Name ?? '').toLowerCase();
  if (names.some((n) => n.includes('berth')) || platform.includes('berth')) return 'berthd';
  if (names.some((n) => n.includes('podman')) || platform.includes('podman')) return 'podman';
  if (names.some((n) => n === 'engine') || platform.includes('docker')) return 'docker';
  return 'unknown';
}

/** Podman's version (e.g. "Podman 4.3.1"), or null when another engine answers: for the few
 * places where podman's Docker-compatible API behaves differently and the app must say so. */
export async function podmanVersion(docker: Docker): Promise<string | null> {
  const v = (await docker.version().catch(() => null)) as Record<string, unknown> | null;
  return v && engineKind(v) === 'podman' ? `Podman ${String(v.Version ?? '')}`.trim() : null;
}

export async function diskUsage(docker: Docker): Promise<DiskUsage> {
  const df: DiskUsageDoc = await docker.df();
  const images = df.Images ?? [];
  const containers = df.Containers ?? [];
  const volumes = df.Volumes ?? [];
  return {
    images: {
      count: images.length,
      // Podman 4.3 answers LayersSize 0 whatever its images hold: add up the images then.
      size: Number(df.LayersSize || images.reduce((s, i) => s + i.Size, 0)),
      reclaimable: images.filter((i) => i.Containers === 0).reduce((s, i) => s + i.Size, 0),
    },
    containers: { count: containers.length, size: containers.reduce((s, c) => s + (c.SizeRw ?? 0), 0) },
    volumes: { count: volumes.length, size: volumes.reduce((s, v) => s + Math.max(0, v.UsageData?.Size ?? 0), 0) },
    buildCache: { size: (df.BuildCache ?? []).reduce((s, b) => s + b.Size, 0) },
  };
}

export async function prune(docker: Docker, what: 'containers' | 'images' | 'volumes' | 'all'): Promise<{ spaceReclaimed: number; removed: number }> {
  let space = 0;
  let removed = 0;
  if (what === 'containers' || what === 'all') {
    const r = (await docker.pruneContainers()) as { ContainersDeleted?: string[]; SpaceReclaimed?: number };
    removed += r.ContainersDeleted?.length ?? 0;
    space += r.SpaceReclaimed ?? 0;
  }
  if (what === 'images' || what === 'all') {
    const r = (await docker.pruneImages(what === 'all' ? ({ filters: { dangling: ['false'] } } as never) : {})) as { ImagesDeleted?: unknown[]; SpaceReclaimed?: number };
    removed += r.ImagesDeleted?.length ?? 0;
    space += r.SpaceReclaimed ?? 0;
  }
  if (what === 'volumes' || what === 'all') {
    // Every unused volume, named ones too, as the page asks (API 1.42+ prunes only anonymous ones unless told).
    const r = await pruneVolumes(docker);
    removed += r.removed.length;
    space += r.spaceReclaimed;
  }
  return { spaceReclaimed: space, removed };
}
