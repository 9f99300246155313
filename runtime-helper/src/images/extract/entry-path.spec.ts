import { describe, it, expect } from 'vitest';
import { entryComponents } from './entry-path.js';

describe('entryComponents', () => {
  it('normalises relative names', () => {
    expect(entryComponents('./usr//bin/')).toEqual(['usr', 'bin']);
    expect(entryComponents('.')).toEqual([]);
  });
  it('refuses escapes instead of rewriting them', () => {
    expect(() => entryComponents('../etc/passwd')).toThrow(/escapes the layer root/);
    expect(() => entryComponents('a/../../b')).toThrow(/escapes the layer root/);
    expect(() => entryComponents('/etc/passwd')).toThrow(/is absolute/);
    expect(() => entryComponents('a\0b')).toThrow(/NUL/);
  });
});
