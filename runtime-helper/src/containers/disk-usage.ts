// What `docker system df` and `docker ps -s` report for containers and volumes: a container's
// writable layer (SizeRw) and that plus its image (SizeRootFs, the "virtual" size); a volume's data
// size and how many containers name it (UsageData).
import { dirSize } from './changes.js';
import type { ContainerRecord } from './record.js';
import type { ContainerManager } from './manager.js';
import type { ImageAccess } from './image-access.js';
import type { Volume, VolumeStore } from '../volumes/volume-store.js';
import { hasMountOptions } from '../volumes/local-options.js';

export interface ContainerSizes { rw: number; rootFs: number }

export async function containerSizes(r: ContainerRecord, images: ImageAccess): Promise<ContainerSizes> {
  const rw = await dirSize(r.UpperDir);
  return { rw, rootFs: rw + images.size(r.Image) };
}

export interface VolumeUsage { volume: Volume; size: number; refCount: number }

export async function volumesUsage(volumes: VolumeStore, manager: ContainerManager): Promise<VolumeUsage[]> {
  const records = [...manager.containers.values()].map((c) => c.record);
  // As dockerd 20.10: volumes created with options (a mounted filesystem, maybe a host tree) are left out.
  return Promise.all(volumes.list().filter((v) => !hasMountOptions(v.Options)).map(async (volume) => ({
    volume,
    size: await dirSize(volume.Mountpoint),
    refCount: records.filter((r) => r.Mounts.some((m) => m.type === 'volume' && m.name === volume.Name)).length,
  })));
}
