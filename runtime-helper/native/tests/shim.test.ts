// berth-shim with real containers: the runtime under test (BERTH_TEST_RUNTIME) creates them under
// the shim; berthd's part (runtime start, kill, delete) is played by the test.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AttachClient,
  cleanedAfterEach,
  FRAME,
  RFC3339_NANO,
  isAlive,
  makeShimBundle,
  processesMentioning,
  readLog,
  runShim,
  runtime,
  runtimeBinary,
  sessionOf,
  shimArgs,
  shimBinary,
  startShim,
  waitFor,
  waitForExit,
  type ShimBundle,
  type ShimBundleOptions,
} from './shim-harness.js';

const SETTLE = 'sleep 0.2; ';

const { bundles, clients } = cleanedAfterEach();

/** The failed shim reports before it exits; it (and anything it started) is gone moments later. */
async function noProcessLeft(id: string): Promise<void> {
  await waitFor(`no process mentioning ${id}`, () => processesMentioning(id).length === 0, 5000);
}

function bundle(opts: ShimBundleOptions): ShimBundle {
  const b = makeShimBundle(opts);
  bundles.push(b);
  return b;
}

async function attach(b: ShimBundle): Promise<AttachClient> {
  const c = await AttachClient.connect(b);
  clients.push(c);
  return c;
}

describe('berth-shim: log', () => {
  it('writes non-tty output to a json-file log with the right streams, escaping and timestamps', async () => {
    const script = [
      'echo out-line',
      'echo err-line >&2',
      'printf \'tab\\there <&> "q" back\\\\slash\\n\'',
      "printf '\\377bad-utf8 \\342\\202\\254 euro\\n'",
      "printf '\\001ctl\\r\\n'",
      "head -c 20000 /dev/zero | tr '\\000' a; echo",
      "printf 'no-newline-at-end'",
    ].join('; ');
    const b = bundle({ args: ['sh', '-c', SETTLE + script] });
    const before = Date.now();
    const started = await startShim(b);
    expect(started.pid).toBeGreaterThan(0);
    expect(isAlive(started.shimPid)).toBe(true);
    runtime(['start', b.id]);
    const exit = await waitForExit(b);
    const after = Date.now();
    expect(exit).toMatchObject({ exitCode: 0, signal: null, oomKilled: false, pid: started.pid });

    const { raw, records } = readLog(b.logPath);
    const lines = records.map((r) => [r.stream, r.log]);
    // Order holds within a stream; across the two pipes it depends on when the shim read them.
    const stdout = lines.filter(([stream]) => stream === 'stdout');
    expect(stdout[0]).toEqual(['stdout', 'out-line\n']);
    expect(lines).toContainEqual(['stderr', 'err-line\n']);
    expect(lines).toContainEqual(['stdout', 'tab\there <&> "q" back\\slash\n']);
    expect(lines).toContainEqual(['stdout', '\ufffdbad-utf8 \u20ac euro\n']);
    expect(lines).toContainEqual(['stdout', '\u0001ctl\r\n']);
    // A 20000-byte line: one 16 KiB partial record without "\n", then the rest with it.
    expect(lines).toContainEqual(['stdout', 'a'.repeat(16384)]);
    expect(lines).toContainEqual(['stdout', `${'a'.repeat(20000 - 16384)}\n`]);
    expect(stdout[stdout.length - 1]).toEqual(['stdout', 'no-newline-at-end']);
    // Docker's escaping, byte for byte.
    expect(raw).toContain('"log":"tab\\u0009here \\u003c\\u0026\\u003e \\"q\\" back\\\\slash\\n"');
    expect(raw).toContain('"log":"\\ufffdbad-utf8 € euro\\n"');
    expect(raw).toContain('"log":"\\u0001ctl\\r\\n"');
    expect(raw.split('\n').find((l) => l.includes('out-line'))).toMatch(
      /^\{"log":"out-line\\n","stream":"stdout","time":"[^"]+"\}$/,
    );
    for (const r of records) {
      expect(r.time).toMatch(RFC3339_NANO);
      const t = Date.parse(r.time);
      expect(t).toBeGreaterThanOrEqual(before - 1000);
      expect(t).toBeLessThanOrEqual(after + 1000);
    }
    // The shim is gone and its state dir holds the exit, not a stale pid or socket.
    await waitFor('shim exit', () => !isAlive(started.shimPid));
    expect(existsSync(join(b.stateDir, 'shim.pid'))).toBe(false);
    expect(existsSync(join(b.stateDir, 'attach.sock'))).toBe(false);
  });

  it('rotates the log at --log-max-size, keeping --log-max-files files', async () => {
    const b = bundle({
      args: ['sh', '-c', `${SETTLE}i=0; while [ $i -lt 200 ]; do echo "line $i"; i=$((i+1)); done`],
    });
    await startShim(b, ['--log-max-size', '2000', '--log-max-files', '3']);
    runtime(['start', b.id]);
    await waitForExit(b);
    expect(existsSync(`${b.logPath}.1`)).toBe(true);
    expect(existsSync(`${b.logPath}.2`)).toBe(true);
    expect(existsSync(`${b.logPath}.3`)).toBe(false);
    // Rotation happens before a write once the file reached the limit: at most one record over.
    for (const p of [b.logPath, `${b.logPath}.1`, `${b.logPath}.2`])
      expect(statSync(p).size).toBeLessThan(2000 + 200);
    const last = readLog(b.logPath).records.at(-1);
    expect(last?.log).toBe('line 199\n');
  });
});

describe('berth-shim: log truncation', () => {
  it('truncates in place with --log-max-files 1 (the default)', async () => {
    const b = bundle({
      args: ['sh', '-c', `${SETTLE}i=0; while [ $i -lt 200 ]; do echo "line $i"; i=$((i+1)); done`],
    });
    await startShim(b, ['--log-max-size', '2000']);
    runtime(['start', b.id]);
    await waitForExit(b);
    expect(existsSync(`${b.logPath}.1`)).toBe(false);
    expect(statSync(b.logPath).size).toBeLessThan(2000 + 200);
    const { records } = readLog(b.logPath);
    expect(records.at(-1)?.log).toBe('line 199\n');
    expect(records[0]?.log).not.toBe('line 0\n');
  });
});

describe('berth-shim: runtime root', () => {
  it('passes --runtime-root to the runtime as its global --root', async () => {
    const b = bundle({ args: ['sh', '-c', `${SETTLE}exit 9`] });
    const root = join(b.dir, 'rt');
    await startShim(b, ['--runtime-root', root]);
    try {
      expect(JSON.parse(runtime(['--root', root, 'state', b.id])).status).toBe('created');
      expect(() => runtime(['state', b.id])).toThrow();
      runtime(['--root', root, 'start', b.id]);
      expect((await waitForExit(b)).exitCode).toBe(9);
    } finally {
      runtime(['--root', root, 'delete', '--force', b.id], true);
    }
  });
});

describe('berth-shim: exit status', () => {
  it.each([
    ['exit 0', 0],
    ['exit 3', 3],
  ])('records `%s` as exit code %d', async (cmd, code) => {
    const b = bundle({ args: ['sh', '-c', SETTLE + cmd] });
    await startShim(b);
    runtime(['start', b.id]);
    const exit = await waitForExit(b);
    expect(exit.exitCode).toBe(code);
    expect(exit.signal).toBeNull();
    expect(exit.finishedAt).toMatch(RFC3339_NANO);
  });

  it('records SIGKILL as 137 with the signal', async () => {
    const b = bundle({ args: ['sleep', '1000'] });
    await startShim(b);
    runtime(['start', b.id]);
    runtime(['kill', b.id, 'KILL']);
    const exit = await waitForExit(b);
    expect(exit).toMatchObject({ exitCode: 137, signal: 9, oomKilled: false });
  });

  it('reports an OOM kill under a 16 MiB limit', async () => {
    // The string doubles until the cgroup's limit stops it.
    const b = bundle({
      args: ['sh', '-c', 'x=aaaaaaaaaaaaaaaa; while true; do x="$x$x"; done'],
      memoryLimit: 16 * 1024 * 1024,
    });
    await startShim(b);
    runtime(['start', b.id]);
    const exit = await waitForExit(b, 30_000);
    expect(exit).toMatchObject({ exitCode: 137, signal: 9, oomKilled: true });
  });
});

describe('berth-shim: attach', () => {
  it('gives a working pty through the attach socket: input, echo, resize', async () => {
    const b = bundle({ args: ['sh'], terminal: true });
    await startShim(b, ['--terminal', '--stdin']);
    const c = await attach(b);
    runtime(['start', b.id]);
    c.write('echo hello-$((40+2))\n');
    await c.waitForText(/hello-42/);
    // The pty echoes the typed command too.
    expect(c.text()).toContain('echo hello-$((40+2))');
    c.resize(37, 111);
    c.write('stty size\n');
    await c.waitForText(/37 111/);
    c.write('exit 7\n');
    const exit = await waitForExit(b);
    expect(exit.exitCode).toBe(7);
    expect(c.frames.every((f) => f.type === FRAME.stdout)).toBe(true);
    const { records } = readLog(b.logPath);
    expect(records.every((r) => r.stream === 'stdout')).toBe(true);
    expect(records.map((r) => r.log).join('')).toContain('hello-42');
  });

  it('serves several clients: all see output with stdout/stderr told apart; input from any; close stdin ends it', async () => {
    const b = bundle({
      args: ['sh', '-c', 'while read l; do echo "got $l"; echo "err $l" >&2; done; echo stdin-closed'],
    });
    await startShim(b, ['--stdin']);
    const one = await attach(b);
    const two = await attach(b);
    runtime(['start', b.id]);
    one.write('first\n');
    two.write('second\n');
    for (const c of [one, two]) {
      await c.waitForText(/got first\ngot second\n/);
      await c.waitForText(/err first\nerr second\n/, FRAME.stderr);
    }
    // A third client joining later sees what comes after it joined.
    const three = await attach(b);
    two.send(FRAME.closeStdin);
    await three.waitForText(/stdin-closed/);
    const exit = await waitForExit(b);
    expect(exit.exitCode).toBe(0);
    expect(one.text()).toBe('got first\ngot second\nstdin-closed\n');
  });

  it('queues input for a container that is not reading yet, without stalling output, and delivers all of it', async () => {
    // The container reads nothing for a second (input piles up: pipe, shim queue, then the
    // client's socket), keeps printing meanwhile, then counts every byte it was sent.
    const b = bundle({
      args: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do echo tick; sleep 0.1; done; wc -c'],
    });
    await startShim(b, ['--stdin']);
    const writer = await attach(b);
    const watcher = await attach(b);
    runtime(['start', b.id]);
    const chunk = 'x'.repeat(1000) + '\n';
    for (let i = 0; i < 1000; i++) writer.write(chunk); // 1,001,000 bytes
    writer.send(FRAME.closeStdin);
    await watcher.waitForText(/(tick\n){5}/);
    await watcher.waitForText(/1001000/);
    expect((await waitForExit(b)).exitCode).toBe(0);
    expect(watcher.text()).toBe(`${'tick\n'.repeat(10)}1001000\n`);
  });

  it('closes stdin when a stdin-once client ends its input', async () => {
    const b = bundle({ args: ['sh', '-c', 'cat; echo cat-done'] });
    await startShim(b, ['--stdin']);
    const c = await attach(b);
    c.send(FRAME.stdinOnce);
    runtime(['start', b.id]);
    c.write('piped\n');
    c.endInput();
    await c.waitForText(/piped\ncat-done\n/);
    expect((await waitForExit(b)).exitCode).toBe(0);
  });

  it('never blocks on a client that does not read', async () => {
    // ~4 MB of output; the stuck client is dropped once 1 MiB is queued for it, the log gets all.
    const b = bundle({
      args: [
        'sh',
        '-c',
        'i=0; while [ $i -lt 40000 ]; do echo "line $i ................................................................................"; i=$((i+1)); done',
      ],
    });
    await startShim(b);
    const stuck = await attach(b);
    stuck.pause();
    const reader = await attach(b);
    runtime(['start', b.id]);
    const exit = await waitForExit(b, 30_000);
    expect(exit.exitCode).toBe(0);
    const { records } = readLog(b.logPath);
    expect(records.length).toBe(40000);
    expect(records.at(-1)?.log).toMatch(/^line 39999 /);
    // A reading client normally gets everything; on a starved machine it may itself fall 1 MiB
    // behind and be cut off too, which is the same rule working, so wait for either.
    await waitFor('the reader to get the last line or be cut off', () => /line 39999 /.test(reader.text()) || reader.closed);
    // The stuck client was cut off rather than waited for.
    expect(readFileSync(join(b.stateDir, 'shim.log'), 'utf8')).toMatch(/attach client \d+: too slow/);
    stuck.resume(); // reads what the kernel buffered, then the EOF of the dropped connection
    await waitFor('the stuck client to see the disconnect', () => stuck.closed);
    expect(stuck.text().length).toBeLessThan(reader.text().length);
  });
});

describe('berth-shim: attach under fd exhaustion', () => {
  it('stops accepting while out of fds (no busy loop) and accepts again once a client leaves', async () => {
    const b = bundle({ args: ['sh', '-c', 'while true; do echo tick; sleep 0.1; done'] });
    const { shimPid } = await startShim(b);
    runtime(['start', b.id]);
    execFileSync('prlimit', ['--pid', String(shimPid), '--nofile=16:16']);
    const many: AttachClient[] = [];
    for (let i = 0; i < 20; i++) many.push(await attach(b));
    const shimLog = join(b.stateDir, 'shim.log');
    await waitFor('the shim to run out of fds', () =>
      /not accepting until a client leaves/.test(readFileSync(shimLog, 'utf8')),
    );
    await new Promise((r) => setTimeout(r, 500));
    // A spinning loop would log the failed accept over and over.
    const complaints = readFileSync(shimLog, 'utf8').match(/not accepting until a client leaves/g) ?? [];
    expect(complaints.length).toBeLessThanOrEqual(2);
    const served = many.filter((c) => c.text().includes('tick'));
    expect(served.length).toBeGreaterThan(0);
    expect(served.length).toBeLessThan(20);
    for (const c of many) c.close();
    const late = await attach(b);
    await late.waitForText(/tick\n/);
    runtime(['kill', b.id, 'KILL']);
    expect((await waitForExit(b)).exitCode).toBe(137);
  });
});

describe('berth-shim: lifetime', () => {
  it('survives its parent being killed; the container keeps running and logging; the exit is recorded later', async () => {
    // PID 1 ignores SIGTERM unless it handles it: the trap makes the stop visible in the exit code.
    const b = bundle({
      args: [
        'sh',
        '-c',
        'trap "exit 42" TERM; i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.1; done',
      ],
    });
    // An intermediate shell plays berthd: it starts the shim, then lingers until killed.
    const parent = spawn(
      'sh',
      ['-c', `"$0" "$@" > ${b.dir}/report; exec sleep 1000`, shimBinary, ...shimArgs(b)],
      { stdio: 'ignore' },
    );
    const report = join(b.dir, 'report');
    const started = await waitFor('the ready report', () => {
      const text = existsSync(report) ? readFileSync(report, 'utf8') : '';
      return text.endsWith('\n') ? (JSON.parse(text) as { pid: number; shimPid: number }) : undefined;
    });
    runtime(['start', b.id]);
    await waitFor('some output', () => readLog(b.logPath).records.length >= 3);
    parent.kill('SIGKILL');
    await waitFor('the parent to die', () => parent.exitCode !== null || parent.signalCode !== null);
    const countAtKill = readLog(b.logPath).records.length;
    await waitFor('output after the parent died', () => readLog(b.logPath).records.length >= countAtKill + 5);
    expect(isAlive(started.shimPid)).toBe(true);
    // A restarted berthd finds the shim again through its pid file and attach socket.
    expect(Number(readFileSync(join(b.stateDir, 'shim.pid'), 'utf8'))).toBe(started.shimPid);
    const again = await attach(b);
    await again.waitForText(/tick \d+\ntick \d+\n/);
    // Not in the parent's session, so a signal to the caller's process group misses it.
    expect(sessionOf(started.shimPid)).not.toBe(sessionOf('self'));
    runtime(['kill', b.id, 'TERM']);
    const exit = await waitForExit(b);
    expect(exit).toMatchObject({ exitCode: 42, signal: null });
    await waitFor('the shim to exit', () => !isAlive(started.shimPid));
  });
});

describe('berth-shim: inherited fds', () => {
  it('keeps none of the fds its caller leaked to it', async () => {
    const b = bundle({ args: ['sleep', '1000'] });
    // fd 3 is a pipe the caller leaked: once the foreground process exits, nobody may hold its
    // write end, or a caller waiting for EOF on it would hang for the container's lifetime.
    const child = spawn(shimBinary, shimArgs(b), { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let report = '';
    child.stdout!.on('data', (d: Buffer) => (report += d.toString()));
    const leaked = child.stdio[3] as import('node:stream').Readable;
    let leakedClosed = false;
    leaked.on('end', () => (leakedClosed = true));
    leaked.resume();
    await waitFor('the foreground process to exit', () => child.exitCode !== null);
    expect(child.exitCode).toBe(0);
    const { shimPid } = JSON.parse(report) as { shimPid: number };
    await waitFor('EOF on the leaked pipe', () => leakedClosed);
    expect(isAlive(shimPid)).toBe(true);
  });
});

describe('berth-shim: exec', () => {
  it('runs `runtime exec` under the shim and records its output and exit code', async () => {
    const b = bundle({ args: ['sleep', '1000'] });
    await startShim(b);
    runtime(['start', b.id]);
    const processFile = join(b.dir, 'exec.json');
    const spec = JSON.parse(readFileSync(join(b.dir, 'config.json'), 'utf8'));
    writeFileSync(
      processFile,
      JSON.stringify({
        ...spec.process,
        terminal: false,
        args: ['sh', '-c', 'echo from-exec; echo exec-err >&2; exit 5'],
      }),
    );
    const execState = join(b.dir, 'x');
    const execLog = join(b.dir, 'exec.log');
    const r = await runShim([
      '--exec',
      '--process',
      processFile,
      '--id',
      b.id,
      '--runtime',
      runtimeBinary,
      '--state-dir',
      execState,
      '--log-path',
      execLog,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const exit = await waitFor(
      'exec exit.json',
      () =>
        existsSync(join(execState, 'exit.json')) &&
        JSON.parse(readFileSync(join(execState, 'exit.json'), 'utf8')),
    );
    expect(exit.exitCode).toBe(5);
    const lines = readLog(execLog).records.map((rec) => [rec.stream, rec.log]);
    expect(lines).toContainEqual(['stdout', 'from-exec\n']);
    expect(lines).toContainEqual(['stderr', 'exec-err\n']);
    // The container itself is untouched by the exec's end.
    expect(JSON.parse(runtime(['state', b.id])).status).toBe('running');
  });
});

describe('berth-shim: exec with a terminal', () => {
  it('gives an exec session a pty of the requested size, input and resize through attach', async () => {
    const b = bundle({ args: ['sleep', '1000'] });
    await startShim(b);
    runtime(['start', b.id]);
    const processFile = join(b.dir, 'exec-tty.json');
    const spec = JSON.parse(readFileSync(join(b.dir, 'config.json'), 'utf8'));
    writeFileSync(
      processFile,
      JSON.stringify({
        ...spec.process,
        terminal: true,
        consoleSize: { height: 21, width: 77 },
        args: ['sh'],
      }),
    );
    const execState = join(b.dir, 'xt');
    const r = await runShim([
      '--exec',
      '--process',
      processFile,
      '--id',
      b.id,
      '--runtime',
      runtimeBinary,
      '--state-dir',
      execState,
      '--terminal',
      '--stdin',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const c = await AttachClient.connect({ ...b, stateDir: execState });
    clients.push(c);
    c.write('stty size; tty\n');
    await c.waitForText(/21 77/);
    await c.waitForText(/\/dev\/pts\/\d+/);
    c.resize(30, 90);
    c.write('stty size\n');
    await c.waitForText(/30 90/);
    c.write('exit 4\n');
    const exit = await waitFor(
      'exec exit.json',
      () =>
        existsSync(join(execState, 'exit.json')) &&
        JSON.parse(readFileSync(join(execState, 'exit.json'), 'utf8')),
    );
    expect(exit.exitCode).toBe(4);
    expect(JSON.parse(runtime(['state', b.id])).status).toBe('running');
  });
});

describe('berth-shim: exec output waits for a slow client', () => {
  it('stops reading the exec\'s output while its client lags, then delivers all of it', async () => {
    const b = bundle({ args: ['sleep', '1000'] });
    await startShim(b);
    runtime(['start', b.id]);
    const processFile = join(b.dir, 'exec-flood.json');
    const spec = JSON.parse(readFileSync(join(b.dir, 'config.json'), 'utf8'));
    // 4 MB, four times the backlog after which the container's own attach clients are dropped.
    writeFileSync(processFile, JSON.stringify({ ...spec.process, terminal: false, args: ['sh', '-c', 'yes 0123456789abcdef | head -c 4000000; echo END'] }));
    const execState = join(b.dir, 'xf');
    const r = await runShim(['--exec', '--process', processFile, '--id', b.id, '--runtime', runtimeBinary, '--state-dir', execState, '--hold-output']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const c = await AttachClient.connect({ ...b, stateDir: execState });
    clients.push(c);
    c.pause();
    // While the client reads nothing the process is held back: no exit, however long we wait.
    await new Promise((res) => setTimeout(res, 1500));
    expect(existsSync(join(execState, 'exit.json'))).toBe(false);
    c.resume();
    await c.waitForText(/END\n$/);
    expect(c.text().length).toBe(4_000_000 + 'END\n'.length);
    const exit = await waitFor('exec exit.json', () => existsSync(join(execState, 'exit.json')) && JSON.parse(readFileSync(join(execState, 'exit.json'), 'utf8')));
    expect(exit.exitCode).toBe(0);
    const shimLog = join(execState, 'shim.log');
    expect(existsSync(shimLog) ? readFileSync(shimLog, 'utf8') : '').not.toMatch(/too slow/);
  });
});

describe('berth-shim: bad input', () => {
  it("reports the runtime's create error verbatim and leaves nothing behind", async () => {
    const b = bundle({ args: ['true'] });
    writeFileSync(join(b.dir, 'config.json'), '{ this is not json');
    const r = await runShim(shimArgs(b));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^berth-shim: runtime create failed \(exit status \d+\): .+/);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
    // The state dir the shim made is gone, no shim or container process is left, the runtime
    // knows no such container.
    expect(existsSync(b.stateDir)).toBe(false);
    await noProcessLeft(b.id);
    expect(() => runtime(['state', b.id])).toThrow();
  });

  it('reports a missing bundle the same way', async () => {
    const b = bundle({ args: ['true'] });
    const r = await runShim([
      '--id',
      b.id,
      '--bundle',
      join(b.dir, 'missing'),
      '--runtime',
      runtimeBinary,
      '--state-dir',
      b.stateDir,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^berth-shim: runtime create failed/);
    expect(existsSync(b.stateDir)).toBe(false);
    await noProcessLeft(b.id);
  });

  it('fails before creating anything when the log cannot be opened', async () => {
    const b = bundle({ args: ['true'] });
    const r = await runShim([
      '--id',
      b.id,
      '--bundle',
      b.dir,
      '--runtime',
      runtimeBinary,
      '--state-dir',
      b.stateDir,
      '--log-path',
      join(b.dir, 'no-such-dir', 'ctr.log'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `berth-shim: open log '${join(b.dir, 'no-such-dir', 'ctr.log')}': No such file or directory\n`,
    );
    expect(existsSync(b.stateDir)).toBe(false);
    expect(() => runtime(['state', b.id])).toThrow();
  });

  it('refuses a state dir whose socket paths would not fit sun_path', async () => {
    const b = bundle({ args: ['true'] });
    const long = join(b.dir, 'x'.repeat(100));
    const r = await runShim([
      '--id',
      b.id,
      '--bundle',
      b.dir,
      '--runtime',
      runtimeBinary,
      '--state-dir',
      long,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^berth-shim: --state-dir '.*': socket paths inside it exceed 107 bytes: File name too long\n$/,
    );
    expect(existsSync(long)).toBe(false);
  });

  it("reports a failed exec (no such container) with the runtime's message", async () => {
    const b = bundle({ args: ['true'] });
    const processFile = join(b.dir, 'exec.json');
    writeFileSync(
      processFile,
      JSON.stringify({ cwd: '/', args: ['true'], env: ['PATH=/bin'], user: { uid: 0, gid: 0 } }),
    );
    const execState = join(b.dir, 'x');
    const r = await runShim([
      '--exec',
      '--process',
      processFile,
      '--id',
      b.id,
      '--runtime',
      runtimeBinary,
      '--state-dir',
      execState,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^berth-shim: runtime exec failed \(exit status \d+\): .+/);
    expect(existsSync(execState)).toBe(false);
    await noProcessLeft(b.id);
  });

  it('rejects a bad command line with usage and exit status 2', async () => {
    const r = await runShim(['--id', 'x', '--state-dir', '/tmp/nowhere-berth']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^berth-shim: --runtime is required\nusage: berth-shim/);
    const r2 = await runShim([
      '--id',
      'x',
      '--runtime',
      '/nonexistent/runtime',
      '--bundle',
      '/tmp',
      '--state-dir',
      '/tmp/nowhere-berth',
    ]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("runtime '/nonexistent/runtime': No such file or directory");
    expect(existsSync('/tmp/nowhere-berth')).toBe(false);
  });
});
