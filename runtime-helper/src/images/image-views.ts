// The Docker API shapes of an image: list summary, inspect, history.
import { join } from 'node:path';
import type { ImageService } from './image-service.js';
import type { ImageRecord } from './image-store.js';
import { compareApiVersions } from '../api/version.js';

function createdSeconds(image: ImageRecord): number {
  const t = Date.parse(image.config.created ?? image.meta.added);
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

export function imageCreated(image: ImageRecord): number { return createdSeconds(image); }

/**
 * Per image, the bytes of its layers that other images use too (`docker system df -v`'s SHARED
 * SIZE; the CLI counts an in-use image's size minus this as not reclaimable).
 */
export function sharedSizes(svc: ImageService, images: ImageRecord[]): Map<string, number> {
  const users = new Map<string, number>();
  for (const img of images) for (const c of new Set(img.chain)) users.set(c, (users.get(c) ?? 0) + 1);
  return new Map(images.map((img) => [img.id, [...new Set(img.chain)].filter((c) => (users.get(c) ?? 0) > 1).reduce((sum, c) => sum + svc.layers.get(c).size, 0)]));
}

/** `sharedSize`: from sharedSizes() where asked for (df, `shared-size=1`); -1 otherwise, as dockerd. */
export function imageSummary(svc: ImageService, image: ImageRecord, version: string, sharedSize = -1): Record<string, unknown> {
  const size = svc.size(image);
  const users = svc.containers.usersOfImage(image.id).length;
  return {
    Id: image.id,
    ParentId: image.meta.parent ?? '',
    RepoTags: svc.repoTags(image.id),
    RepoDigests: svc.repoDigests(image.id),
    Created: createdSeconds(image),
    Size: size,
    SharedSize: sharedSize,
    ...(compareApiVersions(version, '1.44') < 0 ? { VirtualSize: size } : {}),
    Labels: image.config.config?.Labels ?? {},
    Containers: users,
  };
}

export function imageInspect(svc: ImageService, image: ImageRecord, storageDriver: string, version: string): Record<string, unknown> {
  const c = image.config;
  const size = svc.size(image);
  const dirs = image.chain.map((ch) => svc.layers.diffDir(ch)).reverse();
  return {
    Id: image.id,
    RepoTags: svc.repoTags(image.id),
    RepoDigests: svc.repoDigests(image.id),
    Parent: image.meta.parent ?? '',
    Comment: c.comment ?? c.history?.[c.history.length - 1]?.comment ?? '',
    Created: c.created ?? image.meta.added,
    Container: c.container ?? '',
    ContainerConfig: c.container_config ?? emptyConfig(),
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: { ...emptyConfig(), ...(c.config ?? {}) },
    Architecture: c.architecture,
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os,
    ...(c['os.version'] ? { OsVersion: c['os.version'] } : {}),
    Size: size,
    ...(compareApiVersions(version, '1.44') < 0 ? { VirtualSize: size } : {}),
    GraphDriver: {
      Name: storageDriver,
      Data: dirs.length === 0 ? null : {
        ...(dirs.length > 1 ? { LowerDir: dirs.slice(1).join(':') } : {}),
        UpperDir: dirs[0],
        WorkDir: join(dirs[0] ?? '', '..', 'work'),
        MergedDir: join(dirs[0] ?? '', '..', 'merged'),
      },
    },
    RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: image.meta.lastTagTime ?? '0001-01-01T00:00:00Z' },
  };
}

function emptyConfig(): Record<string, unknown> {
  return {
    Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
    Tty: false, OpenStdin: false, StdinOnce: false, Env: null, Cmd: null, Image: '', Volumes: null,
    WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: null,
  };
}

export function imageHistory(svc: ImageService, image: ImageRecord): Record<string, unknown>[] {
  const history = image.config.history ?? image.config.rootfs.diff_ids.map(() => ({} as { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }));
  const rows: Record<string, unknown>[] = [];
  let layer = 0;
  for (const h of history) {
    let size = 0;
    if (!h.empty_layer) {
      const chain = image.chain[layer];
      size = chain ? svc.layers.get(chain).size : 0;
      layer++;
    }
    const t = Date.parse(h.created ?? '');
    rows.push({ Id: '<missing>', Created: Number.isNaN(t) ? 0 : Math.floor(t / 1000), CreatedBy: h.created_by ?? '', Tags: null, Size: size, Comment: h.comment ?? '' });
  }
  rows.reverse();
  // As dockerd: row by row, newest first, the image then its parents (as long as the store has
  // them; an image pulled or loaded has none, so its older rows stay <missing>).
  let current: ImageRecord | undefined = image;
  for (const row of rows) {
    if (!current) break;
    row.Id = current.id;
    const tags = svc.repoTags(current.id);
    row.Tags = tags.length ? tags : null;
    current = svc.images.parentOf(current.id);
  }
  return rows;
}
