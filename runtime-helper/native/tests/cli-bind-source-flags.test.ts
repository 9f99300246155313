// berth-runtime's own guarantee (crun 1.8 differs, runc agrees): a bind keeps its source mount's
// ro, nosuid, nodev and noexec. "rw" in a config's options does not make a read-only host mount
// writable inside the container.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBerthRuntime, useHarness } from '../../../test-support/container-harness.js';

const h = useHarness();

describe.runIf(isBerthRuntime)('berth-runtime binds', () => {
  it('a bind with "rw" of a read-only host mount stays read-only; nosuid and noexec stay too', async () => {
    const src = mkdtempSync(join(tmpdir(), 'berth-bindsrc-'));
    const ro = mkdtempSync(join(tmpdir(), 'berth-bindro-'));
    writeFileSync(join(src, 'f'), 'keep\n');
    execFileSync('mount', ['--bind', src, ro]);
    try {
      execFileSync('mount', ['-o', 'remount,bind,ro,nosuid,noexec', ro]);
      const out = await h.sh('touch /x/new 2>&1; grep " /x " /proc/self/mountinfo | cut -d" " -f6', {
        mounts: [{ destination: '/x', type: 'bind', source: ro, options: ['rbind', 'rw', 'suid', 'exec'] }],
      });
      expect(out).toContain('Read-only file system');
      const flags = out.trim().split('\n').at(-1)!.split(',');
      expect(flags).toEqual(expect.arrayContaining(['ro', 'nosuid', 'noexec']));
      expect(readdirSync(src)).toEqual(['f']);
    } finally {
      execFileSync('umount', [ro]);
      rmSync(ro, { recursive: true, force: true });
      rmSync(src, { recursive: true, force: true });
    }
  });
});
