// berth-runtime's own command line: the runc-compatible flag forms, the --log JSON lines that
// containerd reads, exec's flag-built process, update's runc flags, ps/list formats, and the
// --systemd-cgroup path translation. Real containers throughout.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgroupDir } from '../../../test-support/cgroup-probe.js';
import { isBerthRuntime, useHarness } from '../../../test-support/container-harness.js';
import { NO_LEFTOVERS, waitForNoLeftovers } from '../../../test-support/leftovers.js';
import { assertOk } from '../../../test-support/runtime-cli.js';

const h = useHarness();
const scratch = mkdtempSync(join(tmpdir(), 'berth-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.runIf(isBerthRuntime)('berth-runtime command line', () => {
  it('--version and -v print the version; an unknown command is a one-line error', async () => {
    for (const flag of ['--version', '-v']) {
      const r = assertOk(await h.rt.invoke([flag]));
      expect(r.stdout).toMatch(/^berth-runtime version \d+\.\d+\.\d+\nspec: 1\.\d+\.\d+/);
    }
    const bad = await h.rt.invoke(['frobnicate', 'x']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toEqual(["berth-runtime: parse command line: unknown command 'frobnicate'"]);
  });

  it('--log with --log-format json gets a {"level","msg","time"} line per error, as containerd reads', async () => {
    const log = join(scratch, 'log.json');
    const b = h.bundle({ edit: (s) => (s.root!.path = 'no-such-rootfs') });
    const r = await h.rt.invoke(['--log', log, '--log-format=json', 'create', '--bundle', b.dir, b.id]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^berth-runtime: open rootfs '.*no-such-rootfs': No such file or directory/);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as { level: string; msg: string; time: string };
    expect(entry.level).toBe('error');
    expect(entry.msg).toMatch(/open rootfs '.*no-such-rootfs': No such file or directory/);
    expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
    expect(await waitForNoLeftovers(b, h.rt)).toEqual(NO_LEFTOVERS);
  });

  it('takes --flag=value and -flag forms; the pid file holds the init pid', async () => {
    const b = h.bundle({ args: ['/bin/sleep', '1000'] });
    const pidFile = join(scratch, `${b.id}.pid`);
    assertOk(await h.rt.invoke(['create', `--bundle=${b.dir}`, `-pid-file=${pidFile}`, b.id]));
    const state = await h.rt.state(b.id);
    expect(state.status).toBe('created');
    expect(Number(readFileSync(pidFile, 'utf8'))).toBe(state.pid);
    assertOk(await h.rt.start(b.id));
    expect((await h.rt.state(b.id)).status).toBe('running');
  });

  it('kill takes SIG-prefixed and bare names and numbers; an unknown signal is an error', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    const bad = await h.rt.kill(c.id, 'SIGNOPE');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("unknown signal 'SIGNOPE'");
    assertOk(await h.rt.kill(c.id, 'sigkill'));
    await expect.poll(async () => (await h.rt.state(c.id)).status).toBe('stopped');
    const again = await h.rt.kill(c.id, '9');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('container not running');
  });

  it('exec builds the process from --env, --cwd and --user over the container config', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'], env: ['PATH=/bin:/usr/bin', 'FROM_CONFIG=1'] });
    const r = assertOk(
      await h.rt.invoke(['exec', '--env', 'EXTRA=two', '-e', 'MORE=3', '--cwd', '/tmp', '--user', '1000:1001', c.id, '/bin/sh', '-c', 'echo $FROM_CONFIG $EXTRA $MORE; pwd; id -u; id -g']),
    );
    expect(r.stdout.trim().split('\n')).toEqual(['1 two 3', '/tmp', '1000', '1001']);
    const code = await h.rt.invoke(['exec', c.id, '/bin/sh', '-c', 'exit 42']);
    expect(code.code).toBe(42);
    const missing = await h.rt.invoke(['exec', c.id, 'no-such-command']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('executable file not found');
  });

  it('update takes runc flags with size suffixes', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    assertOk(await h.rt.invoke(['update', '--memory', '48m', '--pids-limit', '17', '--cpu-shares', '512', c.id]));
    const path = c.bundle.cgroupsPath!;
    const mem = readFileSync(join(cgroupDir(path, 'memory'), 'memory.limit_in_bytes'), 'utf8').trim();
    expect(Number(mem)).toBe(48 * 1024 * 1024);
    expect(readFileSync(join(cgroupDir(path, 'pids'), 'pids.max'), 'utf8').trim()).toBe('17');
    expect(readFileSync(join(cgroupDir(path, 'cpu'), 'cpu.shares'), 'utf8').trim()).toBe('512');
    const bad = await h.rt.invoke(['update', '--memory', 'lots', c.id]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("'lots' is not a number");
  });

  it('ps and list print tables and JSON', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    expect(await h.rt.ps(c.id)).toEqual([c.pid]);
    const table = assertOk(await h.rt.invoke(['ps', c.id])).stdout.split('\n');
    expect(table[0]).toMatch(/^PID\s+CMD/);
    expect(table[1]).toMatch(new RegExp(`^${c.pid}\\s+/bin/sleep 1000`));
    const quiet = assertOk(await h.rt.invoke(['list', '-q'])).stdout.trim().split('\n');
    expect(quiet).toContain(c.id);
    const list = await h.rt.list();
    expect(list.find((e) => e.id === c.id)).toMatchObject({ pid: c.pid, status: 'running', bundle: c.bundle.dir });
  });

  it('--systemd-cgroup turns slice:prefix:name into a cgroupfs path', async () => {
    const name = `berthcli${process.pid}`;
    const b = h.bundle({ args: ['/bin/cat', '/proc/self/cgroup'], cgroupsPath: `berth-cli.slice:test:${name}`, namespaces: ['pid', 'mount', 'ipc', 'uts', 'network'] });
    const r = assertOk(await h.rt.invoke(['--systemd-cgroup', 'run', '--bundle', b.dir, b.id]));
    expect(r.stdout).toMatch(new RegExp(`:memory:/berth.slice/berth-cli.slice/test-${name}.scope$`, 'm'));
  });

  it('run and exec relay a terminal themselves when no --console-socket is given', async () => {
    const b = h.bundle({ args: ['/bin/sh', '-c', 'tty; echo from-run; exit 6'], terminal: true });
    const r = await h.rt.invoke(['run', '--bundle', b.dir, b.id]);
    expect(r.code).toBe(6);
    expect(r.stdout.replaceAll('\r', '').split('\n').slice(0, 2)).toEqual(['/dev/pts/0', 'from-run']);
    expect(await waitForNoLeftovers(b, h.rt)).toEqual(NO_LEFTOVERS);
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    const e = await h.rt.invoke(['exec', '--tty', c.id, '/bin/sh', '-c', 'tty; exit 9']);
    expect(e.code).toBe(9);
    expect(e.stdout.replaceAll('\r', '').trim()).toMatch(/^\/dev\/pts\/\d+$/);
    const detached = await h.rt.invoke(['exec', '--tty', '--detach', c.id, '/bin/true']);
    expect(detached.code).not.toBe(0);
    expect(detached.stderr).toContain('needs --console-socket');
  });

  it('features describes the runtime as JSON', async () => {
    const f = JSON.parse(assertOk(await h.rt.invoke(['features'])).stdout) as { hooks: string[]; linux: { namespaces: string[] } };
    expect(f.hooks).toContain('prestart');
    expect(f.linux.namespaces).toEqual(expect.arrayContaining(['pid', 'mount', 'network', 'ipc', 'uts', 'user', 'cgroup']));
  });
});
