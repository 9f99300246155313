import { describe, expect, it } from 'vitest';
import { applyIpcMounts, deviceCgroupRules, namespacesFor, rejectUnsupported, rlimitsFor, sysctlsFor, validateModes } from './host-options.js';
import { hostConfigSchema } from '../containers/docker-types.js';

const hc = (o: Record<string, unknown> = {}) => hostConfigSchema.parse(o);
const types = (ns: { type: string; path?: string }[]) => ns.map((n) => (n.path ? `${n.type}=${n.path}` : n.type)).sort();

describe('namespacesFor', () => {
  it('gives a default container every namespace but cgroup (v1 hosts share it, as Docker does)', () => {
    expect(types(namespacesFor(hc(), {}))).toEqual(['ipc', 'mount', 'network', 'pid', 'uts']);
  });
  it('leaves out the namespaces shared with the host', () => {
    expect(types(namespacesFor(hc({ PidMode: 'host', IpcMode: 'host', UTSMode: 'host' }), {}))).toEqual(['mount', 'network']);
    expect(types(namespacesFor(hc({ NetworkMode: 'host' }), {}))).toEqual(['ipc', 'mount', 'pid']);
  });
  it('joins another container by its init pid, and refuses when it does not run', () => {
    expect(types(namespacesFor(hc({ PidMode: 'container:a', IpcMode: 'container:b' }), { pid: 7, ipc: 8 }))).toEqual(['ipc=/proc/8/ns/ipc', 'mount', 'network', 'pid=/proc/7/ns/pid', 'uts']);
    expect(() => namespacesFor(hc({ PidMode: 'container:a' }), {})).toThrow('cannot join PID of a non running container: a');
  });
  it('adds a cgroup namespace for --cgroupns private', () => {
    expect(types(namespacesFor(hc({ CgroupnsMode: 'private' }), {}))).toContain('cgroup');
  });
});

describe('validateModes', () => {
  it("uses dockerd's messages", () => {
    expect(() => validateModes(hc({ IpcMode: 'bogus' }), '')).toThrow('Invalid IPC mode: bogus');
    expect(() => validateModes(hc({ PidMode: 'bogus' }), '')).toThrow('Invalid PID mode: bogus');
    expect(() => validateModes(hc({ UTSMode: 'host' }), 'myhost')).toThrow('conflicting options: hostname and the UTS mode');
    expect(() => validateModes(hc({ Isolation: 'hyperv' }), '')).toThrow(`Invalid isolation: "hyperv" - linux only supports 'default'`);
  });
  it('accepts a record written before the modes existed', () => {
    expect(() => validateModes({}, '')).not.toThrow();
  });
});

describe('rejectUnsupported', () => {
  it('refuses what this engine cannot do instead of dropping it', () => {
    expect(() => rejectUnsupported(hc({ StorageOpt: { size: '1G' } }))).toThrow('--storage-opt is supported only');
    expect(() => rejectUnsupported(hc({ DeviceRequests: [{ Driver: '', Count: -1, Capabilities: [['gpu']] }] }))).toThrow('could not select device driver "" with capabilities: [[gpu]]');
    expect(() => rejectUnsupported(hc({ CpuRealtimeRuntime: 100 }))).toThrow('realtime CPU time');
    expect(() => rejectUnsupported(hc({ OomScoreAdj: 2000 }))).toThrow('Invalid value 2000, range for oom score adj is [-1000, 1000]');
    expect(() => rejectUnsupported(hc({ VolumeDriver: 'nfs' }))).toThrow('plugin "nfs" not found');
    expect(() => rejectUnsupported(hc({ VolumeDriver: 'local', OomScoreAdj: -500 }))).not.toThrow();
  });
});

describe('sysctlsFor', () => {
  it('allows namespaced keys only, and no net.* in the host network', () => {
    expect(sysctlsFor({ 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1000' }, hc())).toEqual({ 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1000' });
    expect(() => sysctlsFor({ 'vm.swappiness': '10' }, hc())).toThrow("sysctl 'vm.swappiness=10' is not allowed");
    expect(() => sysctlsFor({ 'net.ipv4.ip_forward': '1' }, hc({ NetworkMode: 'host' }))).toThrow('not allowed in host network namespace');
    expect(() => sysctlsFor({ 'kernel.shmmax': '1' }, hc({ IpcMode: 'host' }))).toThrow('not allowed in host IPC namespace');
  });
});

describe('rlimitsFor and deviceCgroupRules', () => {
  it('maps --ulimit to OCI rlimits and checks soft against hard', () => {
    expect(rlimitsFor([{ Name: 'nofile', Soft: 100, Hard: 200 }])).toEqual([{ type: 'RLIMIT_NOFILE', soft: 100, hard: 200 }]);
    expect(() => rlimitsFor([{ Name: 'nofile', Soft: 300, Hard: 200 }])).toThrow('300 > 200');
    expect(() => rlimitsFor([{ Name: 'bogus', Soft: 1, Hard: 1 }])).toThrow('invalid ulimit type: bogus');
  });
  it('parses --device-cgroup-rule', () => {
    expect(deviceCgroupRules(['c 1:3 rwm', 'b *:* m'])).toEqual([{ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, { allow: true, type: 'b', access: 'm' }]);
    expect(() => deviceCgroupRules(['x 1:3 rwm'])).toThrow("invalid device cgroup format 'x 1:3 rwm'");
  });
});

describe('applyIpcMounts', () => {
  const shm = [{ destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['size=65536k'] }, { destination: '/proc', type: 'proc', source: 'proc' }];
  it('drops /dev/shm for none and binds the tmpfs given for the other modes', () => {
    expect(applyIpcMounts(shm, 'none', undefined).map((m) => m.destination)).toEqual(['/proc']);
    expect(applyIpcMounts(shm, 'host', '/dev/shm')[0]).toMatchObject({ type: 'bind', source: '/dev/shm' });
    expect(applyIpcMounts(shm, 'container:x', '/var/lib/berth/containers/x/shm')[0]).toMatchObject({ type: 'bind', source: '/var/lib/berth/containers/x/shm' });
    expect(applyIpcMounts(shm, '', undefined)).toEqual(shm);
  });
});
