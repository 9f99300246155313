// `docker logs --tail` side by side with a real dockerd 20.10 through the same docker CLI: tail
// counts the log file's lines before the stdout/stderr filter and before since/until (the first
// line after --until ends the read), --tail 0 / all / negative / not a number, and follow + tail.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import { runDocker, dockerCli } from './support/berthd.js';
import { berthdBesideDockerd, cliOk as ok, enginesOf, onBoth } from './support/engine-pair.js';

const pair = berthdBesideDockerd();
const engines = () => enginesOf(pair());
const both = (args: (host: string) => string[] | Promise<string[]>) => onBoth(pair(), args);

/** The raw logs endpoint, demultiplexed into "stream:line" entries. */
function apiLogs(socket: string, container: string, query: string): Promise<{ status: number; lines: string[] }> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath: socket, path: `/v1.41/containers/${container}/logs?${query}` }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const lines: string[] = [];
        for (let o = 0; o + 8 <= body.length;) {
          const len = body.readUInt32BE(o + 4);
          lines.push(`${body[o] === 1 ? 'out' : 'err'}:${body.subarray(o + 8, o + 8 + len).toString().trimEnd()}`);
          o += 8 + len;
        }
        resolve({ status: res.statusCode ?? 0, lines });
      });
    }).on('error', reject);
  });
}

/** The exact time of each log line, from `docker logs -t` (each engine has its own). */
async function lineTimes(host: string, container: string): Promise<Map<string, string>> {
  const r = await runDocker(host, ['logs', '-t', container]);
  const times = new Map<string, string>();
  for (const l of (r.stdout + r.stderr).split('\n').filter(Boolean)) {
    const [time, text] = l.split(' ');
    times.set(text!, time!);
  }
  return times;
}

/** An RFC 3339 time with up to 9 fraction digits (Go trims trailing zeros) as nanoseconds. */
function nanos(time: string): bigint {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(time);
  if (!m) throw new Error(`not an RFC 3339 UTC time: ${time}`);
  return BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

beforeAll(async () => {
  // Interleaved stdout and stderr, 12 lines, each a little apart so since/until can pick them.
  // Two pipes have no order between them: a monitor that gets no CPU for longer than the gap
  // reads a later stdout line before an earlier stderr one and logs them in that order (dockerd
  // as well). The comparisons need both logs in write order, so such a run is made again.
  await Promise.all(engines().map(async (e) => {
    for (let attempt = 1; ; attempt++) {
      await ok(e.host, ['run', '--name', 'inter', '--network', 'none', 'busybox', 'sh', '-c',
        'for i in 1 2 3 4 5 6; do echo out$i; sleep 0.1; echo err$i >&2; sleep 0.1; done']);
      const order = [...(await lineTimes(e.host, 'inter')).entries()].sort((a, b) => (nanos(a[1]) < nanos(b[1]) ? -1 : 1)).map(([line]) => line);
      if (order.join(' ') === 'out1 err1 out2 err2 out3 err3 out4 err4 out5 err5 out6 err6') return;
      if (attempt === 3) throw new Error(`${e.name}: the log is out of write order three runs in a row: ${order.join(' ')}`);
      await ok(e.host, ['rm', 'inter']);
    }
  }));
}, 180_000);

describe('docker logs --tail, berthd beside dockerd', () => {
  it('tail counts the lines of both streams; 0, all, negative and non-numeric tails', async () => {
    const seen: Record<string, string> = {};
    for (const tail of ['3', '1', '0', 'all', '12', '100', '-2', 'abc', '1.5', '+3', '']) {
      const r = await both(() => ['logs', '--tail', tail, 'inter']);
      expect(r.berthd.code, `--tail '${tail}'`).toBe(r.dockerd.code);
      expect(r.berthd.stdout, `--tail '${tail}' stdout`).toBe(r.dockerd.stdout);
      expect(r.berthd.stderr, `--tail '${tail}' stderr`).toBe(r.dockerd.stderr);
      seen[tail] = r.berthd.stdout + '|' + r.berthd.stderr;
    }
    // The cases differ from one another (the comparison above is not between two empty answers).
    expect(seen['3']).toBe('out6\n|err5\nerr6\n');
    expect(seen['0']).toBe('|');
    expect(seen['-2']).toBe(seen.all);
    expect(seen.all!.split('\n')).toHaveLength(13); // 6 + 6 lines and the '|' between
  });

  it('one stream asked for: tail still counts the other stream\'s lines (`2>/dev/null` and the API)', async () => {
    const cli = await both(() => ['logs', '--tail', '3', 'inter']);
    expect(cli.berthd.stdout).toBe(cli.dockerd.stdout);
    for (const query of ['stdout=1&tail=3', 'stderr=1&tail=3', 'stdout=1&tail=1', 'stderr=1&tail=1', 'stdout=1&stderr=1&tail=4', 'stdout=1&tail=-3', 'stdout=1&tail=x', 'stdout=1&tail=99999999999999999999', 'stdout=1&tail=%203', 'stdout=1&tail=0x3']) {
      const [b, d] = await Promise.all(engines().map((e) => apiLogs(e.socket, 'inter', query)));
      expect(b, query).toEqual(d);
    }
    expect((await apiLogs(pair().berth.socket, 'inter', 'stdout=1&tail=3')).lines).toEqual(['out:out6']);
    expect((await apiLogs(pair().berth.socket, 'inter', 'stderr=1&tail=1')).lines).toEqual(['err:err6']);
  });

  it('since and until apply after the tail: the first line past --until ends it', async () => {
    const times = new Map(await Promise.all(engines().map(async (e) => [e.host, await lineTimes(e.host, 'inter')] as const)));
    const at = (host: string, line: string): string => times.get(host)!.get(line)!;
    const cases: [string, (host: string) => string[]][] = [
      ['tail 6 since out4', (h) => ['logs', '--tail', '6', '--since', at(h, 'out4'), 'inter']],
      ['tail 2 since out2', (h) => ['logs', '--tail', '2', '--since', at(h, 'out2'), 'inter']],
      ['tail 10 since err3', (h) => ['logs', '--tail', '10', '--since', at(h, 'err3'), 'inter']],
      // The last 6 lines begin with out4: until out3 ends at once, with nothing.
      ['tail 6 until out3', (h) => ['logs', '--tail', '6', '--until', at(h, 'out3'), 'inter']],
      ['tail 6 until err5', (h) => ['logs', '--tail', '6', '--until', at(h, 'err5'), 'inter']],
      ['tail 8 since err3 until out6', (h) => ['logs', '--tail', '8', '--since', at(h, 'err3'), '--until', at(h, 'out6'), 'inter']],
      ['all until err2', (h) => ['logs', '--until', at(h, 'err2'), 'inter']],
    ];
    const got: Record<string, string> = {};
    for (const [name, args] of cases) {
      const r = await both(args);
      expect(r.berthd.code, name).toBe(0);
      expect(r.berthd.stdout, `${name} stdout`).toBe(r.dockerd.stdout);
      expect(r.berthd.stderr, `${name} stderr`).toBe(r.dockerd.stderr);
      got[name] = r.berthd.stdout + '|' + r.berthd.stderr;
    }
    expect(got['tail 6 until out3']).toBe('|');
    expect(got['tail 6 until err5']).toBe('out4\nout5\n|err4\nerr5\n');
    expect(got['all until err2']).toBe('out1\nout2\n|err1\nerr2\n');
  });

  it('follow with a tail: the last N lines, then new ones until the container exits', async () => {
    const script = 'for i in 1 2 3 4 5; do echo a$i; done; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo b1; echo b2 >&2; sleep 0.2; echo b3';
    await Promise.all(engines().map((e) => ok(e.host, ['run', '-d', '--name', 'fol', '--network', 'none', 'busybox', 'sh', '-c', script])));
    for (const e of engines()) {
      for (let i = 0; i < 100 && !(await ok(e.host, ['logs', 'fol'])).includes('a5'); i++) await sleep(50);
    }
    const follow = (host: string, tail: string): Promise<{ stdout: string; stderr: string; code: number | null }> => new Promise((resolve) => {
      const child = spawn(dockerCli, ['logs', '-f', '--tail', tail, 'fol'], { env: { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: join(tmpdir(), 'berth-test-docker-config') } });
      let stdout = ''; let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      const timer = setTimeout(() => child.kill(), 20_000);
      child.on('close', (code) => { clearTimeout(timer); resolve({ stdout, stderr, code }); });
    });
    const followers = engines().flatMap((e) => ['2', '0', 'all'].map((tail) => ({ engine: e.name, tail, done: follow(e.host, tail) })));
    await sleep(1000); // the followers have read the history and wait for more
    await Promise.all(engines().map((e) => ok(e.host, ['exec', 'fol', 'touch', '/tmp/go'])));
    const results = await Promise.all(followers.map(async (f) => ({ ...f, r: await f.done })));
    const of = (engine: string, tail: string) => results.find((x) => x.engine === engine && x.tail === tail)!.r;
    for (const tail of ['2', '0', 'all']) {
      expect(of('berthd', tail).code, `-f --tail ${tail} ends with the container`).toBe(0);
      expect(of('berthd', tail).stdout, `-f --tail ${tail}`).toBe(of('dockerd', tail).stdout);
      expect(of('berthd', tail).stderr, `-f --tail ${tail}`).toBe(of('dockerd', tail).stderr);
    }
    expect(of('berthd', '2').stdout).toBe('a4\na5\nb1\nb3\n');
    expect(of('berthd', '0').stdout).toBe('b1\nb3\n');
    expect(of('berthd', '0').stderr).toBe('b2\n');
  });
});
