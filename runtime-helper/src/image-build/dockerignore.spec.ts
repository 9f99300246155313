import { describe, expect, it } from 'vitest';
import { IgnoreMatcher } from './dockerignore.js';

describe('.dockerignore matching (Docker\'s rules)', () => {
  it('matches names, globs within an element, and everything under a matched directory', () => {
    const m = IgnoreMatcher.parse('# comment\n*.log\nbuild\n/secret.txt\nsub/?.tmp\n');
    expect(m.ignores('a.log')).toBe(true);
    expect(m.ignores('dir/a.log')).toBe(false); // '*' does not cross '/'
    expect(m.ignores('build/x/y.c')).toBe(true);
    expect(m.ignores('secret.txt')).toBe(true);
    expect(m.ignores('sub/a.tmp')).toBe(true);
    expect(m.ignores('sub/ab.tmp')).toBe(false);
    expect(m.ignores('keep.txt')).toBe(false);
  });
  it('** crosses directories, zero of them too', () => {
    const m = IgnoreMatcher.parse('**/*.o\ndocs/**\n');
    expect(m.ignores('a.o')).toBe(true);
    expect(m.ignores('x/y/z.o')).toBe(true);
    expect(m.ignores('docs/a/b.md')).toBe(true);
    expect(m.ignores('src/a.c')).toBe(false);
  });
  it('! exceptions: the last matching pattern decides', () => {
    const m = IgnoreMatcher.parse('*.md\n!README.md\nREADME*\n!README.txt');
    expect(m.ignores('a.md')).toBe(true);
    expect(m.ignores('README.md')).toBe(true); // README* came after the exception
    expect(m.ignores('README.txt')).toBe(false);
    const n = IgnoreMatcher.parse('logs\n!logs/keep.log');
    expect(n.ignores('logs/a.log')).toBe(true);
    expect(n.ignores('logs/keep.log')).toBe(false);
  });
  it('character classes and escapes', () => {
    const m = IgnoreMatcher.parse('file[0-9].txt\nq\\*');
    expect(m.ignores('file3.txt')).toBe(true);
    expect(m.ignores('filex.txt')).toBe(false);
    expect(m.ignores('q*')).toBe(true);
    expect(m.ignores('qq')).toBe(false);
  });
});
