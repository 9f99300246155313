import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITIES } from './defaults.js';
import { defaultSeccompProfile, dockerArch } from './seccomp-default.js';
import type { OciSeccomp } from './spec.js';

function ruleFor(p: OciSeccomp, name: string) {
  return p.syscalls!.filter((s) => s.names.includes(name));
}

function allowedUnconditionally(p: OciSeccomp, name: string): boolean {
  return ruleFor(p, name).some((s) => s.action === 'SCMP_ACT_ALLOW' && !s.args);
}

describe('defaultSeccompProfile', () => {
  const base = defaultSeccompProfile({ capabilities: DEFAULT_CAPABILITIES, arch: 'amd64', kernel: '6.1.0' });

  it('denies what it does not list with EPERM', () => {
    expect(base.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(base.defaultErrnoRet).toBe(1);
    expect(base.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  });

  it('allows the everyday calls and not the administrative ones (default caps)', () => {
    for (const name of ['read', 'write', 'execve', 'mkdir', 'openat', 'arch_prctl', 'chroot'])
      expect(allowedUnconditionally(base, name), name).toBe(true);
    for (const name of [
      'mount',
      'umount2',
      'unshare',
      'setns',
      'bpf',
      'reboot',
      'init_module',
      'kexec_load',
      'keyctl',
      'add_key',
    ]) {
      expect(ruleFor(base, name), name).toEqual([]);
    }
  });

  it('makes clone3 fail with ENOSYS and allows clone only without namespace flags', () => {
    expect(ruleFor(base, 'clone3')).toEqual([{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }]);
    const clone = ruleFor(base, 'clone');
    expect(clone).toHaveLength(1);
    expect(clone[0]!.args).toEqual([{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]);
  });

  it('CAP_SYS_ADMIN opens mount, unshare and clone3, and drops the clone filter', () => {
    const admin = defaultSeccompProfile({
      capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'],
      arch: 'amd64',
      kernel: '6.1.0',
    });
    for (const name of ['mount', 'unshare', 'setns', 'clone', 'clone3'])
      expect(allowedUnconditionally(admin, name), name).toBe(true);
    expect(ruleFor(admin, 'clone3').every((s) => s.action === 'SCMP_ACT_ALLOW')).toBe(true);
  });

  it('follows the architecture and the kernel version', () => {
    const arm = defaultSeccompProfile({ capabilities: DEFAULT_CAPABILITIES, arch: 'arm64', kernel: '6.1.0' });
    expect(ruleFor(arm, 'arch_prctl')).toEqual([]);
    expect(allowedUnconditionally(arm, 'set_tls')).toBe(true);
    expect(arm.architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    expect(allowedUnconditionally(base, 'ptrace')).toBe(true);
    const old = defaultSeccompProfile({
      capabilities: DEFAULT_CAPABILITIES,
      arch: 'amd64',
      kernel: '4.4.0-210-generic',
    });
    expect(ruleFor(old, 'ptrace')).toEqual([]);
  });

  it('keeps AF_VSOCK sockets closed and only plain personalities', () => {
    expect(ruleFor(base, 'socket')[0]!.args).toEqual([{ index: 0, value: 40, op: 'SCMP_CMP_NE' }]);
    expect(ruleFor(base, 'personality').map((s) => s.args![0]!.value)).toEqual([
      0, 8, 0x20000, 0x20008, 0xffffffff,
    ]);
  });

  it('lists each unconditional name once', () => {
    const names = base.syscalls![0]!.names;
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThan(300);
  });

  it('maps node architectures', () => {
    expect(dockerArch('x64')).toBe('amd64');
    expect(dockerArch('arm64')).toBe('arm64');
  });
});
