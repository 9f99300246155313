// berth-shim after an idle trim (src/shim/trim.h): once its loop has been idle a while, the shim
// drops its text, read-only data, dead stack and scratch buffers with MADV_DONTNEED and blocks.
// What it dropped must come back intact: output, input, resize and the exit record after a trim.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AttachClient,
  cleanedAfterEach,
  FRAME,
  makeShimBundle,
  readLog,
  runtime,
  startShim,
  waitFor,
  waitForExit,
  type ShimBundle,
  type ShimBundleOptions,
} from './shim-harness.js';

const { bundles, clients } = cleanedAfterEach();

function bundle(opts: ShimBundleOptions): ShimBundle {
  const b = makeShimBundle(opts);
  bundles.push(b);
  return b;
}

/** Resident and total kB of the shim binary's executable mapping, from /proc/PID/smaps (the binary
 * may have been rebuilt meanwhile: then its path ends in ' (deleted)'). */
function shimText(pid: number): { rss: number; size: number } {
  const smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const m = /^[0-9a-f]+-[0-9a-f]+ r-xp [^\n]*\/berth-shim(?: \(deleted\))?\n(?:[^\n]*\n)*?Size:\s+(\d+) kB\n(?:[^\n]*\n)*?Rss:\s+(\d+) kB/m.exec(smaps);
  if (!m) throw new Error(`no r-xp berth-shim mapping in /proc/${pid}/smaps`);
  return { size: Number(m[1]), rss: Number(m[2]) };
}

/** Waits until the shim's text is (nearly) all dropped: it is blocked in its idle wait. */
async function trimmed(pid: number): Promise<void> {
  await waitFor(`shim ${pid} trimmed (text ${JSON.stringify(shimText(pid))})`, () => {
    const t = shimText(pid);
    return t.rss * 8 < t.size;
  }, 10_000);
}

describe('berth-shim: idle trim', () => {
  it('relays output and input, logs and records the exit after each trim (pipes)', async () => {
    const b = bundle({ args: ['sh', '-c', 'while read l; do echo "got $l"; echo "err $l" >&2; done; echo stdin-closed; exit 3'] });
    const started = await startShim(b, ['--stdin']);
    const c = await AttachClient.connect(b);
    clients.push(c);
    runtime(['start', b.id]);
    for (const word of ['one', 'two', 'three']) {
      await trimmed(started.shimPid);
      c.write(`${word}\n`);
      await c.waitForText(new RegExp(`got ${word}\\n`));
      await c.waitForText(new RegExp(`err ${word}\\n`), FRAME.stderr);
    }
    await trimmed(started.shimPid);
    c.send(FRAME.closeStdin);
    await c.waitForText(/stdin-closed\n/);
    const exit = await waitForExit(b);
    expect(exit).toMatchObject({ exitCode: 3, signal: null, oomKilled: false, pid: started.pid });
    expect(c.text()).toBe('got one\ngot two\ngot three\nstdin-closed\n');
    expect(c.text(FRAME.stderr)).toBe('err one\nerr two\nerr three\n');
    const lines = readLog(b.logPath).records.map((r) => `${r.stream}:${r.log}`);
    expect(lines.filter((l) => l.startsWith('stdout:'))).toEqual(['stdout:got one\n', 'stdout:got two\n', 'stdout:got three\n', 'stdout:stdin-closed\n']);
    expect(lines.filter((l) => l.startsWith('stderr:'))).toEqual(['stderr:err one\n', 'stderr:err two\n', 'stderr:err three\n']);
  });

  it('takes a resize and terminal input after a trim, and a new client after another', async () => {
    const b = bundle({ args: ['sh', '-c', 'read l; stty size; echo "line $l"; read m; echo "last $m"'], terminal: true });
    const started = await startShim(b, ['--terminal', '--stdin']);
    const first = await AttachClient.connect(b);
    clients.push(first);
    runtime(['start', b.id]);
    await trimmed(started.shimPid);
    first.resize(33, 77);
    first.write('hello\r');
    await first.waitForText(/33 77\r?\n[^]*line hello/);
    await trimmed(started.shimPid);
    const second = await AttachClient.connect(b);
    clients.push(second);
    await trimmed(started.shimPid);
    second.write('bye\r');
    await second.waitForText(/last bye/);
    const exit = await waitForExit(b);
    expect(exit).toMatchObject({ exitCode: 0, signal: null });
    expect(readLog(b.logPath).raw).toContain('last bye');
  });
});
