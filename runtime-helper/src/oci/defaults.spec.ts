import { describe, expect, it } from 'vitest';
import { defaultSpec } from './default-spec.js';
import {
  DEFAULT_CAPABILITIES,
  DEFAULT_MASKED_PATHS,
  DEFAULT_READONLY_PATHS,
  defaultDeviceCgroupRules,
  defaultMounts,
} from './defaults.js';

describe('Docker defaults', () => {
  it("has Docker's 14 capabilities and no administrative one", () => {
    expect(DEFAULT_CAPABILITIES).toHaveLength(14);
    expect(new Set(DEFAULT_CAPABILITIES).size).toBe(14);
    for (const cap of ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN', 'CAP_SYS_MODULE', 'CAP_SYS_PTRACE'])
      expect(DEFAULT_CAPABILITIES).not.toContain(cap);
  });

  it('masks the kernel interfaces and keeps /proc/sys read-only', () => {
    for (const p of ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/sys/firmware'])
      expect(DEFAULT_MASKED_PATHS).toContain(p);
    expect(DEFAULT_READONLY_PATHS).toEqual([
      '/proc/bus',
      '/proc/fs',
      '/proc/irq',
      '/proc/sys',
      '/proc/sysrq-trigger',
    ]);
  });

  it('mounts proc, dev, devpts, sysfs ro, cgroup ro, mqueue and shm', () => {
    const mounts = defaultMounts();
    expect(mounts.map((m) => m.destination)).toEqual([
      '/proc',
      '/dev',
      '/dev/pts',
      '/sys',
      '/sys/fs/cgroup',
      '/dev/mqueue',
      '/dev/shm',
    ]);
    expect(mounts.find((m) => m.destination === '/sys')!.options).toContain('ro');
    expect(mounts.find((m) => m.destination === '/sys/fs/cgroup')!.options).toContain('ro');
    expect(mounts.find((m) => m.destination === '/dev/pts')!.options).toContain('newinstance');
  });

  it('denies all devices first, then allows the standard nodes', () => {
    const rules = defaultDeviceCgroupRules();
    expect(rules[0]).toEqual({ allow: false, access: 'rwm' });
    expect(rules).toContainEqual({ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' });
    expect(rules).toContainEqual({ allow: true, type: 'c', major: 136, access: 'rwm' });
    // fuse is denied before any wildcard allow (v1 cannot punch a hole in a wildcard).
    expect(rules[1]).toEqual({ allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' });
    expect(rules.slice(2).every((r) => r.allow)).toBe(true);
  });

  it('builds a whole config with a PATH and the namespaces of --network none', () => {
    const spec = defaultSpec({ args: ['/bin/true'], rootfs: 'rootfs', cgroupsPath: '/x/y' });
    expect(spec.process!.env![0]).toMatch(/^PATH=/);
    expect(spec.linux!.namespaces!.map((n) => n.type).sort()).toEqual([
      'ipc',
      'mount',
      'network',
      'pid',
      'uts',
    ]);
    expect(spec.linux!.cgroupsPath).toBe('/x/y');
    expect(spec.process!.capabilities!.bounding).toEqual([...DEFAULT_CAPABILITIES]);
    const withPath = defaultSpec({ args: ['x'], rootfs: 'r', env: ['PATH=/bin'] });
    expect(withPath.process!.env).toEqual(['PATH=/bin']);
  });
});
