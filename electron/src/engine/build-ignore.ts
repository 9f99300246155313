// .dockerignore as the docker CLI reads it (moby's patternmatcher), applied on the client side
// before the context is sent: one pattern a line, '#' comments, paths cleaned and relative to the
// context root, '*' '?' '[...]' within a path element, '**' across elements, '!' re-includes; the
// last pattern that matches decides, and a pattern that matches a directory matches what is under
// it. The same approach as berthd's runtime-helper/src/image-build/dockerignore.ts, copied rather than
// imported: electron/ and runtime-helper/ are separate programs that share no code.
import { posix } from 'node:path';

interface Pattern { regex: RegExp; exclusion: boolean }

export class IgnoreMatcher {
  private readonly patterns: Pattern[] = [];

  constructor(lines: readonly string[]) {
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
    const parts = clean.split('/');
    const parents: string[] = [];
    for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join('/'));
    let ignored = false;
    for (const p of this.patterns) {
      if (p.exclusion !== ignored) continue; // only a pattern of the other kind can change the answer
      if (p.regex.test(clean) || parents.some((d) => p.regex.test(d))) ignored = !p.exclusion;
    }
    return ignored;
  }

  /** With no '!' pattern, an ignored directory can be skipped whole (nothing under it comes back). */
  get hasExclusions(): boolean { return this.patterns.some((p) => p.exclusion); }
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
      if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (ch === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else re += escapeRe(ch);
  }
  return new RegExp(`${re}$`);
}

const escapeRe = (s: string): string => s.replace(/[.*?+^${}()|[\]\\/]/g, '\\$&');
