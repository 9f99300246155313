// The same docker CLI commands against berthd and a real dockerd: exit codes, output, the shape
// of inspect, ps status text, diff, and the error messages of bad requests must match.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runDocker } from './support/berthd.js';
import { berthdBesideDockerd, cliOk, onBoth } from './support/engine-pair.js';
import { busyboxImage } from '../../test-support/paths.js';

const pair = berthdBesideDockerd();

/** Runs the same command on both engines. */
async function both(args: string[], input?: string) {
  const r = await onBoth(pair(), args, input);
  return { berth: r.berthd, docker: r.dockerd };
}

/** Error text with container IDs and names masked, so two engines can be compared. */
const mask = (s: string): string => s.replace(/[0-9a-f]{64}/g, '<id>').replace(/[0-9a-f]{12}/g, '<id>').replace(/^time=.*\n/gm, '').trim();

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
      console.log('CMP', args.join(' '), JSON.stringify([r.berth.code, r.berth.stderr, r.berth.stdout, r.docker.code, r.docker.stderr, r.docker.stdout]));
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
    // stdin through exec -i, and more output than a pipe holds (the shim holds it until berthd attached).
    const piped = await both(['exec', '-i', 'cmp2', 'sh', '-c', 'cat; echo done; head -c 300000 /dev/zero | tr "\\0" x'], 'piped-in\n');
    expect(piped.berth.code).toBe(0);
    expect(piped.berth.stdout).toBe(piped.docker.stdout);
    expect(piped.berth.stdout.length).toBe('piped-in\ndone\n'.length + 300000);
    // A command missing in the container: the same exit code from the CLI.
    const missing = await both(['exec', 'cmp2', 'no-such-command']);
    expect(missing.berth.code).toBe(missing.docker.code);
    for (const r of [missing.berth, missing.docker]) expect(r.stdout).toMatch(/^OCI runtime exec failed: .*no-such-command.*\r\n$/);
  });

  it('docker cp through volumes and binds: out of, into, read-only, a --read-only root', async () => {
    const work = mkdtempSync(join(tmpdir(), 'berth-cpmnt-'));
    try {
      // One bind directory per engine, the same content.
      const binds = { berth: join(work, 'bind-berth'), docker: join(work, 'bind-docker') };
      const ro = { berth: join(work, 'ro-berth'), docker: join(work, 'ro-docker') };
      for (const d of [...Object.values(binds), ...Object.values(ro)]) { mkdirSync(d); writeFileSync(join(d, 'b.txt'), 'from-bind\n'); }
      const start = await Promise.all([
        runDocker(pair().berth.host, ['run', '-d', '--name', 'cpm', '--network', 'none', '-v', 'cpmvol:/data', '-v', `${binds.berth}:/bind`, '-v', `${ro.berth}:/ro:ro`, 'busybox', 'sh', '-c', 'echo vol > /data/v.txt; mkdir /data/sub; echo deep > /data/sub/d.txt; ln -s /bind/b.txt /data/to-bind; touch /ready; sleep 1000']),
        runDocker(pair().dockerd.host, ['run', '-d', '--name', 'cpm', '--network', 'none', '-v', 'cpmvol:/data', '-v', `${binds.docker}:/bind`, '-v', `${ro.docker}:/ro:ro`, 'busybox', 'sh', '-c', 'echo vol > /data/v.txt; mkdir /data/sub; echo deep > /data/sub/d.txt; ln -s /bind/b.txt /data/to-bind; touch /ready; sleep 1000']),
      ]);
      expect(start.map((r) => r.code)).toEqual([0, 0]);
      for (let i = 0; i < 50 && (await both(['exec', 'cpm', 'test', '-e', '/ready'])).berth.code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
      await both(['exec', 'cpm', 'test', '-e', '/ready']);
      // Out of a volume, of a bind, of the volume's mount point (named after the path), and
      // through a link in the volume that points into the bind.
      for (const path of ['/data/v.txt', '/bind/b.txt', '/data/to-bind']) {
        const r = await both(['cp', `cpm:${path}`, '-']);
        expect(r.berth.code, path).toBe(r.docker.code);
        const names = (out: string): string => execFileSync('tar', ['-tf', '-'], { input: Buffer.from(out, 'latin1') }).toString();
        expect(names(r.berth.stdout), path).toBe(names(r.docker.stdout));
      }
      const dirs: Record<string, string[]> = {};
      for (const [engine, host] of [['berth', pair().berth.host], ['docker', pair().dockerd.host]] as const) {
        const dest = join(work, `out-${engine}`);
        mkdirSync(dest);
        expect((await runDocker(host, ['cp', 'cpm:/data', dest])).code).toBe(0);
        expect((await runDocker(host, ['cp', 'cpm:/data/to-bind', join(dest, 'followed')])).code).toBe(0);
        dirs[engine] = execFileSync('find', ['.'], { cwd: dest, encoding: 'utf8' }).split('\n').filter(Boolean).sort();
        expect(readFileSync(join(dest, 'data', 'sub', 'd.txt'), 'utf8')).toBe('deep\n');
      }
      expect(dirs.berth).toEqual(dirs.docker);
      // Into a volume and a bind; refused into a read-only bind with the same message.
      writeFileSync(join(work, 'in.txt'), 'payload\n');
      for (const dest of ['/data/', '/bind/']) expect((await both(['cp', join(work, 'in.txt'), `cpm:${dest}`])).berth.code).toBe(0);
      const seen = await both(['exec', 'cpm', 'cat', '/data/in.txt', '/bind/in.txt']);
      expect(seen.berth.stdout).toBe('payload\npayload\n');
      expect(seen.berth.stdout).toBe(seen.docker.stdout);
      expect(readFileSync(join(binds.berth, 'in.txt'), 'utf8')).toBe('payload\n');
      const refused = await both(['cp', join(work, 'in.txt'), 'cpm:/ro/']);
      expect(refused.berth.code).toBe(refused.docker.code);
      expect(refused.berth.code).not.toBe(0);
      expect(mask(refused.berth.stderr)).toBe(mask(refused.docker.stderr));
      expect(readFileSync(join(ro.berth, 'b.txt'), 'utf8')).toBe('from-bind\n');
      // A --read-only container: its volume takes files, its root does not.
      await both(['run', '-d', '--name', 'cpro', '--read-only', '--network', 'none', '-v', 'cprovol:/w', 'busybox', 'sleep', '1000']);
      const intoVol = await both(['cp', join(work, 'in.txt'), 'cpro:/w/']);
      expect([intoVol.berth.code, intoVol.docker.code]).toEqual([0, 0]);
      const intoRoot = await both(['cp', join(work, 'in.txt'), 'cpro:/tmp/']);
      expect(intoRoot.berth.code).toBe(intoRoot.docker.code);
      expect(intoRoot.berth.code).not.toBe(0);
      await both(['rm', '-f', '-v', 'cpm', 'cpro']);
      await both(['volume', 'rm', 'cpmvol', 'cprovol']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('ps: -n and -l count stopped containers, before/since/exited/volume filters, the COMMAND column', async () => {
    await both(['run', '--name', 'lsA', '--network', 'none', 'busybox', 'sh', '-c', 'echo a b; exit 2']);
    await both(['run', '-d', '--name', 'lsB', '--network', 'none', 'busybox', 'sleep', '1000']);
    await both(['create', '--name', 'lsC', '--network', 'none', '-v', 'lsvol:/lsdata', '--expose', '80', 'busybox', 'true']);
    const names = ['--format', '{{.Names}}'];
    for (const args of [
      ['-a', '--filter', 'name=^ls', '--format', '{{.Command}}'],
      ['-l', ...names], ['-n', '2', ...names],
      ['-a', '--filter', 'name=^ls', '--filter', 'before=lsB', ...names],
      ['-a', '--filter', 'name=^ls', '--filter', 'since=lsA', ...names],
      ['--filter', 'name=^ls', '--filter', 'since=lsA', ...names],
      ['-a', '--filter', 'name=^ls', '--filter', 'exited=0', ...names],
      ['-a', '--filter', 'name=^ls', '--filter', 'exited=2', ...names],
      ['-a', '--filter', 'volume=lsvol', ...names], ['-a', '--filter', 'volume=/lsdata', ...names],
      ['-a', '--filter', 'before=no-such-container'], ['-a', '--filter', 'exited=x'],
      // What berthd has not (health checks, published ports, swarm tasks) matches nothing, as on
      // a dockerd whose containers have none; network by the container's network mode.
      ...['health=none', 'health=healthy', 'network=none', 'network=host', 'expose=80', 'publish=80', 'is-task=true', 'is-task=false'].map((f) => ['-a', '--filter', 'name=^ls', '--filter', f, ...names]),
      ['-a', '--filter', 'health=bogus'], ['-a', '--filter', 'is-task=maybe'], ['-a', '--filter', 'expose=abc'],
    ]) {
      const r = await both(['ps', ...args]);
      expect(r.berth.code, args.join(' ')).toBe(r.docker.code);
      expect(r.berth.stdout, args.join(' ')).toBe(r.docker.stdout);
      expect(r.berth.stderr, args.join(' ')).toBe(r.docker.stderr);
    }
    expect((await both(['ps', '-a', '--filter', 'name=^ls', '--filter', 'before=lsB', ...names])).berth.stdout).toBe('lsA\n');
    await both(['rm', '-f', '-v', 'lsA', 'lsB', 'lsC']);
  });

  it('inspect: Config.Hostname set at create, null Env/Volumes/PidsLimit, each mount\'s Mode as dockerd gives it', async () => {
    const bind = mkdtempSync(join(tmpdir(), 'berth-insp-'));
    try {
      const created = await both(['create', '--name', 'insp', '--network', 'none', '--pids-limit', '-1', '-v', 'inspvol:/nv:ro', '-v', 'inspvol:/nv2', '-v', `${bind}:/b:ro`, '-v', `${bind}:/b2`,
        '--mount', 'type=volume,src=inspvol2,dst=/mv,readonly', '--mount', `type=bind,src=${bind},dst=/b3`, '-v', '/anon', 'busybox', 'true']);
      const id = created.berth.stdout.trim().slice(0, 12);
      const fields = await both(['inspect', '-f', '{{.Config.Hostname}}|{{json .Config.Env}}|{{json .Config.Volumes}}|{{json .HostConfig.PidsLimit}}', 'insp']);
      expect(fields.berth.stdout).toBe(`${id}|null|{"/anon":{}}|null\n`);
      expect(mask(fields.berth.stdout)).toBe(mask(fields.docker.stdout));
      // -s adds the writable layer's size and the virtual size; without it they are absent.
      for (const args of [['inspect', '-s', '-f', '{{.SizeRw}} {{.SizeRootFs}}', 'insp'], ['inspect', '-f', '{{.SizeRw}}', 'insp'], ['kill', 'no-such-container']]) {
        const r = await both(args);
        expect([r.berth.code, r.berth.stdout, r.berth.stderr], args.join(' ')).toEqual([r.docker.code, r.docker.stdout, r.docker.stderr]);
      }
      const modes = await both(['inspect', '-f', '{{range .Mounts}}{{.Destination}} {{json .Mode}} {{.RW}}{{"\\n"}}{{end}}', 'insp']);
      const sorted = (out: string): string[] => out.trim().split('\n').sort();
      expect(sorted(modes.berth.stdout)).toEqual(sorted(modes.docker.stdout));
      // Under --network host the hostname is the host's, in the config and in the container, as
      // with dockerd (berthd alone: a stopped dockerd leaves its host netns mounted in its exec root).
      const host = await cliOk(pair().berth.host, ['run', '--name', 'insph', '--network', 'host', 'busybox', 'sh', '-c', 'echo $HOSTNAME; cat /etc/hostname']);
      expect(host).toBe(`${hostname()}\n${hostname()}\n`);
      expect(await cliOk(pair().berth.host, ['inspect', '-f', '{{.Config.Hostname}}', 'insph'])).toBe(`${hostname()}\n`);
      await runDocker(pair().berth.host, ['rm', 'insph']);
      await both(['rm', '-v', 'insp']);
      await both(['volume', 'rm', 'inspvol', 'inspvol2']);
    } finally {
      rmSync(bind, { recursive: true, force: true });
    }
  });

  it('events filtered by image and by a name prefix; rename, logs --details and top errors', async () => {
    const since = String(Math.floor(Date.now() / 1000));
    await both(['run', '--name', 'evf1', '--network', 'none', 'busybox', 'sh', '-c', 'echo a; echo b >&2']);
    await both(['run', '-d', '--name', 'evf2', '--network', 'none', 'busybox', 'sleep', '300']);
    await both(['exec', 'evf2', 'true']);
    await both(['exec', 'evf2', 'sh', '-c', 'true']);
    const until = String(Math.floor(Date.now() / 1000) + 1);
    await new Promise((r) => setTimeout(r, 1100));
    // (Other tests' containers may have events in that second too: each check names evf ones.)
    for (const filter of ['image=busybox', 'container=evf1', 'image=busybox:latest']) {
      const r = await both(['events', '--since', since, '--until', until, '--filter', filter, '--filter', 'container=evf', '--format', '{{.Action}} {{.Actor.Attributes.name}}']);
      expect(r.berth.stdout, filter).toBe(r.docker.stdout);
    }
    expect((await both(['events', '--since', since, '--until', until, '--filter', 'image=busybox', '--filter', 'container=evf', '--format', '{{.Action}}'])).berth.stdout).toContain('die');
    // Exec events carry the command as dockerd writes it (program, space, arguments: "true ").
    const execs = await both(['events', '--since', since, '--until', until, '--filter', 'container=evf2', '--filter', 'event=exec_create', '--filter', 'event=exec_start', '--format', '{{json .Action}}']);
    expect(execs.berth.stdout).toBe(execs.docker.stdout);
    expect(execs.berth.stdout).toContain('"exec_start: true "');
    for (const args of [['rename', 'evf1', 'evf1'], ['rename', 'evf1', 'bad name'], ['logs', '--details', 'evf1'], ['logs', '--details', '-t', 'evf1'], ['top', 'evf2', '-x', 'bogus'], ['cp', 'evf2:/nonexist', '-']]) {
      const r = await both(args);
      const noTimes = (out: string): string => out.replace(/^\S+Z /gm, 'T ');
      expect(r.berth.code, args.join(' ')).toBe(r.docker.code);
      expect(noTimes(r.berth.stdout), args.join(' ')).toBe(noTimes(r.docker.stdout));
      expect(noTimes(r.berth.stderr), args.join(' ')).toBe(noTimes(r.docker.stderr));
    }
    await both(['rm', '-f', 'evf1', 'evf2']);
  });

  it('start -a on an exited container gives its output again; exec as a missing user fails with 126', async () => {
    await both(['create', '--name', 'sta', '--network', 'none', 'busybox', 'sh', '-c', 'echo started; exit 3']);
    for (let i = 0; i < 2; i++) {
      const r = await both(['start', '-a', 'sta']);
      expect([r.berth.code, r.berth.stdout], `start -a, run ${i + 1}`).toEqual([r.docker.code, r.docker.stdout]);
      expect(r.berth.stdout).toBe('started\n');
    }
    await both(['run', '-d', '--name', 'exu', '--network', 'none', 'busybox', 'sleep', '300']);
    for (const args of [['exec', '-u', 'nosuchuser', 'exu', 'true'], ['exec', '-u', '0:nosuchgroup', 'exu', 'true'], ['exec', '-d', '-u', 'nosuchuser', 'exu', 'true']]) {
      const r = await both(args);
      console.log('CMP', args.join(' '), JSON.stringify([r.berth.code, r.berth.stderr, r.berth.stdout, r.docker.code, r.docker.stderr, r.docker.stdout]));
      expect(r.berth.code, args.join(' ')).toBe(r.docker.code);
      expect(r.berth.stdout, args.join(' ')).toBe(r.docker.stdout);
      expect(mask(r.berth.stderr), args.join(' ')).toBe(mask(r.docker.stderr));
    }
    await both(['pause', 'exu']);
    const paused = await both(['exec', 'exu', 'true']);
    expect(paused.berth.stderr).toBe(paused.docker.stderr);
    await both(['rm', '-f', 'sta', 'exu']);
  });

  it('restart policies dockerd refuses, with its messages, on run and update', async () => {
    await both(['create', '--name', 'rpol', '--network', 'none', 'busybox', 'true']);
    for (const args of [
      ['run', '--rm', '--restart', 'bogus', '--network', 'none', 'busybox', 'true'],
      ['run', '--rm', '--restart', 'always:3', '--network', 'none', 'busybox', 'true'],
      ['run', '--rm', '--restart', 'on-failure:-1', '--network', 'none', 'busybox', 'true'],
      ['update', '--restart', 'bogus', 'rpol'], ['update', '--restart', 'unless-stopped:2', 'rpol'],
    ]) {
      const r = await both(args);
      console.log('CMP', args.join(' '), JSON.stringify([r.berth.code, r.berth.stderr, r.berth.stdout, r.docker.code, r.docker.stderr, r.docker.stdout]));
      expect(r.berth.code, args.join(' ')).toBe(r.docker.code);
      expect(r.berth.stderr, args.join(' ')).toBe(r.docker.stderr);
    }
    await both(['rm', 'rpol']);
  });

  it('volume inspect: CreatedAt to the second, null labels and options, as dockerd', async () => {
    await both(['volume', 'create', 'vinsp']);
    await both(['volume', 'create', '--label', 'k=v', 'vinsp2']);
    for (const name of ['vinsp', 'vinsp2']) {
      const r = await both(['volume', 'inspect', '--format', '{{json .Labels}} {{json .Options}} {{.Driver}} {{.Scope}}', name]);
      expect(r.berth.stdout, name).toBe(r.docker.stdout);
      const created = await both(['volume', 'inspect', '--format', '{{.CreatedAt}}', name]);
      expect(created.berth.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
      expect(created.docker.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    }
    await both(['volume', 'rm', 'vinsp', 'vinsp2']);
  });

  it('volume events of a run: create on first use, mount at start, unmount at exit', async () => {
    const since = String(Math.floor(Date.now() / 1000));
    const run = await both(['run', '--rm', '--network', 'none', '-v', 'evtvol:/x:ro', 'busybox', 'true']);
    expect(run.berth.code).toBe(0);
    await both(['volume', 'rm', 'evtvol']);
    const until = String(Math.floor(Date.now() / 1000) + 1);
    await new Promise((r) => setTimeout(r, 1100));
    const r = await both(['events', '--since', since, '--until', until, '--filter', 'type=volume', '--filter', 'volume=evtvol', '--format', '{{.Action}} {{.Actor.Attributes.destination}} {{index .Actor.Attributes "read/write"}} {{.Actor.Attributes.driver}}']);
    expect(r.berth.stdout).toBe(r.docker.stdout);
    expect(r.berth.stdout.split('\n').map((l) => l.split(' ')[0])).toEqual(['create', 'mount', 'unmount', 'destroy', '']);
  });

  it('docker cp into a container keeps the times of directories and symlinks', async () => {
    const work = mkdtempSync(join(tmpdir(), 'berth-cptimes-'));
    try {
      mkdirSync(join(work, 'd'));
      writeFileSync(join(work, 'd', 'f'), 'x\n');
      execFileSync('ln', ['-s', 'f', join(work, 'd', 'l')]);
      execFileSync('touch', ['-h', '-d', '2020-01-02 03:04:05', join(work, 'd', 'l'), join(work, 'd', 'f'), join(work, 'd')]);
      await both(['run', '-d', '--name', 'cpt', '--network', 'none', 'busybox', 'sleep', '300']);
      expect((await both(['cp', join(work, 'd'), 'cpt:/tmp/d'])).berth.code).toBe(0);
      const times = await both(['exec', 'cpt', 'sh', '-c', 'for p in /tmp/d /tmp/d/f /tmp/d/l; do echo "$p $(stat -c %Y $p)"; done']);
      expect(times.berth.stdout).toBe(times.docker.stdout);
      expect(times.berth.stdout.trim().split('\n').map((l) => l.split(' ')[1])).toEqual(Array(3).fill(String(Date.parse('2020-01-02T03:04:05') / 1000)));
      await both(['rm', '-f', 'cpt']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('disk usage: ps -s and system df -v count a container\'s writable layer and its volume alike', async () => {
    // 300,000 bytes written, hard-linked once (counted once), and 1,000 bytes in a named volume.
    const run = await both(['run', '--name', 'dfc', '-v', 'dfvol:/data', '--network', 'none', 'busybox', 'sh', '-c', 'head -c 300000 /dev/zero > /big && ln /big /big2 && ln -s /0123456789 /lnk && head -c 1000 /dev/zero > /data/f']);
    expect(run.berth.code).toBe(0);
    expect(run.docker.code).toBe(0);
    const ps = await both(['ps', '-a', '-s', '--filter', 'name=dfc', '--format', '{{.Size}}']);
    const rw = (out: string): string => out.trim().replace(/ \(virtual .*\)$/, '');
    expect(rw(ps.berth.stdout)).toBe(rw(ps.docker.stdout));
    expect(rw(ps.berth.stdout)).toBe('300kB');
    // To the byte: the hard link once, the symlink by its target's length (11).
    const exact = await both(['inspect', '-s', '-f', '{{.SizeRw}}', 'dfc']);
    expect(exact.berth.stdout).toBe(exact.docker.stdout);
    // The virtual size is the writable layer plus the image.
    const virtual = /\(virtual ([\d.]+)MB\)/.exec(ps.berth.stdout);
    expect(Number(virtual?.[1])).toBeGreaterThan(0.3);
    const df = await both(['system', 'df', '-v']);
    const row = (out: string, name: string): string[] => out.split('\n').find((l) => l.trim().startsWith(name) || l.trim().endsWith(` ${name}`))?.trim().split(/\s{2,}/) ?? [];
    // Volumes: NAME, LINKS, SIZE.
    expect(row(df.berth.stdout, 'dfvol')).toEqual(row(df.docker.stdout, 'dfvol'));
    expect(row(df.berth.stdout, 'dfvol')).toEqual(['dfvol', '1', '1kB']);
    // Containers: ... LOCAL VOLUMES, SIZE, CREATED, STATUS, NAMES.
    const container = (out: string): string[] => { const r = row(out, 'dfc'); return [r[3] ?? '', r[4] ?? '', r.at(-1) ?? '']; };
    expect(container(df.berth.stdout)).toEqual(container(df.docker.stdout));
    expect(container(df.berth.stdout)).toEqual(['1', '300kB', 'dfc']);
    // Each engine's summary counts what it holds (the other tests' containers and volumes too).
    const summary = await both(['system', 'df', '--format', '{{.Type}}|{{.TotalCount}}|{{.Active}}']);
    const lines = (out: string): string[] => out.trim().split('\n').filter((l) => /^(Containers|Local Volumes)\|/.test(l));
    expect(lines(summary.berth.stdout)).toEqual(lines(summary.docker.stdout));
    await both(['rm', '-v', 'dfc']);
    await both(['volume', 'rm', 'dfvol']);
  });

  it('the init layer: /.dockerenv and /etc/mtab in every container, mount points kept out of diff and commit, in export', async () => {
    // An image of nothing but bin/ (no /etc, /proc, /sys, /dev): what the container gets besides
    // comes from the engine's init layer, not its writable one.
    const work = mkdtempSync(join(tmpdir(), 'berth-initlayer-'));
    try {
      const tar = join(work, 'bare.tar');
      execFileSync('tar', ['-C', busyboxImage().rootfs, '-cf', tar, 'bin']);
      const imported = await both(['import', tar, 'bare:1']);
      expect(imported.berth.code, imported.berth.stderr).toBe(0);
      expect(imported.docker.code, imported.docker.stderr).toBe(0);
      const probe = await both(['run', '--name', 'initl', '--network', 'none', 'bare:1', '/bin/sh', '-c', 'ls -l /.dockerenv | cut -c1-10; readlink /etc/mtab; ls -d /proc /sys /dev/pts /dev/shm']);
      expect(probe.berth.stdout).toBe(probe.docker.stdout);
      expect(probe.berth.stdout).toBe('-rwxr-xr-x\n/proc/mounts\n/dev/pts\n/dev/shm\n/proc\n/sys\n');
      const diff = await both(['diff', 'initl']);
      expect(diff.berth.stdout).toBe(diff.docker.stdout);
      expect(diff.berth.stdout).toBe('');
      const list = async (engine: 'berth' | 'docker'): Promise<string[]> => {
        const host = engine === 'berth' ? pair().berth.host : pair().dockerd.host;
        const out = join(work, `${engine}.tar`);
        const r = await runDocker(host, ['export', '-o', out, 'initl']);
        expect(r.code, r.stderr).toBe(0);
        return execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).split('\n').filter((l) => /^(\.dockerenv|etc\/mtab|etc\/hosts|etc\/hostname|etc\/resolv\.conf|dev\/console|dev\/pts\/|dev\/shm\/)$/.test(l)).sort();
      };
      expect(await list('berth')).toEqual(await list('docker'));
      expect(await list('berth')).toContain('.dockerenv');
      // A commit takes the writable layer only: the image's one new layer has no init files.
      const since = String(Math.floor(Date.now() / 1000) - 1);
      await both(['commit', '-m', 'snap', 'initl', 'bare:2']);
      const layers = await both(['history', '--no-trunc', '--format', '{{.Size}}|{{.CreatedBy}}|{{.Comment}}', 'bare:2']);
      expect(layers.berth.stdout.split('\n')[0]).toBe(layers.docker.stdout.split('\n')[0]);
      expect(layers.berth.stdout.split('\n')[0]).toBe('0B|/bin/sh -c ls -l /.dockerenv | cut -c1-10; readlink /etc/mtab; ls -d /proc /sys /dev/pts /dev/shm|snap');
      // The commit event names the container, its image and the comment, as dockerd's does.
      const events = await both(['events', '--since', since, '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'event=commit', '--format', '{{json .Actor.Attributes}}']);
      const attrs = (out: string): Record<string, string> => { const a = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, string>; delete a.imageID; return a; };
      expect(attrs(events.berth.stdout)).toEqual(attrs(events.docker.stdout));
      expect(attrs(events.berth.stdout)).toMatchObject({ name: 'initl', image: 'bare:1', comment: 'snap', imageRef: 'bare:2' });
      await both(['rm', 'initl']);
      await both(['rmi', 'bare:2', 'bare:1']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('a missing image is named as dockerd names it (the tag it defaults to) by rmi, inspect, history and tag', async () => {
    for (const args of [['rmi', 'nosuch'], ['history', 'nosuch'], ['tag', 'nosuch', 'other'], ['rmi', 'library/nosuch:1']]) {
      const r = await both(args);
      expect(r.berth.code, args.join(' ')).toBe(r.docker.code);
      expect(mask(r.berth.stderr), args.join(' ')).toBe(mask(r.docker.stderr));
    }
    // dockerd 20.10 wraps this one ("no such image: nosuch: No such image: nosuch:latest"); newer
    // dockerd does not: the part both say is compared.
    const inspect = await both(['image', 'inspect', 'nosuch']);
    expect(inspect.berth.code).toBe(inspect.docker.code);
    for (const out of [inspect.berth.stderr, inspect.docker.stderr]) expect(out).toMatch(/No such image: nosuch:latest/);
  });

  it('create reports what dockerd reports first: its settings, then the image, then the command, then the name', async () => {
    await both(['create', '--name', 'taken', '--network', 'none', 'busybox', 'true']);
    // The test image has no CMD.
    for (const args of [
      ['create', '--name', 'taken', '--network', 'none', 'busybox'],
      ['create', '--name', 'taken', '--restart', 'bogus', '--network', 'none', 'busybox', 'true'],
      // --pull never: the CLI would try a registry for a missing image (no traffic leaves this host).
      ['create', '--pull', 'never', '--restart', 'bogus', '--network', 'none', 'no-such-image', 'true'],
      ['create', '--pull', 'never', '--name', 'taken', '--network', 'none', 'no-such-image', 'true'],
      ['create', '--name', 'taken', '--network', 'none', 'busybox', 'true'],
    ]) {
      const r = await both(args);
      expect(r.berth.code, args.join(' ')).toBe(r.docker.code);
      expect(mask(r.berth.stderr), args.join(' ')).toBe(mask(r.docker.stderr));
    }
    await both(['rm', 'taken']);
  });

  it("inspect's ExecIDs lists the exec sessions still running, as dockerd's", async () => {
    await both(['run', '-d', '--name', 'execids', '--network', 'none', 'busybox', 'sleep', '300']);
    await both(['exec', 'execids', 'true']);
    await both(['exec', '-d', 'execids', 'sleep', '30']);
    const r = await both(['inspect', '-f', '{{len .ExecIDs}}', 'execids']);
    expect(r.berth.stdout).toBe(r.docker.stdout);
    expect(r.berth.stdout.trim()).toBe('1');
    await both(['rm', '-f', 'execids']);
  });

  it('rm -f of a running container sends kill (signal 9), die and destroy, as dockerd', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    await both(['run', '-d', '--name', 'rmf-events', '--network', 'none', 'busybox', 'sleep', '300']);
    await both(['rm', '-f', 'rmf-events']);
    const r = await both(['events', '--since', since, '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=rmf-events', '--filter', 'event=kill', '--filter', 'event=die', '--filter', 'event=destroy', '--format', '{{.Action}} {{.Actor.Attributes.signal}}']);
    expect(r.berth.stdout).toBe(r.docker.stdout);
    expect(r.berth.stdout.split('\n').filter(Boolean)).toEqual(['kill 9', 'die <no value>', 'destroy <no value>']);
  });
});
