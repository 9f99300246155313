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
    // dockerd's words.
    expect(() => applyChanges({}, ['RUN rm -rf /'])).toThrow(/^run is not a valid change command$/);
    expect(() => applyChanges({}, ['EXPOSE 99999'])).toThrow(/^Invalid containerPort: 99999$/);
    expect(() => applyChanges({}, ['EXPOSE 90-80/udp'])).toThrow(/^Invalid containerPort: 90-80$/);
    expect(() => applyChanges({}, ['ENV'])).toThrow(/^ENV requires at least one argument$/);
    expect(() => applyChanges({}, ['USER'])).toThrow(/^USER requires exactly one argument$/);
    expect(() => applyChanges({}, ['LABEL a'])).toThrow(/^LABEL must have two arguments$/);
    expect(() => applyChanges({}, ['ENV A=1 B'])).toThrow('Syntax error - can\'t find = in "B". Must be of the form: name=value');
    expect(() => applyChanges({}, ['ONBUILD FROM x'])).toThrow(/^FROM isn't allowed as an ONBUILD trigger$/);
  });
  it('takes an empty CMD as the bare shell and an empty ENTRYPOINT as none, as dockerd', () => {
    expect(applyChanges({ Entrypoint: ['/x'] }, ['CMD', 'ENTRYPOINT'])).toEqual({ Cmd: ['/bin/sh', '-c'] });
  });
});
