// A fast process with piped stdin prints everything: `echo | docker run -i` (and `docker exec -i`)
// through the real docker CLI against a real berthd. The CLI sends its stdin and half-closes
// at once, so berthd writes stdin and close-stdin to the shim while the process is exiting; the
// shim used to close its attach socket with that input unread or before it arrived, and berthd's
// connection died on the reset (EPIPE) before it read the output frames already waiting in it:
// about every second run printed nothing, with exit code 0.
import { beforeAll, describe, expect, it } from 'vitest';
import { runDocker, type Berthd } from './support/berthd.js';
import { berthdWithBusybox } from './support/berthd-suite.js';

const berthd = berthdWithBusybox();
let b: Berthd;
beforeAll(() => { b = berthd(); });
const script = 'echo out; echo err >&2';


describe('piped stdin and a fast exit', () => {
  it('`echo | docker run -i --rm busybox sh -c ...` prints stdout and stderr, 20 times out of 20', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await runDocker(b.host, ['run', '-i', '--rm', '--network', 'none', 'busybox', 'sh', '-c', script], '\n');
      expect({ run: i, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ run: i, code: 0, stdout: 'out\n', stderr: 'err\n' });
    }
  }, 180_000);

  it('`echo | docker exec -i C sh -c ...` prints stdout and stderr, 20 times out of 20', async () => {
    await b.docker(['run', '-d', '--name', 'stdin-exit-exec', '--network', 'none', 'busybox', 'sleep', '600']);
    for (let i = 0; i < 20; i++) {
      const r = await runDocker(b.host, ['exec', '-i', 'stdin-exit-exec', 'sh', '-c', script], '\n');
      expect({ run: i, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ run: i, code: 0, stdout: 'out\n', stderr: 'err\n' });
    }
    await b.docker(['rm', '-f', 'stdin-exit-exec']);
  }, 180_000);
});
