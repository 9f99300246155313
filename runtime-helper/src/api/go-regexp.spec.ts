import { describe, expect, it } from 'vitest';
import { goRegExp } from './go-regexp.js';

const matches = (pattern: string, text: string): boolean | undefined => goRegExp(pattern)?.test(text);

describe('goRegExp', () => {
  it('gives no expression where Go refuses the pattern (dockerd then matches nothing)', () => {
    for (const p of ['[', 'a(', '*x', '(?=a)', 'a(?!b)', '(a)\\1']) expect(goRegExp(p), p).toBeUndefined();
    // Go takes (?U) (ungreedy), JavaScript has no form of it: it matches nothing here.
    expect(goRegExp('(?U)a+')).toBeUndefined();
  });

  it('keeps RE2 syntax JavaScript spells otherwise', () => {
    expect(matches('(?i)^WEB', 'web1')).toBe(true);
    expect(matches('^(?P<n>ls)[0-9]', 'ls1')).toBe(true);
    expect(matches('[[:digit:]]$', 'c7')).toBe(true);
    expect(matches('[[:digit:]]$', 'c')).toBe(false);
    expect(matches('\\Qa.b\\E', 'a.b')).toBe(true);
    expect(matches('\\Qa.b\\E', 'axb')).toBe(false);
    expect(matches('\\Aab\\z', 'ab')).toBe(true);
    expect(matches('\\Aab\\z', 'abc')).toBe(false);
    expect(matches('^ls', '/ls1')).toBe(false);
    expect(matches('v.l', 'vol1')).toBe(true);
  });
});
