// Resolves a container's Binds, Mounts, VolumesFrom and the image's declared volumes into
// concrete mounts: bind sources must exist, named volumes are created on first use, image
// volumes get an anonymous volume each.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
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

/** How a volume named by a mount is created if it does not exist yet (--mount's volume-driver, volume-opt, volume-label). */
interface NewVolume { driver?: string; options?: Record<string, string>; labels?: Record<string, string> }

function volumeMount(deps: MountDeps, name: string, destination: string, readOnly: boolean, anonymous = false, noCopy = false, fresh: NewVolume = {}): ResolvedMount {
  try {
    const { volume, created } = deps.volumes.create(name || undefined, { anonymous, ...fresh });
    if (created) deps.onCreated?.(volume.Name);
    return { type: 'volume', source: volume.Mountpoint, destination, readOnly, name: volume.Name, ...(noCopy ? { noCopy } : {}) };
  } catch (e) {
    if (e instanceof VolumeError) throw invalid(e.message);
    throw e;
  }
}

const PROPAGATIONS = ['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave'];

/** The mount (from mountinfo) that holds `path`, and its propagation: shared, slave or private. */
function mountOf(path: string): { point: string; propagation: 'shared' | 'slave' | 'private' } {
  let best = { point: '/', propagation: 'private' as 'shared' | 'slave' | 'private' };
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    const point = (f[4] ?? '').replace(/\\040/g, ' ');
    if (!point || !(path === point || path.startsWith(point === '/' ? '/' : `${point}/`)) || point.length < best.point.length) continue;
    const optional = f.slice(6, f.indexOf('-'));
    best = { point, propagation: optional.some((o) => o.startsWith('shared:')) ? 'shared' : optional.some((o) => o.startsWith('master:')) ? 'slave' : 'private' };
  }
  return best;
}

/** dockerd's rule: a shared bind needs a shared source mount, a slave one a shared or slave one. */
function checkPropagation(source: string, propagation: string): void {
  const wanted = propagation.replace(/^r/, '');
  if (wanted === 'private') return;
  const { point, propagation: has } = mountOf(realpathSync(source));
  if (wanted === 'shared' && has !== 'shared') throw invalid(`path ${source} is mounted on ${point} but it is not a shared mount`);
  if (wanted === 'slave' && has === 'private') throw invalid(`path ${source} is mounted on ${point} but it is not a shared or slave mount`);
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
    const propagation = modes.find((m) => PROPAGATIONS.includes(m));
    if (src.startsWith('/')) {
      if (!existsSync(src)) throw invalid(`invalid mount config for type "bind": bind source path does not exist: ${src}`);
      if (propagation) checkPropagation(src, propagation);
      addMount(out, { type: 'bind', source: src, destination: dest, readOnly, ...(propagation ? { propagation } : {}) });
    } else {
      if (propagation) throw invalid(`invalid volume specification: '${bind}': propagation is only for bind mounts`);
      addMount(out, volumeMount(deps, src, dest, readOnly, false, modes.includes('nocopy')));
    }
  }
  for (const m of hc.Mounts ?? []) {
    if (m.Type === 'bind') {
      if (!m.Source.startsWith('/')) throw invalid(`invalid mount config for type "bind": invalid mount path: '${m.Source}' mount path must be absolute`);
      if (!existsSync(m.Source)) throw invalid(`invalid mount config for type "bind": bind source path does not exist: ${m.Source}`);
      const propagation = m.BindOptions?.Propagation || undefined;
      if (propagation) checkPropagation(m.Source, propagation);
      addMount(out, { type: 'bind', source: m.Source, destination: m.Target, readOnly: m.ReadOnly, ...(propagation ? { propagation } : {}) });
    } else if (m.Type === 'tmpfs') {
      const t = m.TmpfsOptions;
      const options = [...(t?.SizeBytes ? [`size=${t.SizeBytes}`] : []), ...(t?.Mode ? [`mode=${t.Mode.toString(8)}`] : [])];
      addMount(out, { type: 'tmpfs', source: '', destination: m.Target, readOnly: m.ReadOnly, ...(options.length ? { options } : {}) });
    } else {
      const v = m.VolumeOptions;
      const fresh: NewVolume = {
        ...(v?.DriverConfig?.Name ? { driver: v.DriverConfig.Name } : {}),
        ...(v?.DriverConfig?.Options ? { options: v.DriverConfig.Options } : {}),
        ...(v?.Labels ? { labels: v.Labels } : {}),
      };
      addMount(out, volumeMount(deps, m.Source, m.Target, m.ReadOnly, !m.Source, v?.NoCopy === true, fresh));
    }
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
