// Bad bundles and arguments fail with a clear one-line error and leave nothing behind: no
// cgroup, no mount, no state entry, no process. crun words its errors its own way, so the exact
// naming is checked for berth-runtime only; every runtime must fail, say something, and clean up.
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bundle } from '../../../test-support/bundle.js';
import { isBerthRuntime, useHarness } from '../../../test-support/container-harness.js';
import { mountsUnder, NO_LEFTOVERS, waitForNoLeftovers } from '../../../test-support/leftovers.js';
import type { RunResult } from '../../../test-support/runtime-cli.js';

const h = useHarness();
const hostDirs: string[] = [];
afterEach(() => {
  for (const d of hostDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Fails, says so on stderr (one line naming `words` for berth-runtime), and leaves nothing. */
async function expectCleanFailure(b: Bundle, r: RunResult, words: RegExp[]): Promise<void> {
  expect(r.code, `${r.command} should fail`).not.toBe(0);
  expect(r.code).not.toBeNull(); // an error exit, not a crash
  const stderr = r.stderr.trim();
  expect(stderr).not.toBe('');
  if (isBerthRuntime) {
    expect(stderr.split('\n'), `one line: ${stderr}`).toHaveLength(1);
    for (const w of words) expect(stderr).toMatch(w);
  }
  expect(await waitForNoLeftovers(b, h.rt)).toEqual(NO_LEFTOVERS);
}

describe('bad input', () => {
  it('malformed config.json', async () => {
    const b = h.bundle();
    writeFileSync(b.configPath, '{ "ociVersion": "1.1.0", "process": ');
    await expectCleanFailure(b, await h.rt.create(b.id, b.dir), [
      /config\.json/,
      /pars|JSON|invalid|malformed/i,
    ]);
  });

  it('missing config.json', async () => {
    const b = h.bundle();
    rmSync(b.configPath);
    await expectCleanFailure(b, await h.rt.create(b.id, b.dir), [/config\.json/, /No such file/i]);
  });

  it('a rootfs that does not exist', async () => {
    const b = h.bundle();
    b.spec.root = { path: 'no-such-rootfs' };
    b.writeConfig();
    await expectCleanFailure(b, await h.rt.create(b.id, b.dir), [/no-such-rootfs/, /No such file/i]);
  });

  it('an unknown namespace type', async () => {
    const b = h.bundle();
    b.spec.linux!.namespaces!.push({ type: 'bogus' as never });
    b.writeConfig();
    await expectCleanFailure(b, await h.rt.create(b.id, b.dir), [/namespace/i, /bogus/]);
  });

  it('a mount destination that escapes the rootfs through a symlink in the image', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'berth-escape-target-'));
    hostDirs.push(outside);
    const b = h.bundle({
      mounts: [{ destination: '/escape/sub', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] }],
    });
    // Relative, with more ".." than the rootfs is deep: resolved naively it lands in `outside`.
    symlinkSync(`../../../../../../../../..${outside}`, join(b.rootfs, 'escape'));
    await expectCleanFailure(b, await h.rt.run(b.id, b.dir), [/escape/]);
    expect(readdirSync(outside)).toEqual([]);
    expect(mountsUnder(outside)).toEqual([]);
  });

  it('an absolute symlink in a mount destination is resolved inside the rootfs, never on the host', async () => {
    // An absolute link means the container's "/", so a runtime may refuse it or follow it
    // inside the rootfs; either way the host path it names stays untouched.
    const outside = mkdtempSync(join(tmpdir(), 'berth-escape-target-'));
    hostDirs.push(outside);
    const b = h.bundle({
      args: [
        '/bin/sh',
        '-c',
        'grep " /escape/sub \\| ${outside}/sub " /proc/self/mountinfo | wc -l'.replace('${outside}', outside),
      ],
      mounts: [{ destination: '/escape/sub', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] }],
    });
    symlinkSync(outside, join(b.rootfs, 'escape'));
    const r = await h.rt.run(b.id, b.dir);
    if (r.code === 0)
      expect(r.stdout.trim()).toBe('1'); // mounted, inside the container's view
    else expect(r.stderr.trim()).not.toBe('');
    expect(readdirSync(outside)).toEqual([]);
    expect(mountsUnder(outside)).toEqual([]);
    expect(await waitForNoLeftovers(b, h.rt)).toEqual(NO_LEFTOVERS);
  });

  it('a console socket path that is not a socket', async () => {
    const b = h.bundle({ terminal: true });
    const notSocket = join(b.dir, 'not-a-socket');
    writeFileSync(notSocket, 'plain file');
    await expectCleanFailure(b, await h.rt.create(b.id, b.dir, { consoleSocket: notSocket }), [
      /not-a-socket/,
      /socket|connect|refused/i,
    ]);
  });

  it('with --log and --log-format json the error is a JSON line in the log file', async () => {
    const b = h.bundle();
    writeFileSync(b.configPath, '{ not json');
    const log = join(b.dir, 'runtime-log.json');
    const r = await h.rt.invoke(['--log', log, '--log-format', 'json', 'create', '--bundle', b.dir, b.id]);
    expect(r.code).not.toBe(0);
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const entries = lines.map((l) => JSON.parse(l) as { level?: string; msg?: string; time?: string });
    const error = entries.find((e) => e.level === 'error');
    expect(error?.msg?.trim()).toBeTruthy();
    expect(error?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    if (isBerthRuntime) expect(error!.msg).toMatch(/config/);
    expect(await waitForNoLeftovers(b, h.rt)).toEqual(NO_LEFTOVERS);
  });

  it('container ids that are paths are refused and touch nothing outside the state root', async () => {
    const b = h.bundle();
    const parent = dirname(h.rt.root);
    const sentinel = join(parent, 'sentinel');
    writeFileSync(sentinel, 'still here');
    for (const id of ['../escape-id', 'a/b', '..']) {
      const r = await h.rt.create(id, b.dir);
      expect(r.code, `create ${id}`).not.toBe(0);
      expect(r.stderr.trim(), `create ${id}`).not.toBe('');
      expect(existsSync(join(parent, 'escape-id')), `create ${id}`).toBe(false);
      if (isBerthRuntime) expect(r.stderr).toMatch(/id/);
    }
    // crun 1.8's `delete --force ..` removes the state root's parent directory; ours must refuse.
    if (isBerthRuntime) {
      const r = await h.rt.delete('..', { force: true });
      expect(r.code).not.toBe(0);
      expect(readFileSync(sentinel, 'utf8')).toBe('still here');
    }
    expect(await waitForNoLeftovers(b, h.rt)).toEqual(NO_LEFTOVERS);
  });

  it('a container id that is already taken', async () => {
    const first = await h.start({ args: ['/bin/sleep', '1000'] });
    const b = h.bundle();
    const r = await h.rt.create(first.id, b.dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).not.toBe('');
    if (isBerthRuntime) expect(r.stderr).toContain(first.id);
    // The first container is untouched.
    expect((await h.rt.state(first.id)).status).toBe('running');
  });
});
