import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { blkioDevices } from './blkio-devices.js';

// A real block device of this machine, as the runtime would get it.
const disk = `/dev/${readdirSync('/sys/block').find((d) => !/^(loop|ram|zram)/.test(d) && existsSync(`/dev/${d}`))}`;

describe('blkioDevices', () => {
  it("gives throttles by the device's major:minor", () => {
    const rdev = BigInt(statSync(disk).rdev);
    const { blockIO } = blkioDevices({ BlkioDeviceReadBps: [{ Path: disk, Rate: 1048576 }], BlkioDeviceWriteIOps: [{ Path: disk, Rate: 100 }] }, true);
    expect(blockIO.throttleReadBpsDevice).toEqual([{ major: Number((rdev >> 8n) & 0xfffn), minor: Number((rdev & 0xffn) | ((rdev >> 12n) & 0xfff00n)), rate: 1048576 }]);
    expect(blockIO.throttleWriteIOPSDevice?.[0]?.rate).toBe(100);
  });
  it("warns as dockerd and drops device weights where the kernel has no weight_device", () => {
    const r = blkioDevices({ BlkioWeightDevice: [{ Path: disk, Weight: 200 }] }, false);
    expect(r.blockIO).toEqual({});
    expect(r.warnings[0]).toMatch(/^Your kernel does not support Block I\/O weight_device/);
    expect(blkioDevices({ BlkioWeightDevice: [{ Path: disk, Weight: 200 }] }, true).blockIO.weightDevice?.[0]?.weight).toBe(200);
  });
  it('refuses a missing device and a weight out of range', () => {
    expect(() => blkioDevices({ BlkioDeviceReadBps: [{ Path: '/dev/no-such-disk', Rate: 1 }] }, true)).toThrow('stat /dev/no-such-disk: no such file or directory');
    expect(() => blkioDevices({ BlkioWeightDevice: [{ Path: disk, Weight: 5 }] }, true)).toThrow('invalid weight for device: 5');
    expect(() => blkioDevices({ BlkioDeviceReadBps: [{ Path: '/dev/null', Rate: 1 }] }, true)).toThrow('/dev/null is not a block device');
  });
});
