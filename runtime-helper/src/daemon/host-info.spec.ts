import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, chmodSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeVersion } from './host-info.js';

const dir = mkdtempSync(join(tmpdir(), 'host-info-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake runtime that counts its runs in a file beside it. */
function writeRuntime(path: string, version: string): void {
  writeFileSync(path, `#!/bin/sh\necho x >> "${path}.runs"\necho "${version}"\necho "second line"\n`);
  chmodSync(path, 0o755);
}
const runs = (path: string): number => readFileSync(`${path}.runs`, 'utf8').split('\n').filter(Boolean).length;

describe('runtimeVersion', () => {
  it('runs --version once per binary and again when the binary changes', () => {
    const rt = join(dir, 'rt');
    writeRuntime(rt, 'rt version 1.0');
    expect(runtimeVersion(rt)).toBe('rt version 1.0');
    expect(runtimeVersion(rt)).toBe('rt version 1.0');
    expect(runs(rt)).toBe(1);
    writeRuntime(rt, 'rt version 1.10');
    utimesSync(rt, new Date(), new Date(Date.now() + 5000));
    expect(runtimeVersion(rt)).toBe('rt version 1.10');
    expect(runtimeVersion(rt)).toBe('rt version 1.10');
    expect(runs(rt)).toBe(2);
  });

  it('gives "" for a missing or failing binary', () => {
    expect(runtimeVersion(join(dir, 'missing'))).toBe('');
    const bad = join(dir, 'bad');
    writeFileSync(bad, '#!/bin/sh\nexit 3\n');
    chmodSync(bad, 0o755);
    expect(runtimeVersion(bad)).toBe('');
  });
});
