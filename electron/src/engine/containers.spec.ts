import { describe, expect, it } from 'vitest';
import { createOptions, healthFromStatus, lastProbe } from './containers.js';

describe('container health in the app', () => {
  it("reads the health from a list's status text, as dockerd and podman write it", () => {
    expect(healthFromStatus('Up 5 minutes (healthy)')).toBe('healthy');
    expect(healthFromStatus('Up 2 seconds (health: starting)')).toBe('starting');
    expect(healthFromStatus('Up 1 hour (unhealthy)')).toBe('unhealthy');
    expect(healthFromStatus('Up 1 hour (Paused)')).toBeUndefined();
    expect(healthFromStatus('Exited (0) 2 minutes ago')).toBeUndefined();
  });
  it('says what the last probe did', () => {
    expect(lastProbe({ Status: 'unhealthy', FailingStreak: 3, Log: [{ ExitCode: 1, Output: 'probing\ncurl: (7) refused\n' }] })).toBe('last check exited 1: probing / curl: (7) refused, 3 failing in a row');
    expect(lastProbe({ Status: 'healthy', FailingStreak: 0, Log: [{ ExitCode: 0, Output: '' }] })).toBe('last check exited 0');
    expect(lastProbe({ Status: 'starting', Log: [] })).toBe('health: starting, no check has finished yet');
    expect(lastProbe(undefined)).toBeUndefined();
  });
});

describe('create body of a run with Advanced settings', () => {
  it('adds them beside the rest as the docker CLI does, without dropping the ports or resources', () => {
    const o = createOptions({
      image: 'busybox:test', env: [], ports: [{ container: 80, host: 8080, protocol: 'tcp' }], volumes: [], restart: 'no', tty: false, interactive: false,
      resources: { memory: 64 * 1024 * 1024, cpuShares: 512, cpusetCpus: '', pidsLimit: 0, blkioWeight: 0 },
      advanced: { health: { command: 'true', intervalNs: 1e9 }, dns: ['192.0.2.53'], extraHosts: ['db:10.1.2.3'], ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }], labels: { team: 'web' }, readOnly: true },
    });
    expect(o.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'true'], Interval: 1e9 });
    expect(o.Labels).toEqual({ team: 'web' });
    expect(o.HostConfig).toMatchObject({
      Dns: ['192.0.2.53'], ExtraHosts: ['db:10.1.2.3'], Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }], ReadonlyRootfs: true,
      PortBindings: { '80/tcp': [{ HostPort: '8080' }] }, Memory: 64 * 1024 * 1024, CpuShares: 512,
    });
    expect(o.HostConfig).not.toHaveProperty('Privileged');
  });
  it('leaves the body as it was without them', () => {
    const o = createOptions({ image: 'busybox:test', env: [], ports: [], volumes: [], restart: 'no', tty: false, interactive: false, resources: { memory: 0, cpuShares: 0, cpusetCpus: '', pidsLimit: 0, blkioWeight: 0 } });
    expect(o).not.toHaveProperty('Healthcheck');
    expect(o).not.toHaveProperty('Labels');
    expect(Object.keys(o.HostConfig ?? {})).not.toContain('Dns');
  });
});
