// The build context on real files: .dockerignore as the docker CLI applies it, the Dockerfile and
// .dockerignore always sent, the tar's entries (0:0, modes, symlinks), and the checks in words.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract, type Pack } from 'tar-stream';
import { checkContext, contextEntries, contextIgnore, contextTar } from './build-context.js';
import { IgnoreMatcher } from './build-ignore.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'berth-build-ctx-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text = rel): void {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

async function readTar(stream: Pack): Promise<{ name: string; type: string; uid: number; gid: number; mode: number; body: string; linkname?: string | null }[]> {
  const out: { name: string; type: string; uid: number; gid: number; mode: number; body: string; linkname?: string | null }[] = [];
  const ex = extract();
  ex.on('entry', (h, s, next) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: unknown) => chunks.push(c as Buffer));
    s.on('end', () => { out.push({ name: h.name, type: h.type ?? 'file', uid: h.uid ?? -1, gid: h.gid ?? -1, mode: h.mode ?? 0, body: Buffer.concat(chunks).toString(), linkname: h.linkname }); next(); });
  });
  await new Promise<void>((res, rej) => { ex.on('finish', res); ex.on('error', rej); stream.on('error', rej); stream.pipe(ex); });
  return out;
}

describe('ignore matcher', () => {
  it('matches as the CLI: globs within an element, ** across, directories cover their content, ! re-includes, last match wins', () => {
    const m = IgnoreMatcher.parse('# comment\n*.log\nbuild/\n**/tmp\n!keep.log\nsecret?.txt\n/docs/*.md\n!docs/README.md\n');
    expect(m.ignores('a.log')).toBe(true);
    expect(m.ignores('sub/a.log')).toBe(false); // '*' does not cross '/'
    expect(m.ignores('keep.log')).toBe(false);
    expect(m.ignores('build')).toBe(true);
    expect(m.ignores('build/out/x.o')).toBe(true);
    expect(m.ignores('a/b/tmp/f')).toBe(true);
    expect(m.ignores('tmp')).toBe(true);
    expect(m.ignores('secret1.txt')).toBe(true);
    expect(m.ignores('secret12.txt')).toBe(false);
    expect(m.ignores('docs/guide.md')).toBe(true);
    expect(m.ignores('docs/README.md')).toBe(false);
    expect(m.ignores('src/main.c')).toBe(false);
    expect(m.hasExclusions).toBe(true);
    expect(IgnoreMatcher.parse('*\n').hasExclusions).toBe(false);
  });

  it('takes character classes, negated ones and escapes', () => {
    const m = IgnoreMatcher.parse('f[0-9].txt\ng[!a].txt\nstar\\*\n');
    expect(m.ignores('f3.txt')).toBe(true);
    expect(m.ignores('fx.txt')).toBe(false);
    expect(m.ignores('gb.txt')).toBe(true);
    expect(m.ignores('ga.txt')).toBe(false);
    expect(m.ignores('star*')).toBe(true);
    expect(m.ignores('stars')).toBe(false);
  });
});

describe('build context', () => {
  it('sends the folder without what .dockerignore excludes, keeping the Dockerfile and .dockerignore, owned by 0:0', async () => {
    write('Dockerfile', 'FROM busybox:test\n');
    write('.dockerignore', 'secret.txt\nlogs\nDockerfile\n.dockerignore\n*.tmp\n!keep.tmp\n');
    write('app.txt', 'hello');
    write('secret.txt', 'no');
    write('logs/a.log', 'no');
    write('x.tmp', 'no');
    write('keep.tmp', 'yes');
    write('sub/inner.txt', 'in');
    chmodSync(join(dir, 'app.txt'), 0o640);
    symlinkSync('app.txt', join(dir, 'link'));
    const entries = await contextEntries(dir, await contextIgnore(dir, 'Dockerfile'));
    expect(entries).toEqual(['.dockerignore', 'Dockerfile', 'app.txt', 'keep.tmp', 'link', 'sub', 'sub/inner.txt']);
    const tar = await readTar(contextTar(dir, entries));
    expect(tar.map((e) => e.name)).toEqual(entries);
    expect(tar.every((e) => e.uid === 0 && e.gid === 0)).toBe(true);
    expect(tar.find((e) => e.name === 'app.txt')).toMatchObject({ type: 'file', body: 'hello', mode: 0o640 });
    expect(tar.find((e) => e.name === 'link')).toMatchObject({ type: 'symlink', linkname: 'app.txt' });
    expect(tar.find((e) => e.name === 'sub')).toMatchObject({ type: 'directory' });
    expect(tar.find((e) => e.name === 'Dockerfile')?.body).toBe('FROM busybox:test\n');
  });

  it('looks inside an ignored folder when a ! pattern may bring something back', async () => {
    write('Dockerfile');
    write('.dockerignore', 'vendor\n!vendor/keep\n');
    write('vendor/drop', '');
    write('vendor/keep', '');
    expect(await contextEntries(dir, await contextIgnore(dir, 'Dockerfile'))).toEqual(['.dockerignore', 'Dockerfile', 'vendor/keep']);
  });

  it('ends the tar with the name of a file it cannot read', async () => {
    write('Dockerfile');
    write('gone.txt', 'x');
    const entries = await contextEntries(dir, await contextIgnore(dir, 'Dockerfile'));
    rmSync(join(dir, 'gone.txt'));
    await expect(readTar(contextTar(dir, entries))).rejects.toThrow(/gone\.txt/);
  });

  it('checks the folder and the Dockerfile and says what is wrong', async () => {
    write('Dockerfile');
    write('docker/Dockerfile.dev');
    write('.dockerignore', '');
    expect(await checkContext(dir, '')).toEqual({ context: dir, dockerfile: 'Dockerfile', dockerfileFound: true, hasIgnoreFile: true });
    expect(await checkContext(dir, './docker/Dockerfile.dev')).toMatchObject({ dockerfile: 'docker/Dockerfile.dev', dockerfileFound: true });
    expect((await checkContext(dir, 'Missingfile')).problem).toBe(`Dockerfile Missingfile: no such file in ${dir}`);
    expect((await checkContext(dir, 'docker')).problem).toBe(`Dockerfile docker: not a file in ${dir}`);
    expect((await checkContext(dir, '../Dockerfile')).problem).toBe("Dockerfile '../Dockerfile': give a path inside the context folder");
    expect((await checkContext(join(dir, 'nope'), 'Dockerfile')).problem).toBe(`build context ${join(dir, 'nope')}: no such folder`);
    expect((await checkContext(join(dir, 'Dockerfile'), 'Dockerfile')).problem).toBe(`build context ${join(dir, 'Dockerfile')}: not a folder`);
    expect((await checkContext('relative/dir', 'Dockerfile')).problem).toBe("build context 'relative/dir': give the folder's full path (starting with /)");
  });
});
