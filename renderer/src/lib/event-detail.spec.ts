// Event details from the attributes dockerd, berthd and podman send.
import { describe, expect, it } from 'vitest';
import { eventDetail, signalText } from './event-detail';

describe('event detail', () => {
  it("names a die's exit code and a kill's signal", () => {
    expect(eventDetail({ type: 'container', action: 'die', attributes: { exitCode: '137', name: 'web' } })).toBe('exit code 137');
    expect(eventDetail({ type: 'container', action: 'die', attributes: { exitCode: '0' } })).toBe('exit code 0');
    expect(eventDetail({ type: 'container', action: 'kill', attributes: { signal: '15' } })).toBe('SIGTERM (15)');
    expect(eventDetail({ type: 'container', action: 'kill', attributes: { signal: '9' } })).toBe('SIGKILL (9)');
  });

  it('keeps a signal it does not know, or one the engine named', () => {
    expect(signalText('SIGTERM')).toBe('SIGTERM');
    expect(signalText('34')).toBe('34');
  });

  it('says where a volume was mounted, what a container came from, and nothing where there is nothing', () => {
    expect(eventDetail({ type: 'volume', action: 'mount', attributes: { destination: '/data', 'read/write': 'false' } })).toBe('at /data (read-only)');
    expect(eventDetail({ type: 'volume', action: 'mount', attributes: { destination: '/data', 'read/write': 'true' } })).toBe('at /data');
    expect(eventDetail({ type: 'container', action: 'create', attributes: { image: 'busybox:test' } })).toBe('from busybox:test');
    expect(eventDetail({ type: 'container', action: 'start', attributes: { image: 'busybox:test' } })).toBe('');
    expect(eventDetail({ type: 'image', action: 'pull', attributes: {} })).toBe('');
  });
});
