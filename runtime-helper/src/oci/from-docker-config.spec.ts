import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { capabilitySet, resourcesFromDocker, translateToOci, InvalidConfigError, type TranslateInput } from './from-docker-config.js';
import { containerConfigSchema, hostConfigSchema } from '../containers/docker-types.js';
import { DEFAULT_CAPABILITIES } from './defaults.js';

const rootfs = mkdtempSync(join(tmpdir(), 'berth-fdc-'));
mkdirSync(join(rootfs, 'etc'));
writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n');
writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\napp:x:1000:\nextra:x:2000:app\n');
afterAll(() => rmSync(rootfs, { recursive: true, force: true }));

const host = ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_NET_ADMIN', ...DEFAULT_CAPABILITIES];

function input(config: Record<string, unknown>, hostConfig: Record<string, unknown> = {}): TranslateInput {
  return {
    id: 'a'.repeat(64), config: containerConfigSchema.parse({ Cmd: ['sh'], ...config }), hostConfig: hostConfigSchema.parse(hostConfig),
    rootfs, mounts: [], hostCapabilities: host, cgroupsPath: '/berth/x', swapLimitSupported: true,
    seccompProfile: () => ({ defaultAction: 'SCMP_ACT_ERRNO' }),
  };
}

describe('translateToOci', () => {
  it('gives Docker defaults: 14 caps, seccomp, masked paths, hostname from the id, network namespace with only lo', () => {
    const spec = translateToOci(input({}));
    expect(spec.process!.capabilities!.bounding).toEqual([...DEFAULT_CAPABILITIES]);
    expect(spec.linux!.seccomp).toEqual({ defaultAction: 'SCMP_ACT_ERRNO' });
    expect(spec.linux!.maskedPaths).toContain('/proc/kcore');
    expect(spec.hostname).toBe('aaaaaaaaaaaa');
    expect(spec.linux!.namespaces!.map((n) => n.type).sort()).toEqual(['ipc', 'mount', 'network', 'pid', 'uts']);
  });

  it('resolves user and group names through the image passwd and group files', () => {
    const spec = translateToOci(input({ User: 'app' }));
    expect(spec.process!.user).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000, 2000] });
    expect(translateToOci(input({ User: '1234:extra' })).process!.user).toMatchObject({ uid: 1234, gid: 2000 });
    expect(() => translateToOci(input({ User: 'nobody-here' }))).toThrow(/unable to find user nobody-here/);
  });

  it('privileged: every host cap, all devices, no seccomp, no masked paths, writable /sys', () => {
    const spec = translateToOci(input({}, { Privileged: true }));
    expect(spec.process!.capabilities!.bounding).toEqual(host);
    expect(spec.linux!.seccomp).toBeUndefined();
    expect(spec.linux!.maskedPaths).toEqual([]);
    expect(spec.linux!.resources!.devices).toEqual([{ allow: true, access: 'rwm' }]);
    expect(spec.mounts!.find((m) => m.destination === '/sys')!.options).not.toContain('ro');
  });

  it('cap-add/cap-drop, no-new-privileges, seccomp=unconfined, read-only root, tmpfs, init, network modes', () => {
    const spec = translateToOci({
      ...input({ Tty: true }, { CapAdd: ['NET_ADMIN'], CapDrop: ['chown'], SecurityOpt: ['no-new-privileges', 'seccomp=unconfined'], ReadonlyRootfs: true, Tmpfs: { '/run': 'size=1m' }, Init: true, NetworkMode: 'host' }),
      initBinary: '/usr/bin/docker-init',
    });
    expect(spec.process!.capabilities!.bounding).toContain('CAP_NET_ADMIN');
    expect(spec.process!.capabilities!.bounding).not.toContain('CAP_CHOWN');
    expect(spec.process!.noNewPrivileges).toBe(true);
    expect(spec.linux!.seccomp).toBeUndefined();
    expect(spec.root!.readonly).toBe(true);
    expect(spec.mounts!.find((m) => m.destination === '/run')!.options).toContain('size=1m');
    expect(spec.process!.args.slice(0, 2)).toEqual(['/sbin/docker-init', '--']);
    expect(spec.process!.env).toContain('TERM=xterm');
    expect(spec.linux!.namespaces!.map((n) => n.type)).not.toContain('network');
    const joined = translateToOci({ ...input({}, { NetworkMode: 'container:abc' }), joined: { network: 4242 } });
    expect(joined.linux!.namespaces).toContainEqual({ type: 'network', path: '/proc/4242/ns/net' });
  });

  it('refuses a missing command and unknown security options', () => {
    expect(() => translateToOci(input({ Cmd: null }))).toThrow(InvalidConfigError);
    expect(() => translateToOci(input({}, { SecurityOpt: ['bogus=1'] }))).toThrow(/invalid --security-opt/);
  });
});

describe('resourcesFromDocker', () => {
  it('maps memory, swap default, cpu, cpuset, pids and blkio', () => {
    expect(resourcesFromDocker({ Memory: 32 << 20, CpuShares: 512, NanoCpus: 1.5e9, CpusetCpus: '0-1', PidsLimit: 20, BlkioWeight: 300 }, true)).toEqual({
      memory: { limit: 32 << 20, swap: 64 << 20 }, cpu: { shares: 512, period: 100000, quota: 150000, cpus: '0-1' }, pids: { limit: 20 }, blockIO: { weight: 300 },
    });
    expect(resourcesFromDocker({ Memory: 32 << 20, MemorySwap: -1 }, true).memory).toEqual({ limit: 32 << 20, swap: -1 });
    expect(resourcesFromDocker({ PidsLimit: -1 }, true).pids).toEqual({ limit: -1 });
  });

  it('refuses absurd values with Docker\'s messages', () => {
    expect(() => resourcesFromDocker({ Memory: 1024 }, true)).toThrow(/Minimum memory limit allowed is 6MB/);
    expect(() => resourcesFromDocker({ CpuShares: 1_000_000 }, true)).toThrow(/CPU shares/);
    expect(() => resourcesFromDocker({ Memory: 64 << 20, MemoryReservation: 128 << 20 }, true)).toThrow(/reservation/);
    expect(() => resourcesFromDocker({ CpusetCpus: 'zero' }, true)).toThrow(/cpuset/);
    expect(() => resourcesFromDocker({ NanoCpus: 1e9, CpuQuota: 50000 }, true)).toThrow(/Conflicting options/);
  });
});

describe('capabilitySet', () => {
  it('handles ALL and names without the CAP_ prefix', () => {
    expect(capabilitySet(DEFAULT_CAPABILITIES, host, ['ALL'], [], false)).toEqual(host);
    expect(capabilitySet(DEFAULT_CAPABILITIES, host, ['sys_admin'], ['ALL'], false)).toEqual(['CAP_SYS_ADMIN']);
    expect(() => capabilitySet(DEFAULT_CAPABILITIES, host, ['not a cap'], [], false)).toThrow(/unknown capability/);
  });

  it('carries annotations, the masked and read-only path lists given, and mounts parents first', () => {
    const spec = translateToOci({ ...input({ Labels: { l: 'v' } }, { Annotations: { 'com.example/a': 'b' }, MaskedPaths: [], ReadonlyPaths: ['/proc/sys'] }),
      mounts: [{ type: 'bind', source: '/srv/hosts', destination: '/etc/hosts', readOnly: true }, { type: 'volume', source: '/v', destination: '/etc', readOnly: false, name: 'v' }],
      etcFiles: { hosts: '/c/hosts', hostname: '/c/hostname', resolvConf: '/c/resolv.conf' } });
    expect(spec.annotations).toEqual({ 'org.berth.label.l': 'v', 'com.example/a': 'b' });
    expect(spec.linux!.maskedPaths).toEqual([]);
    expect(spec.linux!.readonlyPaths).toEqual(['/proc/sys']);
    const own = spec.mounts!.filter((m) => m.destination.startsWith('/etc'));
    // The volume on /etc first; the user's /etc/hosts wins over the engine's.
    expect(own.map((m) => `${m.destination}=${m.source}`)).toEqual(['/etc=/v', '/etc/resolv.conf=/c/resolv.conf', '/etc/hostname=/c/hostname', '/etc/hosts=/srv/hosts']);
  });
});
