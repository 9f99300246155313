// attach with logs=1 after berthd was killed with -9 and started again: the container kept
// running under its shim, berthd reconnected to it, and the seam between the replayed log and
// the live output is still exact (berth-shim answers a mark request with the log's size and the
// unfinished lines it sent but has not logged; berthd keeps no byte counts of its own that a
// restart could lose). A line half written before the restart arrives whole, once; numbered
// lines written throughout come 1, 2, 3, ... to every client with no gap or repeat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBerthd, type Berthd } from './support/berthd.js';
import { removeContainersAndStop, runtimeArgs } from './support/berthd-suite.js';
import { checkSequence, demux } from './support/raw-attach.js';
import { busyboxImage } from '../../test-support/paths.js';

let berth: Berthd;
/** Every berthd this file started (the first one's data root is reused by the later ones). */
const stopped: Berthd[] = [];

beforeAll(async () => {
  berth = await startBerthd(runtimeArgs);
  await berth.docker(['import', busyboxImage().tar, 'busybox']);
}, 120_000);

afterAll(async () => {
  if (berth) await removeContainersAndStop(berth);
  for (const old of stopped) await old.stop();
}, 60_000);

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function killBerthdAndRestart(): Promise<void> {
  berth.child.kill('SIGKILL');
  await until('berthd to die', () => berth.child.exitCode !== null || berth.child.signalCode !== null);
  const restarted = await startBerthd([...runtimeArgs, '--data-root', berth.dataRoot]);
  stopped.push(berth);
  berth = { ...restarted, dataRoot: berth.dataRoot };
}

interface Attached { data(): Buffer; done: Promise<void>; close(): void }

/** A plain (not upgraded) attach: 200, then the stream until the daemon closes it. */
function attach(id: string, query: string): Promise<Attached> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const req = http.request({ socketPath: berth.socket, method: 'POST', path: `/containers/${id}/attach?${query}` }, (res) => {
      if (res.statusCode !== 200) { reject(new Error(`attach ${id}: status ${res.statusCode}`)); return; }
      const done = new Promise<void>((r) => { res.on('end', r); res.on('close', r); res.on('error', () => r()); });
      res.on('data', (c: Buffer) => chunks.push(c));
      resolve({ data: () => Buffer.concat(chunks), done, close: () => req.destroy() });
    });
    req.on('error', (e) => { if (!req.destroyed) reject(e); });
    req.end();
  });
}

const logPathOf = async (id: string): Promise<string> => (await berth.docker(['inspect', '--format', '{{.LogPath}}', id])).trim();
const sizeOf = (path: string): number => { try { return statSync(path).size; } catch { return 0; } };

describe('attach logs=1 after a berthd restart', () => {
  it('a line half written before the restart arrives whole and once', async () => {
    const id = (await berth.docker(['run', '-d', '--network', 'none', 'busybox', 'sh', '-c', "echo first; printf 'half a line'; sleep 8; echo ', then the rest'; sleep 1000"])).trim();
    const logPath = await logPathOf(id);
    await until('the first line in the log', () => sizeOf(logPath) > 0);
    await sleep(300); // 'half a line' was sent; the log has only 'first'
    await killBerthdAndRestart();
    expect(readFileSync(logPath, 'utf8')).not.toContain('half');
    const c = await attach(id, 'logs=1&stream=1&stdout=1&stderr=1');
    await until('the rest of the line', () => demux(c.data()).stdout.includes('rest'), 15_000);
    c.close();
    expect(demux(c.data()).stdout.toString()).toBe('first\nhalf a line, then the rest\n');
    await berth.docker(['rm', '-f', id]);
  }, 60_000);

  it('numbered lines written throughout reach every client attaching after the restart without a gap or repeat', async () => {
    // Odd lines in one write, even lines in two (number, then newline), so a line can be half in
    // the log and half on the wire; every 20th line also to stderr, numbered on its own.
    const script = 'i=0; j=0; while :; do i=$((i+1)); if [ $((i % 2)) -eq 0 ]; then printf %d $i; printf "\\n"; else echo $i; fi; '
      + 'if [ $((i % 20)) -eq 0 ]; then j=$((j+1)); echo $j >&2; usleep 2000; fi; done';
    const id = (await berth.docker(['run', '-d', '--network', 'none', 'busybox', 'sh', '-c', script])).trim();
    const logPath = await logPathOf(id);
    await until('some log', () => sizeOf(logPath) > 100_000);
    await killBerthdAndRestart();
    const clients: Attached[] = [];
    for (let n = 0; n < 6; n++) {
      clients.push(await attach(id, 'logs=1&stream=1&stdout=1&stderr=1'));
      await sleep(150);
    }
    const lastAttachAt = sizeOf(logPath);
    await sleep(500);
    await berth.docker(['kill', id]);
    await Promise.all(clients.map((c) => c.done));
    // The last client had live lines after its replay: the output still flowed.
    expect(sizeOf(logPath)).toBeGreaterThan(lastAttachAt);
    const logged = readFileSync(logPath, 'utf8').split('\n').filter((l) => l.includes('"stream":"stdout"') && l.includes('\\n"')).length;
    clients.forEach((c, n) => {
      const { stdout, stderr } = demux(c.data());
      expect(checkSequence(stdout.toString(), `client ${n} stdout`)).toBe(logged);
      checkSequence(stderr.toString(), `client ${n} stderr`);
    });
    await berth.docker(['rm', '-f', id]);
  }, 90_000);
});
