// The same docker CLI commands against berthd and a real dockerd: exit codes, output, the shape
// of inspect, ps status text, diff, and the error messages of bad requests must match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerthd, runDocker, type Berthd } from './support/berthd.js';
import { startDockerd, type Dockerd } from '../../test-support/dockerd.js';
import { busyboxImage } from '../../test-support/paths.js';

let berth: Berthd;
let dockerd: Dockerd;

/** Runs the same command on both engines. */
async function both(args: string[], input?: string) {
  const [a, b] = await Promise.all([runDocker(berth.host, args, input), runDocker(dockerd.host, args, input)]);
  return { berth: a, docker: b };
}

/** Error text with container IDs and names masked, so two engines can be compared. */
const mask = (s: string): string => s.replace(/[0-9a-f]{64}/g, '<id>').replace(/[0-9a-f]{12}/g, '<id>').replace(/^time=.*\n/gm, '').trim();

beforeAll(async () => {
  const { tar } = busyboxImage();
  [berth, dockerd] = await Promise.all([startBerthd(), startDockerd()]);
  await Promise.all([runDocker(berth.host, ['import', tar, 'busybox']), runDocker(dockerd.host, ['import', tar, 'busybox'])]);
}, 180_000);

afterAll(async () => {
  // berthd leaves containers running when it stops (they outlive it): remove them first.
  if (berth) {
    const ids = (await runDocker(berth.host, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await runDocker(berth.host, ['rm', '-f', ...ids]);
  }
  await Promise.all([berth?.stop(), dockerd?.stop()]);
});

describe('berthd and dockerd give the same answers', () => {
  it('exit codes of run, including a missing command', async () => {
    for (const args of [['sh', '-c', 'exit 3'], ['true'], ['no-such-command'], ['/no/such/path']]) {
      const r = await both(['run', '--rm', '--network', 'none', 'busybox', ...args]);
      expect(r.berth.code, args.join(' ')).toBe(r.docker.code);
    }
  });

  it('stdout, stderr and stdin of run', async () => {
    const r = await both(['run', '--rm', '-i', '--network', 'none', 'busybox', 'sh', '-c', 'cat; echo err >&2; echo out'], 'piped\n');
    expect(r.berth.stdout).toBe(r.docker.stdout);
    expect(r.berth.stderr).toBe(r.docker.stderr);
  });

  it('logs with tail and stream separation, inspect State keys, ps status, diff', async () => {
    await both(['run', '--name', 'cmp1', '--network', 'none', 'busybox', 'sh', '-c', 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three; touch /tmp/f; rm /etc/group; exit 5']);
    const logs = await both(['logs', '--tail', '2', 'cmp1']);
    expect(logs.berth.stdout).toBe(logs.docker.stdout);
    expect(logs.berth.stderr).toBe(logs.docker.stderr);
    const state = await both(['inspect', '-f', '{{json .State}}', 'cmp1']);
    const sb = JSON.parse(state.berth.stdout);
    const sd = JSON.parse(state.docker.stdout);
    for (const key of ['Status', 'Running', 'Paused', 'Restarting', 'OOMKilled', 'Dead', 'Pid', 'ExitCode', 'Error']) expect(sb[key], key).toEqual(sd[key]);
    for (const key of Object.keys(sd)) if (key !== 'Health') expect(Object.keys(sb)).toContain(key);
    const ps = await both(['ps', '-a', '--filter', 'name=cmp1', '--format', '{{.Status}}']);
    expect(ps.berth.stdout.replace(/\d+ seconds?|Less than a second/, 'N')).toBe(ps.docker.stdout.replace(/\d+ seconds?|Less than a second/, 'N'));
    const diff = await both(['diff', 'cmp1']);
    expect(diff.berth.stdout.split('\n').sort()).toEqual(diff.docker.stdout.split('\n').sort());
  });

  it('the same errors for bad requests', async () => {
    await both(['run', '-d', '--name', 'cmp2', '--network', 'none', 'busybox', 'sleep', '300']);
    for (const args of [
      ['rm', 'cmp2'],
      ['start', 'no-such-container'],
      ['inspect', 'no-such-container'],
      ['kill', 'cmp1'],
      ['exec', 'cmp1', 'true'],
      ['volume', 'create', 'bad/name'],
      ['pause', 'cmp1'],
      ['unpause', 'cmp2'],
      ['rename', 'cmp2', 'cmp1'],
    ]) {
      const r = await both(args);
      expect(r.berth.code, args.join(' ')).toBe(r.docker.code);
      expect(mask(r.berth.stderr), args.join(' ')).toBe(mask(r.docker.stderr));
    }
  });

  it('refuses out-of-range resources (berthd names the range before the runtime runs)', async () => {
    const r = await both(['run', '--rm', '--cpu-shares', '1', '--network', 'none', 'busybox', 'true']);
    expect(r.berth.code).toBe(r.docker.code);
    expect(r.berth.stderr).toMatch(/invalid CPU shares 1: allowed range is 2 to 262144/);
    expect(r.docker.stderr).toMatch(/minimum allowed cpu-shares is 2/);
  });

  it('top titles and exec output', async () => {
    const top = await both(['top', 'cmp2']);
    expect(top.berth.stdout.split('\n')[0]!.split(/\s+/)).toEqual(top.docker.stdout.split('\n')[0]!.split(/\s+/));
    const ex = await both(['exec', '-u', 'nobody', '-w', '/tmp', 'cmp2', 'sh', '-c', 'id; pwd; exit 4']);
    expect(ex.berth.stdout).toBe(ex.docker.stdout);
    expect(ex.berth.code).toBe(ex.docker.code);
  });
});
