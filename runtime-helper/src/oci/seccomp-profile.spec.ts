import { describe, expect, it } from 'vitest';
import { seccompFromDockerProfile } from './seccomp-profile.js';

const ctx = { capabilities: ['CAP_CHOWN'], arch: 'amd64' as const, kernel: '6.1.0' };

describe('seccompFromDockerProfile', () => {
  it("keeps the host architecture's archMap entry and the groups whose conditions hold", () => {
    const text = JSON.stringify({
      defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1,
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }, { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['chown'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_CHOWN'] } },
        { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['amd64'] } },
        { names: ['landlock_create_ruleset'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '5.13' } },
        { name: 'clone3', action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      ],
    });
    const s = seccompFromDockerProfile(text, ctx);
    expect(s.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
    expect(s.defaultErrnoRet).toBe(1);
    expect(s.syscalls!.map((c) => c.names.join(','))).toEqual(['read,write', 'chown', 'landlock_create_ruleset', 'clone3']);
    expect(s.syscalls!.at(-1)).toEqual({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  });
  it("refuses what dockerd refuses", () => {
    expect(() => seccompFromDockerProfile('{', ctx)).toThrow(/^Decoding seccomp profile failed/);
    expect(() => seccompFromDockerProfile(JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], archMap: [{ architecture: 'SCMP_ARCH_X86_64' }] }), ctx)).toThrow("both 'architectures' and 'archMap'");
    expect(() => seccompFromDockerProfile(JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: 'a', names: ['b'], action: 'SCMP_ACT_ALLOW' }] }), ctx)).toThrow("use either 'name' or 'names'");
    expect(() => seccompFromDockerProfile(JSON.stringify({ defaultAction: 'SCMP_ACT_NOPE' }), ctx)).toThrow(/^Decoding seccomp profile failed: defaultAction/);
  });
});
