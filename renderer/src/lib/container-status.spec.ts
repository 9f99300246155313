// Status texts as dockerd, berthd and podman write them in the container list.
import { describe, expect, it } from 'vitest';
import { statusDetail } from './container-status';

describe('statusDetail', () => {
  it('keeps the time of an exit, without the state and code the chip shows', () => {
    expect(statusDetail('Exited (137) 44 seconds ago')).toBe('44 seconds ago');
    expect(statusDetail('Exited (0) About a minute ago')).toBe('About a minute ago');
    expect(statusDetail('Restarting (1) 3 seconds ago')).toBe('3 seconds ago');
  });

  it('says how long a running or paused container has been up, without its health (a chip of its own)', () => {
    expect(statusDetail('Up 5 minutes')).toBe('up 5 minutes');
    expect(statusDetail('Up 5 minutes (healthy)')).toBe('up 5 minutes');
    expect(statusDetail('Up 2 seconds (Paused)')).toBe('up 2 seconds');
    expect(statusDetail('Up Less than a second')).toBe('up less than a second');
    expect(statusDetail('Up 3 hours (health: starting)')).toBe('up 3 hours');
  });

  it('says a created container never started, and leaves other texts as they are', () => {
    expect(statusDetail('Created')).toBe('never started');
    expect(statusDetail('Removal In Progress')).toBe('Removal In Progress');
    expect(statusDetail('Dead')).toBe('Dead');
  });
});
