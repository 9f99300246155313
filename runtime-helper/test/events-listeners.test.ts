// `docker info`'s NEventsListener counts API clients streaming GET /events, as dockerd does; the
// daemon's own subscribers (the seccomp cache cleanup, exec bookkeeping) are not listeners.
// Compared with a real dockerd: none open, two open, one closed again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBerthd, httpRequest, type Berthd } from './support/berthd.js';
import { startDockerd, type Dockerd } from '../../test-support/dockerd.js';

let b: Berthd;
let d: Dockerd;

beforeAll(async () => {
  [b, d] = await Promise.all([startBerthd(), startDockerd()]);
}, 120_000);

afterAll(async () => {
  await Promise.all([b?.stop(), d?.stop()]);
});

async function listeners(socket: string): Promise<number> {
  const r = await httpRequest(socket, 'GET', '/info');
  expect(r.status).toBe(200);
  return (JSON.parse(r.body) as { NEventsListener: number }).NEventsListener;
}

/** Opens GET /events and resolves once the daemon answered with its headers. */
function openEvents(socket: string): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, method: 'GET', path: '/events' }, (res) => {
      expect(res.statusCode).toBe(200);
      res.on('data', () => {});
      res.on('error', () => {});
      resolve(req);
    });
    req.on('error', (e) => { if (!req.destroyed) reject(e); });
    req.end();
  });
}

/** Both daemons' counts once they settled (a closed stream is noticed asynchronously). */
async function bothSettleAt(expected: number): Promise<[number, number]> {
  const end = Date.now() + 10_000;
  for (;;) {
    const counts: [number, number] = [await listeners(b.socket), await listeners(d.socket)];
    if ((counts[0] === expected && counts[1] === expected) || Date.now() > end) return counts;
    await sleep(50);
  }
}

describe('NEventsListener', () => {
  it('is what dockerd reports with no client streaming events (the daemon\'s own subscribers not counted)', async () => {
    const dockerd = await listeners(d.socket);
    expect(dockerd).toBe(0);
    expect(await listeners(b.socket)).toBe(dockerd);
  });

  it('counts open GET /events streams and forgets closed ones, as dockerd', async () => {
    const streams = [await openEvents(b.socket), await openEvents(b.socket), await openEvents(d.socket), await openEvents(d.socket)];
    expect(await bothSettleAt(2)).toEqual([2, 2]);
    streams[0]!.destroy();
    streams[2]!.destroy();
    expect(await bothSettleAt(1)).toEqual([1, 1]);
    streams[1]!.destroy();
    streams[3]!.destroy();
    expect(await bothSettleAt(0)).toEqual([0, 0]);
  });
});
