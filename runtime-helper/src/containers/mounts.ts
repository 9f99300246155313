// Resolves a container's Binds, Mounts, VolumesFrom and the image's declared volumes into
// concrete mounts: bind sources must exist, named volumes are created on first use, image
// volumes get an anonymous volume each.
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import type { DockerHostConfig } from './docker-types.js';
import type { ResolvedMount } from '../oci/from-docker-config.js';
import { VolumeError, type VolumeStore } from '../volumes/volume-store.js';
import { invalid } from './errors.js';

export interface MountDeps {
  volumes: VolumeStore;
  /** VolumesFrom: the mounts of another container (by id or name). */
  mountsOf(ref: string): ResolvedMount[];
  /** Told of each volume this resolution created. */
  onCreated?(name: string): void;
}

function addMount(out: ResolvedMount[], m: ResolvedMount): void {
  if (!m.destination.startsWith('/')) throw invalid(`invalid mount config: mount path must be absolute: ${m.destination}`);
  const dest = posix.normalize(m.destination);
  if (dest === '/') throw invalid('invalid specification: destination can\'t be \'/\'');
  if (out.some((x) => x.destination === dest)) throw invalid(`Duplicate mount point: ${dest}`);
  out.push({ ...m, destination: dest });
}

function volumeMount(deps: MountDeps, name: string, destination: string, readOnly: boolean, anonymous = false): ResolvedMount {
  try {
    const { volume, created } = deps.volumes.create(name || undefined, { anonymous });
    if (created) deps.onCreated?.(volume.Name);
    return { type: 'volume', source: volume.Mountpoint, destination, readOnly, name: volume.Name };
  } catch (e) {
    if (e instanceof VolumeError) throw invalid(e.message);
    throw e;
  }
}

export function resolveMounts(hc: DockerHostConfig, imageVolumes: Record<string, unknown> | null | undefined, deps: MountDeps): ResolvedMount[] {
  const out: ResolvedMount[] = [];
  for (const bind of hc.Binds ?? []) {
    const parts = bind.split(':');
    if (parts.length < 2 || parts.length > 3) throw invalid(`invalid volume specification: '${bind}'`);
    const [src = '', dest = '', mode = ''] = parts;
    const modes = mode.split(',').filter(Boolean);
    for (const m of modes) if (!['ro', 'rw', 'z', 'Z', 'rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave', 'nocopy'].includes(m)) throw invalid(`invalid mode: ${m}`);
    const readOnly = modes.includes('ro');
    if (src.startsWith('/')) {
      if (!existsSync(src)) throw invalid(`invalid mount config for type "bind": bind source path does not exist: ${src}`);
      addMount(out, { type: 'bind', source: src, destination: dest, readOnly });
    } else addMount(out, volumeMount(deps, src, dest, readOnly));
  }
  for (const m of hc.Mounts ?? []) {
    if (m.Type === 'bind') {
      if (!m.Source.startsWith('/')) throw invalid(`invalid mount config for type "bind": invalid mount path: '${m.Source}' mount path must be absolute`);
      if (!existsSync(m.Source)) throw invalid(`invalid mount config for type "bind": bind source path does not exist: ${m.Source}`);
      addMount(out, { type: 'bind', source: m.Source, destination: m.Target, readOnly: m.ReadOnly });
    } else if (m.Type === 'tmpfs') addMount(out, { type: 'tmpfs', source: '', destination: m.Target, readOnly: m.ReadOnly });
    else addMount(out, volumeMount(deps, m.Source, m.Target, m.ReadOnly, !m.Source));
  }
  for (const ref of hc.VolumesFrom ?? []) {
    const [name = '', mode = ''] = ref.split(':');
    for (const m of deps.mountsOf(name)) {
      if (!out.some((x) => x.destination === m.destination)) out.push({ ...m, readOnly: mode === 'ro' ? true : m.readOnly });
    }
  }
  for (const dest of Object.keys(imageVolumes ?? {})) {
    const d = posix.normalize(dest);
    if (!out.some((x) => x.destination === d)) addMount(out, volumeMount(deps, '', d, false, true));
  }
  return out;
}
