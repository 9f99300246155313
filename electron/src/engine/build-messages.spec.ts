// The legacy builder's JSON lines as dockerd 20.10, berthd and podman 4.3 write them.
import { describe, expect, it } from 'vitest';
import { parseBuildLine } from './build-messages.js';
import { isCacheLine, isStepLine } from '../shared/build-lines.js';
import { buildQuery } from './build.js';

describe('build messages', () => {
  it('passes output through and takes the image ID from aux, else from "Successfully built"', () => {
    const state: { imageId?: string } = {};
    expect(parseBuildLine({ stream: 'Step 1/3 : FROM busybox:test\n' }, state)).toEqual([{ kind: 'output', text: 'Step 1/3 : FROM busybox:test\n' }]);
    expect(parseBuildLine({ aux: { ID: 'sha256:' + 'a'.repeat(64) } }, state)).toEqual([]);
    expect(state.imageId).toBe('sha256:' + 'a'.repeat(64));
    const other: { imageId?: string } = {};
    parseBuildLine({ stream: 'Successfully built 0123456789ab\n' }, other);
    expect(other.imageId).toBe('0123456789ab');
  });

  it('reads the engine\'s error and a RUN\'s exit code', () => {
    const s = {};
    expect(parseBuildLine({ errorDetail: { code: 3, message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" }, error: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" }, s))
      .toEqual([{ kind: 'error', text: "The command '/bin/sh -c exit 3' returned a non-zero code: 3", code: 3 }]);
    // podman 4.3's words, with its trailing newline
    expect(parseBuildLine({ error: 'building at STEP "RUN exit 4": while running runtime: exit status 4\n' }, s)).toEqual([{ kind: 'error', text: 'building at STEP "RUN exit 4": while running runtime: exit status 4', code: 4 }]);
    expect(parseBuildLine({ error: 'COPY failed: file not found in build context or excluded by .dockerignore: stat nope: file does not exist' }, s))
      .toEqual([{ kind: 'error', text: 'COPY failed: file not found in build context or excluded by .dockerignore: stat nope: file does not exist' }]);
  });

  it('shows status lines and skips what it does not know', () => {
    expect(parseBuildLine({ status: 'Loading', id: 'abc', progress: '[==>  ]' }, {})).toEqual([{ kind: 'output', text: 'abc: Loading [==>  ]\n' }]);
    expect(parseBuildLine({ something: 1 }, {})).toEqual([]);
    expect(parseBuildLine(null, {})).toEqual([]);
  });

  it('marks steps and cache hits of docker and podman', () => {
    expect(isStepLine('Step 2/5 : RUN echo hi')).toBe(true);
    expect(isStepLine('STEP 2/5: RUN echo hi')).toBe(true);
    expect(isStepLine('hi Step 2/5 : ')).toBe(false);
    expect(isCacheLine(' ---> Using cache')).toBe(true);
    expect(isCacheLine('--> Using cache 0123abc')).toBe(true);
    expect(isCacheLine('Using cache')).toBe(false);
  });

  it('asks the engine for the build as the spec says, never pulling', () => {
    expect(buildQuery({ context: '/c', dockerfile: 'D', tags: ['a:1', 'b:2'], buildArgs: { X: '1' }, target: 'final', noCache: true, network: 'none' }, 'D'))
      .toEqual({ dockerfile: 'D', t: ['a:1', 'b:2'], buildargs: { X: '1' }, target: 'final', nocache: true, pull: false, rm: true, forcerm: true, networkmode: 'none' });
    expect(buildQuery({ context: '/c', dockerfile: '', tags: [], buildArgs: {}, noCache: false }, 'Dockerfile'))
      .toEqual({ dockerfile: 'Dockerfile', nocache: false, pull: false, rm: true, forcerm: true });
  });
});
