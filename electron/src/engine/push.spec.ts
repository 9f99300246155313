import { describe, expect, it } from 'vitest';
import { splitTag } from './push.js';

describe('splitTag', () => {
  it('takes the tag after the last slash, not a registry port', () => {
    expect(splitTag('127.0.0.1:5000/e2e/busybox:1.0')).toEqual({ name: '127.0.0.1:5000/e2e/busybox', tag: '1.0' });
    expect(splitTag('127.0.0.1:5000/e2e/busybox')).toEqual({ name: '127.0.0.1:5000/e2e/busybox', tag: 'latest' });
    expect(splitTag('busybox:test')).toEqual({ name: 'busybox', tag: 'test' });
  });
});
