// --blkio-weight-device, --device-read-bps, --device-write-bps, --device-read-iops and
// --device-write-iops: each names a block device on the host, given to the cgroup by its
// major:minor numbers.
import { existsSync, statSync } from 'node:fs';
import type { OciBlockIo, OciBlockIoDevice } from './spec.js';
import type { DockerResources } from '../containers/docker-types.js';
import { HostOptionError } from './host-options.js';

function blockDevice(path: string): OciBlockIoDevice {
  let st;
  try { st = statSync(path); } catch { throw new HostOptionError(`stat ${path}: no such file or directory`); }
  if (!st.isBlockDevice()) throw new HostOptionError(`${path} is not a block device`);
  return { major: Number((BigInt(st.rdev) >> 8n) & 0xfffn), minor: Number((BigInt(st.rdev) & 0xffn) | ((BigInt(st.rdev) >> 12n) & 0xfff00n)) };
}

/** Whether the host's blkio controller takes per-device weights (CFQ's or BFQ's weight_device). */
export function weightDeviceSupported(blkioRoot = '/sys/fs/cgroup/blkio'): boolean {
  return existsSync(`${blkioRoot}/blkio.weight_device`) || existsSync(`${blkioRoot}/blkio.bfq.weight_device`) || existsSync('/sys/fs/cgroup/io.weight') || existsSync('/sys/fs/cgroup/unified/io.weight');
}

type DeviceSettings = Pick<Partial<DockerResources>, 'BlkioWeightDevice' | 'BlkioDeviceReadBps' | 'BlkioDeviceWriteBps' | 'BlkioDeviceReadIOps' | 'BlkioDeviceWriteIOps'>;

/** The per-device parts of linux.resources.blockIO, and dockerd's warning where weights cannot apply. */
export function blkioDevices(r: DeviceSettings, weightsSupported: boolean): { blockIO: OciBlockIo; warnings: string[] } {
  const blockIO: OciBlockIo = {};
  const warnings: string[] = [];
  if (r.BlkioWeightDevice?.length) {
    for (const w of r.BlkioWeightDevice) if (w.Weight < 10 || w.Weight > 1000) throw new HostOptionError(`invalid weight for device: ${w.Weight}`);
    if (weightsSupported) blockIO.weightDevice = r.BlkioWeightDevice.map((w) => ({ ...blockDevice(w.Path), weight: w.Weight }));
    else warnings.push('Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.');
  }
  const rates = (list: { Path: string; Rate: number }[] | null | undefined) => list?.length ? list.map((d) => ({ ...blockDevice(d.Path), rate: d.Rate })) : undefined;
  const readBps = rates(r.BlkioDeviceReadBps);
  const writeBps = rates(r.BlkioDeviceWriteBps);
  const readIops = rates(r.BlkioDeviceReadIOps);
  const writeIops = rates(r.BlkioDeviceWriteIOps);
  if (readBps) blockIO.throttleReadBpsDevice = readBps;
  if (writeBps) blockIO.throttleWriteBpsDevice = writeBps;
  if (readIops) blockIO.throttleReadIOPSDevice = readIops;
  if (writeIops) blockIO.throttleWriteIOPSDevice = writeIops;
  return { blockIO, warnings };
}
