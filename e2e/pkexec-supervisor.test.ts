// The app started by a user who is not root starts berthd through the real pkexec: the same
// `npm run browser` entry (electron/dist/cli/start.js) runs as a throwaway system user, finds no
// berthd on its socket, and pkexec runs the installed launcher (assets/install-pkexec.sh) as root
// once polkitd says yes. polkitd runs on a private D-Bus system bus; pkexec is setuid, ignores
// DBUS_SYSTEM_BUS_ADDRESS and always dials /run/dbus/system_bus_socket, so the app runs in its
// own mount namespace where our bus directory is bound over /run/dbus. A temporary rule in
// /etc/polkit-1/rules.d answers for org.berth.berthd.start and for that user only: YES, then NO
// (the refusal must be a readable 'failed' state, not a crash or a retry loop).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { repoRoot } from '../test-support/paths.js';

const POLICY = '/usr/share/polkit-1/actions/org.berth.berthd.policy';
const LAUNCHER = '/usr/libexec/berth/berthd-launch';
const POLKITD = '/usr/lib/polkit-1/polkitd';
const RULES_DIR = '/etc/polkit-1/rules.d';
const RULE_PREFIX = '10-berth-pkexec-test-';
const startJs = resolve(repoRoot, 'electron/dist/cli/start.js');
const berthdMain = resolve(repoRoot, 'runtime-helper/dist/main.js');

const id = randomBytes(3).toString('hex');
const user = `berthpk-${id}`;
const rulesFile = join(RULES_DIR, `${RULE_PREFIX}${id}.rules`);
let dir = '';
let busSocket = '';
let uid = 0;
let gid = 0;
let dbus: ChildProcess | null = null;
let polkitd: ChildProcess | null = null;
let polkitdLog = '';
const saved = new Map<string, Buffer | null>(); // what was at POLICY and LAUNCHER before
let userMade = false;

function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000, context?: () => string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${context ? `\n${context()}` : ''}`);
    await sleep(50);
  }
}

function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => { child.once('exit', () => r()); child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 5000).unref(); });
}

/** Our berthd and its launcher (their command lines name the launcher or berthd's main, and our dir). */
function ourProcesses(): { pid: number; cmd: string; uid: number }[] {
  const out: { pid: number; cmd: string; uid: number }[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
      if (!cmd.includes(dir) || !(cmd.includes(LAUNCHER) || cmd.includes(berthdMain))) continue;
      const uidLine = readFileSync(`/proc/${p}/status`, 'utf8').split('\n').find((l) => l.startsWith('Uid:')) ?? '';
      out.push({ pid: Number(p), cmd, uid: Number(uidLine.split(/\s+/)[1]) });
    } catch { /* exited meanwhile */ }
  }
  return out;
}

function ping(socketPath: string): Promise<string> {
  return new Promise((res, rej) => {
    request({ socketPath, path: '/_ping' }, (r) => { let b = ''; r.on('data', (c: Buffer) => (b += c)); r.on('end', () => res(`${r.statusCode} ${b}`)); }).on('error', rej).end();
  });
}

/** One call of the app's typed API over browser mode's WebSocket (the token from its URL). */
async function apiCall(url: string, method: string): Promise<Record<string, unknown>> {
  const u = new URL(url);
  const ws = new WebSocket(`ws://${u.host}/api?token=${u.searchParams.get('token')}`, { origin: u.origin });
  try {
    await new Promise<void>((res, rej) => { ws.once('open', () => res()); ws.once('error', rej); });
    return await new Promise((res, rej) => {
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { t: string; id?: number; result?: Record<string, unknown>; error?: { message: string } };
        if (m.id !== 1) return;
        if (m.t === 'result' && m.result) res(m.result); else rej(new Error(`${method}: ${m.error?.message ?? JSON.stringify(m)}`));
      });
      ws.send(JSON.stringify({ t: 'call', id: 1, method, params: {} }));
    });
  } finally { ws.close(); }
}

/** polkitd on our bus, with a rule that answers `result` for org.berth.berthd.start and our
 * user only (the rule logs each decision, so the test sees which action pkexec asked about). */
async function startPolkit(result: 'YES' | 'NO' | null): Promise<void> {
  await stopChild(polkitd);
  if (result === null) rmSync(rulesFile, { force: true }); // the policy's own defaults (auth_admin)
  else writeFileSync(rulesFile, `// Temporary: written by e2e/pkexec-supervisor.test.ts, removed when it ends.
polkit.addRule(function (action, subject) {
  if (action.id == "org.berth.berthd.start" && subject.user == "${user}") {
    polkit.log("berth-test decision ${result} for " + action.id + " by " + subject.user);
    return polkit.Result.${result};
  }
});
`, { mode: 0o644 });
  polkitdLog = '';
  // polkitd (not setuid) honours DBUS_SYSTEM_BUS_ADDRESS; started as root it becomes user polkitd.
  const p = spawn(POLKITD, [], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${busSocket}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  polkitd = p;
  p.stdout?.on('data', (c: Buffer) => (polkitdLog += c.toString()));
  p.stderr?.on('data', (c: Buffer) => (polkitdLog += c.toString()));
  await waitFor('polkitd to own org.freedesktop.PolicyKit1 on the private bus', () => {
    if (p.exitCode !== null) throw new Error(`polkitd exited ${p.exitCode}: ${polkitdLog}`);
    return polkitdLog.includes('Acquired the name org.freedesktop.PolicyKit1');
  }, 15_000);
}

interface RunningApp { child: ChildProcess; out: () => string; err: () => string; url: Promise<string> }
const apps: RunningApp[] = [];

/** start.js as our user, in a mount namespace whose /run/dbus is our bus directory. */
function startApp(socketGroup: string | null = user): RunningApp {
  const args = [
    '--mount', '--propagation', 'slave', '--', 'sh', '-c',
    'mkdir -p /run/dbus && mount --bind "$0" /run/dbus && u=$1 && shift && exec setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"',
    join(dir, 'bus'), user, process.execPath, startJs, '--browser', '--port', '0', '--config', join(dir, 'app/app.json'),
    '--berthd-host', `unix://${join(dir, 'run/berth.sock')}`, '--berthd-data-root', join(dir, 'data'), '--berthd-exec-root', join(dir, 'exec'),
    ...(socketGroup ? ['--berthd-group', socketGroup] : []),
  ];
  const child = spawn('unshare', args, {
    cwd: join(dir, 'app'),
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: join(dir, 'app'), USER: user, LOGNAME: user, LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const url = waitFor('the app to print its browser-mode URL', () => {
    if (child.exitCode !== null) throw new Error(`the app exited ${child.exitCode}: ${err}`);
    return /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out)?.[1];
  });
  const app = { child, out: () => out, err: () => err, url };
  apps.push(app);
  return app;
}

/** The supervisor's state lines the app prints: "berth: berthd <phase>: <message>". */
function stateLines(app: RunningApp): string[] {
  return app.err().split('\n').filter((l) => l.startsWith('berth: berthd '));
}

async function stopApp(app: RunningApp): Promise<number | null> {
  if (app.child.exitCode !== null) return app.child.exitCode;
  const exited = new Promise<number | null>((r) => app.child.once('exit', (code) => r(code)));
  app.child.kill('SIGTERM'); // unshare, sh and setpriv exec'd: this pid is the app's node
  return exited;
}

beforeAll(async () => {
  for (const tool of ['/usr/bin/pkexec', POLKITD, '/usr/bin/dbus-daemon', '/usr/bin/unshare', '/usr/bin/setpriv']) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: scripts/setup.sh --test installs pkexec, polkitd and dbus-daemon`);
  }
  if (process.getuid?.() !== 0) throw new Error('this suite installs a polkit policy and makes a system user: run it as root');
  if (!existsSync(berthdMain)) throw new Error(`berthd is not built (${berthdMain}): npm run build`);
  execFileSync('npx', ['tsc', '-b', 'electron/tsconfig.json'], { cwd: repoRoot, stdio: 'inherit' });
  // What a killed run left: its rule, and its user (whose home, the run's temp dir, is gone).
  for (const f of readdirSync(RULES_DIR)) if (f.startsWith(RULE_PREFIX)) rmSync(join(RULES_DIR, f));
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , , , , home] = line.split(':');
    if (name?.startsWith('berthpk-') && home?.startsWith('/tmp/berth-pkexec-') && !existsSync(home)) execFileSync('userdel', [name]);
  }

  dir = mkdtempSync('/tmp/berth-pkexec-');
  chmodSync(dir, 0o755); // our user walks through it to the socket and its config
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', join(dir, 'app'), '--shell', '/usr/sbin/nologin', user]);
  userMade = true;
  uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  mkdirSync(join(dir, 'app'));
  chownSync(join(dir, 'app'), uid, gid);
  mkdirSync(join(dir, 'bus'), { mode: 0o755 });

  // The policy and launcher where a package puts them; whatever was there comes back afterwards.
  for (const f of [POLICY, LAUNCHER]) saved.set(f, existsSync(f) ? readFileSync(f) : null);
  execFileSync('sh', [resolve(repoRoot, 'assets/install-pkexec.sh')], { stdio: 'pipe' });

  busSocket = join(dir, 'bus/system_bus_socket');
  writeFileSync(join(dir, 'bus/bus.conf'), `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <auth>EXTERNAL</auth>
  <listen>unix:path=${busSocket}</listen>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
  </policy>
  <include>/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf</include>
</busconfig>
`);
  dbus = spawn('dbus-daemon', [`--config-file=${join(dir, 'bus/bus.conf')}`, '--nofork', '--nopidfile'], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitFor('the private system bus socket', () => existsSync(busSocket), 10_000);
}, 180_000);

afterAll(async () => {
  for (const app of apps) await stopApp(app);
  for (const p of dir ? ourProcesses() : []) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
  await stopChild(polkitd);
  await stopChild(dbus);
  rmSync(rulesFile, { force: true });
  for (const [f, before] of saved) {
    if (before === null) rmSync(f, { force: true });
    else writeFileSync(f, before, { mode: f === LAUNCHER ? 0o755 : 0o644 });
  }
  if (saved.get(LAUNCHER) === null) { try { rmdirSync('/usr/libexec/berth'); } catch { /* not empty or gone */ } }
  if (userMade) execFileSync('userdel', [user]); // its user group goes with it
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('berthd through pkexec, for an app that is not root', () => {
  it('starts berthd as root through the launcher once polkit says yes, reports it, and stops it on shutdown', async () => {
    await startPolkit('YES');
    const socket = join(dir, 'run/berth.sock');
    expect(existsSync(socket)).toBe(false);
    const app = startApp();
    const url = await app.url;
    const running = await waitFor('the supervisor to report berthd running', () => stateLines(app).find((l) => l.startsWith('berth: berthd running:')), 30_000, () => `${stateLines(app).join('\n')}\npolkitd: ${polkitdLog}`);
    const lines = stateLines(app);
    expect(lines[0]).toBe(`berth: berthd probing: checking ${socket}`); // nothing there: it must start one
    expect(lines[1]).toMatch(new RegExp(`^berth: berthd starting: asked pkexec to start ${LAUNCHER} \\(pid \\d+\\)$`));
    const launcherPid = Number(/ pid (\d+) answers \/_ping$/.exec(running)?.[1]);
    expect(running).toBe(`berth: berthd running: berthd (through pkexec) pid ${launcherPid} answers /_ping`);
    expect(polkitdLog).toContain(`berth-test decision YES for org.berth.berthd.start by ${user}`); // the policy's exec.path matched

    // pkexec became the launcher (root), and berthd runs under it as root with the app's flags.
    const procs = ourProcesses();
    const launcher = procs.find((p) => p.pid === launcherPid);
    expect(launcher).toMatchObject({ uid: 0, cmd: expect.stringContaining(`${LAUNCHER} -H unix://${socket}`) });
    const berthd = procs.find((p) => p.cmd.startsWith(`${process.execPath} ${berthdMain} -H unix://${socket}`));
    expect(berthd?.uid).toBe(0);
    expect(berthd?.cmd).toContain(`--data-root ${join(dir, 'data')} --exec-root ${join(dir, 'exec')} --group ${user}`);
    expect(readFileSync(`/proc/${app.child.pid}/status`, 'utf8')).toMatch(new RegExp(`\\nUid:\\t${uid}\\t${uid}\\t${uid}\\t${uid}\\n`)); // the app itself is not root

    // The socket answers, and is the user's group's (that is how the app reaches a root berthd).
    expect(await ping(socket)).toBe('200 OK');
    const st = statSync(socket);
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([0, gid, 0o660]);

    // The app's API reports the supervised engine.
    const status = await apiCall(url, 'engine.status');
    expect(status).toMatchObject({ connected: true, kind: 'berthd', host: `unix://${socket}`, canRestart: true, supervisor: { phase: 'running', pid: launcherPid, restarts: 0 } });

    // berthd dies: after its backoff the supervisor asks pkexec again, and berthd is back.
    process.kill(berthd?.pid as number, 'SIGKILL');
    await waitFor('berthd to be back', () => stateLines(app).filter((l) => l.startsWith('berth: berthd running:')).length === 2, 30_000);
    expect(stateLines(app)).toContain('berth: berthd backoff: berthd exited (code 137); restarting in 0.5 s');
    expect(polkitdLog.split('berth-test decision YES').length - 1).toBe(2);
    expect(await apiCall(url, 'engine.status')).toMatchObject({ connected: true, supervisor: { phase: 'running', restarts: 1, lastExit: { code: 137 } } });

    // Shutdown: the app closes the launcher's stdin (it cannot signal root), berthd stops.
    expect(await stopApp(app)).toBe(0);
    expect(stateLines(app).at(-1)).toBe('berth: berthd stopped: stopped');
    expect(app.err()).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
    expect(ourProcesses()).toEqual([]);
    expect(existsSync(socket)).toBe(false);
  });

  it('shows a readable failed state when polkit says no, and does not ask pkexec again', async () => {
    await startPolkit('NO');
    const app = startApp();
    const url = await app.url;
    const failed = await waitFor('the supervisor to report the refusal', () => stateLines(app).find((l) => l.startsWith('berth: berthd failed:')), 30_000, () => stateLines(app).join('\n'));
    expect(failed).toBe('berth: berthd failed: pkexec did not start berthd: polkit does not allow this user org.berth.berthd.start (exit 127): Error executing command as another user: Not authorized. Restart engine tries again');
    expect(polkitdLog).toContain(`berth-test decision NO for org.berth.berthd.start by ${user}`);

    // Longer than several backoff steps (0.5 s, 1 s, 2 s): still one pkexec, still failed.
    await sleep(4000);
    expect(app.child.exitCode).toBeNull();
    expect(stateLines(app).filter((l) => l.includes('asked pkexec'))).toHaveLength(1);
    expect(polkitdLog.split(`berth-test decision NO`).length - 1).toBe(1);
    expect(ourProcesses()).toEqual([]);

    // The app keeps serving and its API carries the reason.
    const status = await apiCall(url, 'engine.status');
    expect(status).toMatchObject({ connected: false, supervisor: { phase: 'failed', restarts: 0, lastExit: { code: 127 } } });
    expect((status.supervisor as { message: string }).message).toMatch(/Not authorized/);

    expect(await stopApp(app)).toBe(0);
    expect(ourProcesses()).toEqual([]);
  });

  it('fails readably without a rule: the policy asks for an admin password and no agent is there to ask', async () => {
    await startPolkit(null);
    const app = startApp();
    await app.url;
    const failed = await waitFor('the supervisor to report the refusal', () => stateLines(app).find((l) => l.startsWith('berth: berthd failed:')), 30_000, () => stateLines(app).join('\n'));
    // pkexec falls back to a text agent on the controlling terminal, and the app has none.
    expect(failed).toMatch(/^berth: berthd failed: pkexec did not start berthd: no polkit authentication agent is running to ask for the administrator password \(a desktop session runs one; without one, start the app as root or allow org\.berth\.berthd\.start in a polkit rule\) \(exit 127\): Error creating textual authentication agent: .*\/dev\/tty.*\. Restart engine tries again$/);
    await sleep(1500);
    expect(stateLines(app).filter((l) => l.includes('asked pkexec'))).toHaveLength(1);
    expect(ourProcesses()).toEqual([]);
    expect(await stopApp(app)).toBe(0);
  });

  it('says so, and stops berthd, when the user may not open its socket (not in its group)', async () => {
    await startPolkit('YES');
    const socket = join(dir, 'run/berth.sock');
    const app = startApp(null); // berthd's default group, berth, which our user is not in
    await app.url;
    const failed = await waitFor('the supervisor to report the closed socket', () => stateLines(app).find((l) => l.startsWith('berth: berthd failed:')));
    expect(failed).toBe(`berth: berthd failed: berthd started, but berthd's socket ${socket} (group berth, mode 660) is not open to ${user}: add the user to group berth (usermod -aG berth ${user}), log in again, then Restart engine`);
    await sleep(1500);
    expect(ourProcesses()).toEqual([]);
    expect(stateLines(app).filter((l) => l.includes('asked pkexec'))).toHaveLength(1);
    expect(await stopApp(app)).toBe(0);
  });
});
