import { describe, it, expect } from 'vitest';
import { applyChanges } from './changes.js';

describe('applyChanges', () => {
  it('applies the config-only Dockerfile instructions', () => {
    const c = applyChanges({ Env: ['A=1'] }, ['CMD echo hi', 'ENTRYPOINT ["/init"]', 'ENV A=2 B="x y"', 'ENV LEGACY some value',
      'EXPOSE 80 53/udp 8000-8001', 'LABEL k=v', 'USER app', 'WORKDIR /srv', 'VOLUME /data', 'STOPSIGNAL SIGINT']);
    expect(c.Cmd).toEqual(['/bin/sh', '-c', 'echo hi']);
    expect(c.Entrypoint).toEqual(['/init']);
    expect(c.Env).toEqual(['A=2', 'B=x y', 'LEGACY=some value']);
    expect(Object.keys(c.ExposedPorts ?? {})).toEqual(['80/tcp', '53/udp', '8000/tcp', '8001/tcp']);
    expect(c.Labels).toEqual({ k: 'v' });
    expect([c.User, c.WorkingDir, c.StopSignal]).toEqual(['app', '/srv', 'SIGINT']);
    expect(c.Volumes).toEqual({ '/data': {} });
  });
  it('refuses instructions that are not config changes, and bad ports', () => {
    expect(() => applyChanges({}, ['RUN rm -rf /'])).toThrow(/RUN is not a valid change command/);
    expect(() => applyChanges({}, ['EXPOSE 99999'])).toThrow(/invalid port range/);
    expect(() => applyChanges({}, ['CMD'])).toThrow(/requires an argument/);
  });
});
