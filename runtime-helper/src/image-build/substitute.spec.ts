import { describe, expect, it } from 'vitest';
import { expandWord } from './substitute.js';

const vars = new Map([['A', 'one'], ['EMPTY', ''], ['P', '/usr/bin']]);

describe('Dockerfile variable substitution', () => {
  it('$VAR and ${VAR}; unset is empty', () => {
    expect(expandWord('$A-${A}x', vars)).toBe('one-onex');
    expect(expandWord('$NOPE/z', vars)).toBe('/z');
    expect(expandWord('${P}:/bin', vars)).toBe('/usr/bin:/bin');
  });
  it('${VAR:-default} and ${VAR:+alt}', () => {
    expect(expandWord('${NOPE:-dflt}', vars)).toBe('dflt');
    expect(expandWord('${EMPTY:-dflt}', vars)).toBe('dflt');
    expect(expandWord('${A:-dflt}', vars)).toBe('one');
    expect(expandWord('${A:+alt}', vars)).toBe('alt');
    expect(expandWord('${NOPE:+alt}', vars)).toBe('');
    expect(expandWord('${NOPE:-$A}', vars)).toBe('one');
  });
  it('quotes and escapes', () => {
    expect(expandWord("'$A'", vars)).toBe('$A');
    expect(expandWord('"$A b"', vars)).toBe('one b');
    expect(expandWord('\\$A', vars)).toBe('$A');
    expect(expandWord('"a\\"b\\n"', vars)).toBe('a"b\\n');
    expect(expandWord('`$A', vars, '`')).toBe('$A');
  });
  it('refuses what it cannot read, naming the word', () => {
    expect(() => expandWord('${A', vars)).toThrow(/failed to process "\$\{A": missing '}'/);
    expect(() => expandWord('"open', vars)).toThrow(/double-quote/);
    expect(() => expandWord('${1bad}', vars)).toThrow(/bad substitution/);
  });
});
