// `docker info`'s NEventsListener counts API clients streaming GET /events, as dockerd does; the
// daemon's own subscribers (the seccomp cache cleanup, exec bookkeeping) are not listeners.
// Compared with a real dockerd: none open, two open, one closed again.
import { describe, expect, it } from 'vitest';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpRequest } from './support/berthd.js';
import { berthdBesideDockerd } from './support/engine-pair.js';

const pair = berthdBesideDockerd({ busybox: false });

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
    const counts: [number, number] = [await listeners(pair().berth.socket), await listeners(pair().dockerd.socket)];
    if ((counts[0] === expected && counts[1] === expected) || Date.now() > end) return counts;
    await sleep(50);
  }
}

describe('NEventsListener', () => {
  it('is what dockerd reports with no client streaming events (the daemon\'s own subscribers not counted)', async () => {
    const dockerd = await listeners(pair().dockerd.socket);
    expect(dockerd).toBe(0);
    expect(await listeners(pair().berth.socket)).toBe(dockerd);
  });

  it('counts open GET /events streams and forgets closed ones, as dockerd', async () => {
    const streams = [await openEvents(pair().berth.socket), await openEvents(pair().berth.socket), await openEvents(pair().dockerd.socket), await openEvents(pair().dockerd.socket)];
    expect(await bothSettleAt(2)).toEqual([2, 2]);
    streams[0]!.destroy();
    streams[2]!.destroy();
    expect(await bothSettleAt(1)).toEqual([1, 1]);
    streams[1]!.destroy();
    streams[3]!.destroy();
    expect(await bothSettleAt(0)).toEqual([0, 0]);
  });
});
