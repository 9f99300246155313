import { describe, expect, it } from 'vitest';
import { hasMountOptions, mountOptionList, validateLocalOptions } from './local-options.js';

const message = (opts: Record<string, string>): string => {
  try { validateLocalOptions(opts); return 'accepted'; } catch (e) { return (e as Error).message; }
};

describe('the local driver options', () => {
  it('accepts what dockerd mounts locally', () => {
    expect(message({})).toBe('accepted');
    expect(message({ type: 'tmpfs', device: 'tmpfs', o: 'size=10m,uid=1000' })).toBe('accepted');
    expect(message({ type: 'none', device: '/srv/data', o: 'bind' })).toBe('accepted');
    expect(message({ type: 'ext4', device: '/dev/vdb1' })).toBe('accepted');
    expect(message({ type: 'tmpfs', device: 'tmpfs', size: '0' })).toBe('accepted');
  });

  it('refuses in dockerd\'s words: unknown keys, quotas, missing type or device', () => {
    expect(message({ bogus: '1' })).toBe('invalid option: "bogus"');
    expect(message({ type: 'tmpfs', device: 'tmpfs', mode: '1' })).toBe('invalid option: "mode"');
    expect(message({ size: '1m' })).toBe('quota size requested but no quota support');
    expect(message({ size: 'abc' })).toBe('invalid size: \'abc\'');
    expect(message({ type: 'tmpfs' })).toBe('missing required option: "device"');
    expect(message({ device: 'tmpfs' })).toBe('missing required option: "type"');
    expect(message({ o: 'size=1m' })).toBe('missing required option: "device"');
  });

  it('refuses network filesystems and relative bind devices', () => {
    expect(message({ type: 'nfs', device: ':/export', o: 'addr=127.0.0.1' })).toMatch(/^network filesystems are not supported by the local driver of Berth \(type "nfs", o with addr=\)/);
    expect(message({ type: 'cifs', device: '//h/s' })).toMatch(/^network filesystems are not supported .*type "cifs"\)/);
    expect(message({ type: 'tmpfs', device: 'tmpfs', o: 'size=1m,addr=10.0.0.1' })).toMatch(/o with addr=/);
    expect(message({ type: 'none', device: 'srv', o: 'bind' })).toBe('device "srv" of a bind volume must be an absolute host path');
  });

  it('splits o= and tells volumes with options', () => {
    expect(mountOptionList('bind,ro,size=1m')).toEqual([['bind', ''], ['ro', ''], ['size', '1m']]);
    expect(mountOptionList(undefined)).toEqual([]);
    expect(hasMountOptions({})).toBe(false);
    expect(hasMountOptions(null)).toBe(false);
    expect(hasMountOptions({ type: 'tmpfs' })).toBe(true);
  });
});
