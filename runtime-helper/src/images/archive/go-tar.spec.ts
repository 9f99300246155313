import { describe, expect, it } from 'vitest';
import { goTarHeader, goTarPadding, goTarEnd, type GoTarEntry } from './go-tar.js';
import { execFileSync } from 'node:child_process';

const base: GoTarEntry = { name: 'd/', type: 'directory', mode: 0o755, uid: 1000, gid: 100, uname: 'berth', gname: 'users', size: 0, mtime: 1700000000, linkname: '', devmajor: 0, devminor: 0 };

function archive(entries: Array<[GoTarEntry, Buffer?]>): Buffer {
  return Buffer.concat([...entries.flatMap(([e, data]) => [goTarHeader(e), ...(data ? [data, goTarPadding(data.length)] : [])]), goTarEnd()]);
}

describe('goTarHeader', () => {
  it('writes USTAR as Go does: type bits in the mode, NUL-ended octal, names, devmajor/devminor', () => {
    const h = goTarHeader(base);
    expect(h.length).toBe(512);
    expect(h.toString('latin1', 100, 108)).toBe('0040755\0');
    expect(h.toString('latin1', 257, 265)).toBe('ustar\u000000');
    expect(h.toString('latin1', 265, 270)).toBe('berth');
    expect(h.toString('latin1', 329, 345)).toBe('0000000\u00000000000\0');
    expect(h.toString('latin1', 155, 156)).toBe(' ');
    expect(h.toString('latin1', 154, 155)).toBe('\0');
  });

  it('is read back by GNU tar: names, owners, links, a long path split into the prefix, a longer one in a PAX record', () => {
    const long = `${'a'.repeat(120)}/${'b'.repeat(90)}`;
    const longer = `${'c'.repeat(200)}`;
    const data = Buffer.from('hello\n');
    const tar = archive([
      [base],
      [{ ...base, name: 'd/f', type: 'file', mode: 0o4644, size: data.length }, data],
      [{ ...base, name: 'd/l', type: 'symlink', mode: 0o777, linkname: 'f' }],
      [{ ...base, name: 'd/h', type: 'link', mode: 0o644, linkname: 'd/f' }],
      [{ ...base, name: long, type: 'file', size: data.length }, data],
      [{ ...base, name: longer, type: 'file', size: data.length }, data],
    ]);
    const listing = execFileSync('tar', ['-tvf', '-'], { input: tar, encoding: 'utf8' }).split('\n');
    expect(listing[0]).toMatch(/^drwxr-xr-x berth\/users\s+0 .* d\/$/);
    expect(listing[1]).toMatch(/^-rwSr--r-- berth\/users\s+6 .* d\/f$/);
    expect(listing[2]).toMatch(/^lrwxrwxrwx .* d\/l -> f$/);
    expect(listing[3]).toMatch(/d\/h link to d\/f$/);
    expect(listing[4]).toMatch(new RegExp(`${long}$`));
    expect(listing[5]).toMatch(new RegExp(`${longer}$`));
    expect(execFileSync('tar', ['-xOf', '-', longer], { input: tar, encoding: 'utf8' })).toBe('hello\n');
  });
});
