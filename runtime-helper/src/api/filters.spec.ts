import { describe, it, expect } from 'vitest';
import { parseFilters, boolFilter, matchLabels, globMatch } from './filters.js';

describe('filters', () => {
  it('reads both filter encodings and refuses unknown keys', () => {
    expect(parseFilters('{"dangling":{"true":true}}', ['dangling']).get('dangling')).toEqual(['true']);
    expect(parseFilters('{"label":["a=b","c"]}', ['label']).get('label')).toEqual(['a=b', 'c']);
    expect(() => parseFilters('{"colour":["red"]}', ['label'])).toThrow("Invalid filter 'colour'");
    expect(() => parseFilters('{bad', ['label'])).toThrow(/invalid filters/);
  });
  it('parses booleans strictly', () => {
    expect(boolFilter(parseFilters('{"dangling":["1"]}', ['dangling']), 'dangling')).toBe(true);
    expect(() => boolFilter(parseFilters('{"dangling":["maybe"]}', ['dangling']), 'dangling')).toThrow(/expected true or false/);
  });
  it('matches labels and globs like dockerd', () => {
    expect(matchLabels({ a: 'b', c: '' }, ['a=b', 'c'])).toBe(true);
    expect(matchLabels({ a: 'b' }, ['a=x'])).toBe(false);
    expect(globMatch('busy*', 'busybox')).toBe(true);
    expect(globMatch('*', 'library/busybox')).toBe(false);
    expect(globMatch('lib?ary/*', 'library/busybox')).toBe(true);
  });
});
