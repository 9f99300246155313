import { describe, expect, it } from 'vitest';
import { healthFromStatus, lastProbe } from './containers.js';

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
