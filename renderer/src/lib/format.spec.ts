// Human formatting: sizes with binary units, counts with their noun, short IDs, ages.
import { describe, expect, it } from 'vitest';
import { ago, bytes, plural, shortId } from './format';

describe('format', () => {
  it('counts with the noun in the right number', () => {
    expect(plural(1, 'image')).toBe('1 image');
    expect(plural(0, 'image')).toBe('0 images');
    expect(plural(2, 'unused image')).toBe('2 unused images');
    expect(plural(3, 'process', 'processes')).toBe('3 processes');
  });

  it('sizes in binary units, a missing one as a dash', () => {
    expect(bytes(0)).toBe('0 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(bytes(64 * 1024 * 1024)).toBe('64 MiB');
    expect(bytes(undefined)).toBe('—');
  });

  it('short IDs without the digest prefix, ages in the largest whole unit', () => {
    expect(shortId('sha256:97dc28ffd3d2aaaaaaaa')).toBe('97dc28ffd3d2');
    const now = Date.now() / 1000;
    expect(ago(now - 30)).toBe('30 s ago');
    expect(ago(now - 7200)).toBe('2 h ago');
  });
});
