// .dockerignore as Docker reads it (moby's patternmatcher): one pattern a line, '#' comments,
// paths cleaned and relative to the context root, '*' '?' '[...]' within a path element, '**'
// across elements, '!' re-includes; the last pattern that matches decides. A pattern that
// matches a directory matches everything under it.
import { posix } from 'node:path';

interface Pattern { regex: RegExp; exclusion: boolean }

export class IgnoreMatcher {
  private readonly patterns: Pattern[];

  constructor(lines: readonly string[]) {
    this.patterns = [];
    for (const raw of lines) {
      let p = raw.trim();
      if (p === '' || p.startsWith('#')) continue;
      const exclusion = p.startsWith('!');
      if (exclusion) p = p.slice(1).trim();
      p = posix.normalize(p).replace(/^\/+/, '').replace(/\/+$/, '');
      if (p === '' || p === '.') continue;
      this.patterns.push({ regex: toRegex(p), exclusion });
    }
  }

  static parse(text: string): IgnoreMatcher { return new IgnoreMatcher(text.split(/\r?\n/)); }

  /** Whether a context path (relative, '/'-separated) is left out. */
  ignores(path: string): boolean {
    const clean = posix.normalize(path).replace(/^\/+/, '');
    const parents: string[] = [];
    const parts = clean.split('/');
    for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join('/'));
    let ignored = false;
    for (const p of this.patterns) {
      if (p.exclusion !== ignored) continue; // only a pattern of the other kind can change the answer
      if (p.regex.test(clean) || parents.some((d) => p.regex.test(d))) ignored = !p.exclusion;
    }
    return ignored;
  }

  get empty(): boolean { return this.patterns.length === 0; }
}

function toRegex(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        // '**/' matches zero or more directories; a trailing '**' everything.
        if (pattern[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) { re += '\\['; continue; }
      let cls = pattern.slice(i + 1, close);
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`; else if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (ch === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else re += escapeRe(ch);
  }
  return new RegExp(`${re}$`);
}

const escapeRe = (s: string): string => s.replace(/[.*?+^${}()|[\]\\/]/g, '\\$&');
