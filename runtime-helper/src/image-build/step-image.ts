// A build step's image: the parent's config with the step's runtime config, its Cmd as the
// container config (what dockerd's history and build cache read), and a layer when the step
// changed files. As dockerd's NewChildImage: a step that changed nothing adds no layer and its
// history entry says empty_layer. Also the cache lookup: a child of the same parent made by the
// same step.
import type { Readable } from 'node:stream';
import type { ImageService } from '../images/image-service.js';
import type { ContainerConfig, ImageConfig } from '../images/image-config.js';
import { archivePolicy } from '../images/archive/load.js';

export type LayerSource = { snapshotKey: string } | { tar: Readable } | null;

export interface StepCommit {
  parentId: string | null;
  /** The runtime config the new image carries. */
  config: ContainerConfig;
  /** The step's Cmd (created_by once joined); also the cache key with the config. */
  cmd: string[];
  layer: LayerSource;
  containerId?: string;
  /** MAINTAINER's name: the image's author. */
  author?: string;
}

const hostArch = (): string => ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[process.arch] ?? process.arch;

export async function commitStep(images: ImageService, s: StepCommit): Promise<string> {
  const lease = images.lease();
  try {
    const parent = s.parentId ? images.images.get(s.parentId) : null;
    const diffIds = [...(parent?.config.rootfs.diff_ids ?? [])];
    let tar: Readable | undefined;
    if (s.layer && 'snapshotKey' in s.layer) {
      if ((await images.snapshots.changes(s.layer.snapshotKey)).length > 0) tar = await images.snapshots.exportDiff(s.layer.snapshotKey);
    } else if (s.layer) tar = s.layer.tar;
    if (tar) {
      const spooled = await images.blobs.spool(tar);
      const diffId = images.blobs.commit(spooled);
      const top = parent?.chain[parent.chain.length - 1] ?? null;
      await images.layers.ensure(diffId, top, archivePolicy);
      diffIds.push(diffId);
    }
    const now = new Date().toISOString();
    const base: Partial<ImageConfig> = parent?.config ?? {};
    const config = {
      architecture: base.architecture ?? hostArch(),
      ...(s.author ? { author: s.author } : {}),
      config: s.config,
      ...(s.containerId ? { container: s.containerId } : {}),
      container_config: { ...s.config, Cmd: s.cmd, Image: s.parentId ?? '' },
      created: now,
      docker_version: 'berth',
      history: [...(base.history ?? []), { created: now, created_by: s.cmd.join(' '), ...(tar ? {} : { empty_layer: true }) }],
      os: base.os ?? 'linux',
      rootfs: { type: 'layers', diff_ids: diffIds },
    };
    return images.images.add(Buffer.from(JSON.stringify(config)), s.parentId ?? undefined).id;
  } finally {
    lease.release();
  }
}

const keyFields = ['Cmd', 'Env', 'WorkingDir', 'User', 'Entrypoint', 'Labels', 'ExposedPorts', 'Volumes', 'OnBuild', 'Shell', 'Healthcheck', 'StopSignal'] as const;

function cacheKey(c: Record<string, unknown> | null | undefined): string {
  const out: Record<string, unknown> = {};
  for (const k of keyFields) {
    const v = c?.[k];
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);
    if (!empty) out[k] = v;
  }
  return stable(out);
}

/** JSON with object keys sorted at every level (label order must not defeat the cache). */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** An image an earlier build made from the same parent with the same step (dockerd's local cache). */
export function findCached(images: ImageService, parentId: string | null, config: ContainerConfig, cmd: string[]): string | undefined {
  const want = cacheKey({ ...config, Cmd: cmd });
  const candidates = parentId ? images.images.children(parentId) : images.images.list().filter((r) => r.meta.parent === undefined);
  const hits = candidates.filter((r) => cacheKey(r.config.container_config as Record<string, unknown> | undefined) === want);
  hits.sort((a, b) => (b.config.created ?? '').localeCompare(a.config.created ?? ''));
  return hits[0]?.id;
}
