import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placements, resolveSources, sourcesHash, SourceNotFound } from './copy-sources.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function ctx(): string {
  const d = mkdtempSync(join(tmpdir(), 'berth-copy-spec-'));
  dirs.push(d);
  mkdirSync(join(d, 'src/sub'), { recursive: true });
  writeFileSync(join(d, 'a.txt'), 'a');
  writeFileSync(join(d, 'b.txt'), 'b');
  writeFileSync(join(d, 'src/sub/c'), 'c');
  return d;
}

describe('COPY sources', () => {
  it('resolves names and wildcards (no "/" crossed) inside the context', () => {
    const d = ctx();
    expect(resolveSources(d, ['*.txt']).map((s) => s.rel)).toEqual(['a.txt', 'b.txt']);
    expect(resolveSources(d, ['./src/../a.txt']).map((s) => s.rel)).toEqual(['a.txt']);
    expect(resolveSources(d, ['s*']).map((s) => s.rel)).toEqual(['src']);
    expect(() => resolveSources(d, ['nope'])).toThrow(SourceNotFound);
    expect(() => resolveSources(d, ['nope'])).toThrow('stat nope: file does not exist');
  });
  it('a symlink is followed with the context as its root, never to a host file', () => {
    const d = ctx();
    symlinkSync('/etc/passwd', join(d, 'abs'));
    symlinkSync('../../../../../etc/passwd', join(d, 'rel'));
    symlinkSync('/a.txt', join(d, 'inside'));
    expect(() => resolveSources(d, ['abs'])).toThrow(SourceNotFound);
    expect(() => resolveSources(d, ['rel'])).toThrow(SourceNotFound);
    expect(() => resolveSources(d, ['../../etc/passwd'])).toThrow(SourceNotFound);
    expect(resolveSources(d, ['inside'])[0]!.host).toBe(join(d, 'a.txt'));
  });
  it('places a directory\'s contents into the destination and a file at it or into it', () => {
    const d = ctx();
    const [dir] = resolveSources(d, ['src']);
    expect(placements([dir!], '/dst', false)).toEqual([expect.objectContaining({ dir: '/dst', entries: [expect.objectContaining({ name: 'sub' }), expect.objectContaining({ name: 'sub/c' })] })]);
    const [file] = resolveSources(d, ['a.txt']);
    expect(placements([file!], '/x/y', false)[0]).toMatchObject({ dir: '/x', entries: [{ name: 'y' }] });
    expect(placements([file!], '/x/y/', true)[0]).toMatchObject({ dir: '/x/y', entries: [{ name: 'a.txt' }] });
  });
  it('hashes content and modes: file, dir or multi, changing when either changes', () => {
    const d = ctx();
    const h1 = sourcesHash(resolveSources(d, ['a.txt']));
    expect(h1).toMatch(/^file:[0-9a-f]{64}$/);
    expect(sourcesHash(resolveSources(d, ['src']))).toMatch(/^dir:/);
    expect(sourcesHash(resolveSources(d, ['a.txt', 'b.txt']))).toMatch(/^multi:/);
    chmodSync(join(d, 'a.txt'), 0o600);
    const h2 = sourcesHash(resolveSources(d, ['a.txt']));
    expect(h2).not.toBe(h1);
    writeFileSync(join(d, 'a.txt'), 'changed');
    expect(sourcesHash(resolveSources(d, ['a.txt']))).not.toBe(h2);
  });
});
