import { describe, expect, it } from 'vitest';
import { parseDockerfile } from './dockerfile-parser.js';
import { applyMeta, parseGoDuration, type StageState } from './meta-instructions.js';

function run(lines: string[], vars = new Map<string, string>()): { state: StageState; comments: string[] } {
  const state: StageState = { config: { Cmd: ['sh'] }, cmdSet: false };
  const comments = parseDockerfile(lines.join('\n')).instructions.map((i) => applyMeta(i, state, vars, '\\'));
  return { state, comments };
}

describe('config-only instructions', () => {
  it('ENV, LABEL, EXPOSE, VOLUME, USER with substitution, and dockerd\'s comments', () => {
    const { state, comments } = run(['ENV A=$V B="x y"', 'LABEL "k 1"=v', 'EXPOSE 80 7000-7001/udp', 'VOLUME ["/a", "$V"]', 'USER ${V:-nobody}'], new Map([['V', 'val']]));
    expect(state.config.Env).toEqual(['A=val', 'B=x y']);
    expect(state.config.Labels).toEqual({ 'k 1': 'v' });
    expect(Object.keys(state.config.ExposedPorts!)).toEqual(['80/tcp', '7000/udp', '7001/udp']);
    expect(state.config.Volumes).toEqual({ '/a': {}, val: {} });
    expect(state.config.User).toBe('val');
    expect(comments).toEqual(['ENV A=val B=x y', 'LABEL k 1=v', 'EXPOSE 7000-7001/udp 80', 'VOLUME [/a val]', 'USER val']);
  });
  it('ENTRYPOINT drops the inherited CMD unless the stage set one; SHELL changes the shell form', () => {
    expect(run(['ENTRYPOINT ["x"]']).state.config.Cmd).toBeNull();
    expect(run(['CMD ["c"]', 'ENTRYPOINT ["x"]']).state.config.Cmd).toEqual(['c']);
    const { state, comments } = run(['SHELL ["/bin/bash", "-c"]', 'CMD echo hi']);
    expect(state.config.Cmd).toEqual(['/bin/bash', '-c', 'echo hi']);
    expect(comments).toEqual(['SHELL [/bin/bash -c]', 'CMD ["/bin/bash" "-c" "echo hi"]']);
    expect(() => run(['SHELL /bin/sh'])).toThrow('SHELL requires the arguments to be in JSON form');
  });
  it('HEALTHCHECK flags and forms; bad values refused', () => {
    const { state } = run(['HEALTHCHECK --interval=1m30s --timeout=500ms --retries=2 CMD ["true"]']);
    expect(state.config.Healthcheck).toEqual({ Test: ['CMD', 'true'], Interval: 90e9, Timeout: 5e8, Retries: 2 });
    expect(run(['HEALTHCHECK NONE']).state.config.Healthcheck).toEqual({ Test: ['NONE'] });
    expect(() => run(['HEALTHCHECK --interval=abc CMD true'])).toThrow('invalid duration "abc"');
    expect(() => run(['HEALTHCHECK --bogus=1 CMD true'])).toThrow('Unknown flag: bogus');
    expect(() => run(['HEALTHCHECK --retries=0 CMD true'])).toThrow('--retries must be at least 1');
    expect(parseGoDuration('1h2m3s', 'x')).toBe(3723e9);
  });
  it('ONBUILD records its trigger and refuses chaining', () => {
    expect(run(['ONBUILD RUN echo x']).state.config.OnBuild).toEqual(['RUN echo x']);
    expect(() => run(['ONBUILD ONBUILD RUN x'])).toThrow(/Chaining ONBUILD/);
    expect(() => run(['EXPOSE abc'])).toThrow('Invalid containerPort: abc');
  });
});
