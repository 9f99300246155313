import { describe, it, expect } from 'vitest';
import { bytesProgress, humanSize, progressBar, shortId, status } from './progress.js';
import { Semaphore } from './semaphore.js';
import { TokenCache } from './auth.js';

describe('progress messages', () => {
  it('have the shape the docker CLI draws', () => {
    expect(bytesProgress('Downloading', 'abc', 5, 10)).toEqual({ status: 'Downloading', progressDetail: { current: 5, total: 10 }, progress: progressBar(5, 10), id: 'abc' });
    expect(status('Pull complete', 'abc')).toEqual({ status: 'Pull complete', progressDetail: {}, id: 'abc' });
    expect(status('Digest: sha256:x')).toEqual({ status: 'Digest: sha256:x' });
    expect(shortId(`sha256:${'0123456789ab'.repeat(5)}abcd`)).toBe('0123456789ab');
  });

  it('print sizes and bars like docker', () => {
    expect(humanSize(999)).toBe('999B');
    expect(humanSize(1_234_567)).toBe('1.23MB');
    expect(humanSize(45_600_000)).toBe('45.6MB');
    expect(progressBar(0, 100)).toMatch(/^\[ {50}\] 0B\/100B$/);
    expect(progressBar(100, 100)).toMatch(/^\[={49}>\] 100B\/100B$/);
  });
});

describe('semaphore', () => {
  it('lets at most N holders in, in order', async () => {
    const s = new Semaphore(2);
    const order: string[] = [];
    const r1 = await s.acquire();
    const r2 = await s.acquire();
    expect(s.busy).toBe(true);
    const third = s.acquire().then((r) => { order.push('third'); return r; });
    order.push('before release');
    r1();
    (await third)();
    r2();
    expect(order).toEqual(['before release', 'third']);
    expect(s.busy).toBe(false);
  });
});

describe('token cache', () => {
  it('keeps tokens until shortly before they expire', () => {
    const c = new TokenCache();
    c.set('k', 'tok', 300);
    expect(c.get('k')).toBe('tok');
    c.set('short', 'tok2', 1);
    expect(c.get('short')).toBe('tok2'); // at least 5 s, even when the server says less
    c.set('gone', 'tok3', -100);
    expect(c.get('missing')).toBeUndefined();
  });
});
