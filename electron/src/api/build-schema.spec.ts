// The build stream's and build.check's input checks (the API boundary), in the words a person reads.
import { describe, expect, it } from 'vitest';
import { requestSchemas, streamSchemas, validationMessage } from './schemas.js';
import type { z } from 'zod';

const ok = { context: '/src/app', dockerfile: 'Dockerfile', tags: ['app:1', 'host:5000/team/app:dev', 'plain'], buildArgs: { V: '1' }, target: 'final', noCache: false, network: 'none' };

function problems(params: unknown): string | null {
  const r = streamSchemas.build.safeParse(params);
  return r.success ? null : validationMessage('build', r.error as z.ZodError);
}

describe('build schemas', () => {
  it('takes a full spec, no tags, and no target', () => {
    expect(problems(ok)).toBeNull();
    expect(problems({ ...ok, tags: [], target: '', network: undefined })).toBeNull();
    expect(requestSchemas['build.check'].safeParse({ context: '/x', dockerfile: '' }).success).toBe(true);
  });

  it('refuses bad tags, build args, targets and networks with what to fix', () => {
    expect(problems({ ...ok, tags: ['App:1'] })).toContain('tag: name[:tag] in lowercase');
    expect(problems({ ...ok, buildArgs: { 'A B': '1' } })).toContain("build arg 'A B': a name of 1 to 256 characters, no = or spaces");
    expect(problems({ ...ok, target: '-x' })).toContain('target: a stage name');
    expect(problems({ ...ok, network: 'bridge0' })).toContain('network');
    expect(problems({ ...ok, context: '' })).toContain('build context: choose a folder');
    expect(problems({ ...ok, noCache: 'yes' })).toContain('noCache');
  });
});
