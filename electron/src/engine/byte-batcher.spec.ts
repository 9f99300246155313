import { describe, expect, it } from 'vitest';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ByteBatcher } from './byte-batcher.js';

describe('terminal byte batcher', () => {
  it('sends the chunks of one event-loop turn as one message, in order', async () => {
    const sent: string[] = [];
    const b = new ByteBatcher((x) => sent.push(x.toString()), 1024);
    b.push(Buffer.from('ab'));
    b.push(Buffer.from('cd'));
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual(['abcd']);
    b.push(Buffer.from('e'));
    await nextTurn();
    expect(sent).toEqual(['abcd', 'e']);
  });

  it('sends at once when the batch reaches its size, and the rest at the turn', async () => {
    const sent: number[] = [];
    const b = new ByteBatcher((x) => sent.push(x.length), 10);
    for (let i = 0; i < 5; i++) b.push(Buffer.alloc(4));
    expect(sent).toEqual([12]);
    await nextTurn();
    expect(sent).toEqual([12, 8]);
  });

  it('flushes before what must follow the bytes, and discards on close', async () => {
    const sent: string[] = [];
    const b = new ByteBatcher((x) => sent.push(x.toString()), 1024);
    b.push(Buffer.from('last words'));
    b.flush();
    sent.push('exit 0');
    b.push(Buffer.from('dropped'));
    b.discard();
    await nextTurn();
    expect(sent).toEqual(['last words', 'exit 0']);
  });
});
