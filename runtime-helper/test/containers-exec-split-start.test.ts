// An exec start whose JSON body reaches berthd in a later read than its headers (a loaded machine
// splits the docker CLI's request so) must still pass stdin to the process. berthd once read such
// a body by pausing the upgraded socket between reads and never resumed it: the exec ran, its
// output came, and every key typed into `docker exec -it` was lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBerthd, type Berthd } from './support/berthd.js';
import { busyboxImage } from '../../test-support/paths.js';

let b: Berthd;

beforeAll(async () => {
  b = await startBerthd();
  await b.docker(['import', busyboxImage().tar, 'busybox']);
  await b.docker(['run', '-d', '--name', 'split', '--network', 'none', 'busybox', 'sleep', '300']);
});

afterAll(async () => {
  if (!b) return;
  await b.dockerResult(['rm', '-f', 'split']);
  await b.stop();
});

/** Collects what the socket receives; `until` waits for a text in it. */
function reader(s: Socket): { text: () => string; until: (t: string, ms?: number) => Promise<void> } {
  let got = Buffer.alloc(0);
  s.on('data', (d: Buffer) => { got = Buffer.concat([got, d]); });
  return {
    text: () => got.toString('latin1'),
    async until(t, ms = 10_000) {
      for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (got.toString('latin1').includes(t)) return;
      throw new Error(`'${t}' not received within ${ms} ms; got ${JSON.stringify(got.toString('latin1'))}`);
    },
  };
}

describe('exec start with its body in a later read', () => {
  for (const tty of [false, true]) {
    it(`passes stdin to the process (${tty ? 'tty' : 'no tty'})`, async () => {
      const create = await b.request('POST', '/containers/split/exec', JSON.stringify({
        AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: tty, Cmd: ['sh', '-c', 'read line; echo "got-$line"'],
      }), { 'Content-Type': 'application/json' });
      expect(create.status).toBe(201);
      const id = (JSON.parse(create.body) as { Id: string }).Id;
      const body = JSON.stringify({ Detach: false, Tty: tty });
      const s = connect(b.socket);
      await new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject); });
      const r = reader(s);
      s.write(`POST /v1.45/exec/${id}/start HTTP/1.1\r\nHost: berthd\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
      await sleep(200); // berthd has read the headers alone and waits for the body
      s.write(body);
      await r.until('101 UPGRADED');
      s.write('hello-split\n');
      await r.until('got-hello-split');
      s.destroy();
    });
  }
});
