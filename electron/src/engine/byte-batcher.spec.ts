import { describe, expect, it } from 'vitest';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { ByteBatcher } from './byte-batcher.js';

describe('terminal byte batcher', () => {
  it('sends a chunk after a quiet spell in the same turn, with the chunks of that turn', async () => {
    const sent: string[] = [];
    const b = new ByteBatcher((x) => sent.push(x.toString()), 1024, 50);
    b.push(Buffer.from('ab'));
    b.push(Buffer.from('cd'));
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual(['abcd']);
  });

  it('gathers what follows a send for the window, then sends it as one message', async () => {
    const sent: string[] = [];
    const b = new ByteBatcher((x) => sent.push(x.toString()), 1024, 30);
    b.push(Buffer.from('echo'));
    await nextTurn();
    for (const c of ['a', 'b', 'c']) { b.push(Buffer.from(c)); await nextTurn(); }
    expect(sent).toEqual(['echo']);
    await sleep(40);
    expect(sent).toEqual(['echo', 'abc']);
    await sleep(40); // quiet again: the next chunk goes at once
    b.push(Buffer.from('x'));
    await nextTurn();
    expect(sent).toEqual(['echo', 'abc', 'x']);
  });

  it('sends at once when the batch reaches its size', () => {
    const sent: number[] = [];
    const b = new ByteBatcher((x) => sent.push(x.length), 10, 30);
    for (let i = 0; i < 5; i++) b.push(Buffer.alloc(4));
    expect(sent).toEqual([12]);
  });

  it('flushes before what must follow the bytes, and discards on close', async () => {
    const sent: string[] = [];
    const b = new ByteBatcher((x) => sent.push(x.toString()), 1024, 30);
    b.push(Buffer.from('last words'));
    b.flush();
    sent.push('exit 0');
    b.push(Buffer.from('dropped'));
    b.discard();
    await sleep(40);
    expect(sent).toEqual(['last words', 'exit 0']);
  });
});
