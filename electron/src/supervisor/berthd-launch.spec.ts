// The launcher pkexec runs (assets/berthd-launch), run here by sh with a stand-in berthd main:
// which flags it lets through, that a closed stdin stops berthd, and that berthd's exit codes
// never look like pkexec's. The policy must name the path the supervisor runs.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_LAUNCHER } from './launch-command.js';

const assets = resolve(import.meta.dirname, '../../../assets');
const home = mkdtempSync(join(tmpdir(), 'berth-launch-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

// A stand-in berthd: records its arguments, exits with BERTH_TEST_EXIT's code, or waits for
// SIGTERM and records it.
mkdirSync(join(home, 'runtime-helper/dist'), { recursive: true });
writeFileSync(join(home, 'runtime-helper/dist/main.js'), `
const fs = require('node:fs');
fs.writeFileSync(${JSON.stringify(join(home, 'argv.json'))}, JSON.stringify(process.argv.slice(2)));
const code = process.argv.indexOf('--data-root') > 0 ? process.argv[process.argv.indexOf('--data-root') + 1].split('/exit-')[1] : undefined;
if (code !== undefined) process.exit(Number(code));
process.on('SIGTERM', () => { fs.writeFileSync(${JSON.stringify(join(home, 'signal'))}, 'SIGTERM'); process.exit(0); });
setInterval(() => {}, 1000);
`);
const launcher = join(home, 'berthd-launch');
writeFileSync(launcher, readFileSync(join(assets, 'berthd-launch'), 'utf8').replaceAll('@BERTH_HOME@', home).replaceAll('@NODE@', process.execPath));
chmodSync(launcher, 0o755);

/** Runs the launcher with its stdin held open (a closed stdin is the stop request). */
function run(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(launcher, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((r) => child.once('close', (status) => r({ status, stderr })));
}

describe('berthd-launch', () => {
  it('refuses flags that would let its caller do more than start berthd (exit 64, named)', async () => {
    const cases: [string[], RegExp][] = [
      [['--pidfile', '/etc/passwd'], /flag '--pidfile' is not one the app may pass/],
      [['--config-file=/root/x.json'], /flag '--config-file=\/root\/x.json' is not one the app may pass/],
      [['-H', 'tcp://0.0.0.0:2375'], /-H 'tcp:\/\/0\.0\.0\.0:2375': only unix:\/\/\/absolute\/path sockets/],
      [['--data-root', 'relative/dir'], /--data-root 'relative\/dir': expected an absolute path/],
      [['--group', 'a b'], /--group 'a b': not a group name/],
      [['--default-runtime', '/tmp/evil'], /expected berth-runtime, crun or runc/],
      [['--exec-root'], /flag --exec-root needs a value/],
    ];
    for (const [args, why] of cases) {
      const r = await run(args);
      expect(r.status, args.join(' ')).toBe(64);
      expect(r.stderr).toMatch(why);
    }
    expect(existsSync(join(home, 'argv.json'))).toBe(false);
  });

  it("passes the app's flags to berthd unchanged, and moves its 126/127 exits off pkexec's codes", async () => {
    const flags = ['-H', 'unix:///run/x/b.sock', '--data-root', '/d/exit-127', '--exec-root=/e', '-G', 'berth', '--registry-mirror', 'http://127.0.0.1:5000', '-D'];
    expect((await run(flags)).status).toBe(1);
    expect(JSON.parse(readFileSync(join(home, 'argv.json'), 'utf8'))).toEqual(flags);
    expect((await run(['--data-root', '/d/exit-3'])).status).toBe(3);
  });

  it('stops berthd with SIGTERM when its stdin closes (the app cannot signal root)', async () => {
    const child = spawn(launcher, ['-H', 'unix:///run/x/b.sock'], { stdio: ['pipe', 'ignore', 'pipe'] });
    await new Promise((r) => setTimeout(r, 500));
    expect(child.exitCode).toBeNull();
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(readFileSync(join(home, 'signal'), 'utf8')).toBe('SIGTERM');
  });

  it('is the program the polkit policy names, which the install script writes', () => {
    const policy = readFileSync(join(assets, 'org.berth.berthd.policy'), 'utf8');
    expect(/<annotate key="org\.freedesktop\.policykit\.exec\.path">([^<]+)<\/annotate>/.exec(policy)?.[1]).toBe(DEFAULT_LAUNCHER);
    expect(readFileSync(join(assets, 'install-pkexec.sh'), 'utf8')).toContain(`LAUNCHER="$LAUNCHER_DIR/berthd-launch"`);
    expect(DEFAULT_LAUNCHER).toBe('/usr/libexec/berth/berthd-launch');
  });
});
