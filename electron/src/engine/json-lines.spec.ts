import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { onJsonLines } from './json-lines.js';

describe('onJsonLines', () => {
  it('joins lines split across chunks and skips blank and malformed ones', () => {
    const stream = new PassThrough();
    const values: unknown[] = [];
    onJsonLines(stream, (v) => values.push(v));
    stream.write('{"a":1}\n{"b"');
    stream.write(':2}\n\n not json \n');
    stream.write('[3]\n{"partial":');
    expect(values).toEqual([{ a: 1 }, { b: 2 }, [3]]);
  });
});
