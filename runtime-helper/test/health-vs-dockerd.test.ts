// Health checks (--health-* and an image's HEALTHCHECK) on berthd beside a real dockerd: the
// status a person sees in `docker ps` as it moves, inspect's State.Health, the health filter,
// the events, a probe that times out, the start period, the settings' errors, and a berthd
// restart in the middle.
import { describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBerthd } from './support/berthd.js';
import { berthdBesideDockerd, cliOk, enginesOf, onBoth, type Engine } from './support/engine-pair.js';
import { busyboxImage } from '../../test-support/paths.js';

const pair = berthdBesideDockerd();

interface Health { Status: string; FailingStreak: number; Log: { Start: string; End: string; ExitCode: number; Output: string }[] }

async function health(e: Engine, id: string): Promise<Health | null> {
  return JSON.parse(await cliOk(e.host, ['inspect', '-f', '{{json .State.Health}}', id])) as Health | null;
}

/** Polls until the container's health status is `want` (probes run every second here). */
async function waitForStatus(e: Engine, id: string, want: string): Promise<Health> {
  for (let i = 0; i < 100; i++) {
    const h = await health(e, id);
    if (h?.Status === want) return h;
    await sleep(100);
  }
  throw new Error(`${e.name}: ${id} never became ${want}: ${JSON.stringify(await health(e, id))}`);
}

const psStatus = async (e: Engine, id: string): Promise<string> => (await cliOk(e.host, ['ps', '--filter', `id=${id}`, '--format', '{{.Status}}'])).trim().replace(/^Up [^(]*/, 'Up ');

describe('health checks, as dockerd runs them', () => {
  it('goes starting, unhealthy after the retries, healthy at the first success; ps, the filter and the events show it', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    for (const e of enginesOf(pair())) {
      const id = (await cliOk(e.host, ['run', '-d', '--pull', 'never', '--network', 'none', '--health-cmd', 'echo probing; test -f /tmp/ok', '--health-interval', '1s', '--health-retries', '2', 'busybox', 'sleep', '300'])).trim();
      expect(await psStatus(e, id), e.name).toBe('Up (health: starting)');
      const bad = await waitForStatus(e, id, 'unhealthy');
      expect(bad.FailingStreak).toBeGreaterThanOrEqual(2);
      expect(bad.Log.at(-1)).toMatchObject({ ExitCode: 1, Output: 'probing\n' });
      expect(await psStatus(e, id)).toBe('Up (unhealthy)');
      expect((await cliOk(e.host, ['ps', '-q', '--no-trunc', '--filter', 'health=unhealthy'])).trim()).toBe(id);
      await cliOk(e.host, ['exec', id, 'touch', '/tmp/ok']);
      const good = await waitForStatus(e, id, 'healthy');
      expect(good.FailingStreak).toBe(0);
      expect(good.Log.length).toBeLessThanOrEqual(5);
      expect(Object.keys(good.Log[0]!).sort()).toEqual(['End', 'ExitCode', 'Output', 'Start']);
      expect(await psStatus(e, id)).toBe('Up (healthy)');
      expect((await cliOk(e.host, ['ps', '-q', '--no-trunc', '--filter', 'health=healthy'])).trim()).toBe(id);
      expect((await cliOk(e.host, ['ps', '-q', '--no-trunc', '--filter', 'health=none'])).trim()).toBe('');
      const events = await cliOk(e.host, ['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000)), '--filter', `container=${id}`, '--filter', 'event=health_status', '--format', '{{.Action}}']);
      expect(events.trim().split('\n'), e.name).toEqual(['health_status: unhealthy', 'health_status: healthy']);
      await cliOk(e.host, ['rm', '-f', id]);
    }
  }, 60_000);

  it('fails a probe over its timeout with exit code -1, and ignores failures in the start period', async () => {
    const results: Record<string, Health> = {};
    for (const e of enginesOf(pair())) {
      const id = (await cliOk(e.host, ['run', '-d', '--pull', 'never', '--network', 'none', '--health-cmd', 'sleep 5', '--health-interval', '1s', '--health-timeout', '300ms', '--health-retries', '1', '--health-start-period', '2s', 'busybox', 'sleep', '300'])).trim();
      await sleep(1500); // one probe, in the start period: it fails and does not count
      const early = await health(e, id);
      expect(early?.Status, e.name).toBe('starting');
      expect(early?.FailingStreak).toBe(0);
      results[e.name] = await waitForStatus(e, id, 'unhealthy');
      await cliOk(e.host, ['rm', '-f', id]);
    }
    for (const h of Object.values(results)) expect(h.Log.at(-1)).toMatchObject({ ExitCode: -1, Output: 'Health check exceeded timeout (300ms)' });
  }, 60_000);

  it("takes the image's HEALTHCHECK, merged with the run's flags; --no-healthcheck turns it off", async () => {
    const { tar } = busyboxImage();
    await Promise.all(enginesOf(pair()).map((e) => cliOk(e.host, ['import', '-c', 'HEALTHCHECK --interval=1s --retries=7 CMD ["true"]', tar, 'hc-image'])));
    const merged = await onBoth(pair(), ['run', '--rm', '--pull', 'never', '--network', 'none', '--health-retries', '2', 'hc-image', 'true']);
    expect(merged.berthd.code).toBe(0);
    for (const e of enginesOf(pair())) {
      const id = (await cliOk(e.host, ['create', '--pull', 'never', '--network', 'none', '--health-retries', '2', 'hc-image', 'sleep', '300'])).trim();
      expect(JSON.parse(await cliOk(e.host, ['inspect', '-f', '{{json .Config.Healthcheck}}', id])), e.name).toEqual({ Test: ['CMD', 'true'], Interval: 1_000_000_000, Retries: 2 });
      await cliOk(e.host, ['start', id]);
      await waitForStatus(e, id, 'healthy');
      const off = (await cliOk(e.host, ['run', '-d', '--pull', 'never', '--network', 'none', '--no-healthcheck', 'hc-image', 'sleep', '300'])).trim();
      await sleep(1500);
      expect(await health(e, off), e.name).toBeNull();
      expect(await psStatus(e, off)).toBe('Up ');
      await cliOk(e.host, ['rm', '-f', id, off]);
      await cliOk(e.host, ['rmi', 'hc-image']);
    }
  }, 60_000);

  it('refuses bad settings with the same errors', async () => {
    for (const flags of [['--health-interval', '500us'], ['--health-timeout', '10us'], ['--health-start-period', '1ns']]) {
      const r = await onBoth(pair(), ['run', '--rm', '--pull', 'never', '--network', 'none', '--health-cmd', 'true', ...flags, 'busybox', 'true']);
      expect(r.berthd.code, flags.join(' ')).toBe(r.dockerd.code);
      expect(r.berthd.stderr.split('\n')[0], flags.join(' ')).toBe(r.dockerd.stderr.split('\n')[0]);
    }
  });

  it('keeps checking across a berthd restart (kill -9), with the status it had', async () => {
    const p = pair();
    const id = (await cliOk(p.berth.host, ['run', '-d', '--pull', 'never', '--network', 'none', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '1s', '--health-retries', '1', 'busybox', 'sleep', '300'])).trim();
    const berthd = (): Engine => enginesOf(pair()).find((e) => e.name === 'berthd')!;
    await waitForStatus(berthd(), id, 'unhealthy');
    p.berth.child.kill('SIGKILL');
    for (let i = 0; i < 100 && p.berth.child.exitCode === null && p.berth.child.signalCode === null; i++) await sleep(50);
    const restarted = await startBerthd(['--data-root', p.berth.dataRoot]);
    const old = p.berth;
    p.berth = { ...restarted, stop: async () => { const c = await restarted.stop(); rmSync(old.dir, { recursive: true, force: true }); return c; } };
    expect((await health(berthd(), id))?.Status).toBe('unhealthy');
    await cliOk(p.berth.host, ['exec', id, 'touch', '/tmp/ok']);
    await waitForStatus(berthd(), id, 'healthy');
    await cliOk(p.berth.host, ['rm', '-f', id]);
  }, 60_000);
});
