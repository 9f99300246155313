// The same docker CLI image commands against berthd and a real dockerd (history, images, rmi,
// tag, save/load, import, commit, filter errors, vfs's init layer): exit codes and output must
// match. docker cp's side is cp-vs-dockerd.test.ts.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { runDocker, startBerthd } from './support/berthd.js';
import { busyboxImage } from '../../test-support/paths.js';
import { berthdBesideDockerd, cliOk, onBoth, type CliResult, type EngineName } from './support/engine-pair.js';

const pair = berthdBesideDockerd();

async function both(args: string[], input?: string): Promise<{ berth: CliResult; docker: CliResult }> {
  const r = await onBoth(pair(), args, input);
  return { berth: r.berthd, docker: r.dockerd };
}

const hostOf = (engine: EngineName): string => (engine === 'berthd' ? pair().berth.host : pair().dockerd.host);

/** Each engine's image IDs (full and short) replaced by the names given, so outputs compare. */
async function namer(engine: EngineName, names: string[]): Promise<(s: string) => string> {
  const ids = await Promise.all(names.map(async (n) => (await cliOk(hostOf(engine), ['image', 'inspect', '-f', '{{.Id}}', n])).trim()));
  return (s) => ids.reduce((out, id, i) => out.replaceAll(id, `<${names[i]}>`).replaceAll(id.slice(7, 19), `<${names[i]}>`), s)
    .replace(/sha256:[0-9a-f]{64}/g, '<layer>').replace(/[0-9a-f]{12}/g, '<id>');
}

/** The same command on both, each output with its engine's IDs named. */
async function named(args: string[], names: string[]): Promise<{ berth: CliResult; docker: CliResult }> {
  const [nb, nd] = await Promise.all([namer('berthd', names), namer('dockerd', names)]);
  const r = await both(args);
  const map = (c: CliResult, n: (s: string) => string): CliResult => ({ code: c.code, stdout: n(c.stdout), stderr: n(c.stderr) });
  return { berth: map(r.berth, nb), docker: map(r.docker, nd) };
}

/** berthd killed and started again on its data root (what it knows must survive). */
async function restartBerthd(): Promise<void> {
  const p = pair();
  p.berth.child.kill('SIGKILL');
  for (let i = 0; i < 100 && p.berth.child.exitCode === null && p.berth.child.signalCode === null; i++) await sleep(50);
  const restarted = await startBerthd(['--data-root', p.berth.dataRoot]);
  const old = p.berth;
  p.berth = { ...restarted, stop: async () => { const c = await restarted.stop(); rmSync(old.dir, { recursive: true, force: true }); return c; } };
}

describe('image commands: berthd and dockerd give the same answers', () => {
  it('a commit\'s parent: history shows its ID, rmi keeps it for its child, images hides it as an intermediate, after a restart too', async () => {
    await both(['run', '--name', 'par1', '--network', 'none', 'busybox', 'sh', '-c', 'echo a > /a']);
    await both(['commit', 'par1', 'chain1:1']);
    await both(['run', '--name', 'par2', '--network', 'none', 'chain1:1', 'sh', '-c', 'echo b > /b']);
    await both(['commit', '-m', 'second', 'par2', 'chain2:1']);
    await both(['rm', 'par1', 'par2']);
    const names = ['chain2:1', 'chain1:1', 'busybox'];
    const parent = await named(['image', 'inspect', '-f', '{{.Parent}}', 'chain2:1', 'chain1:1'], names);
    expect(parent.berth.stdout).toBe(parent.docker.stdout);
    expect(parent.berth.stdout).toBe('<chain1:1>\n<busybox>\n');
    for (const args of [['history', 'chain2:1'], ['history', '--no-trunc', '--format', '{{.ID}}|{{.Tags}}|{{.CreatedBy}}|{{.Comment}}', 'chain2:1'], ['history', '-q', 'chain2:1']]) {
      const r = await named(args, names);
      const lines = (out: string): string[] => out.split('\n').map((l) => l.replace(/\d+ seconds? ago|Less than a second ago|About a minute ago/, 'N ago').replace(/\s+/g, ' '));
      expect(lines(r.berth.stdout), args.join(' ')).toEqual(lines(r.docker.stdout));
    }
    expect((await named(['history', '-q', 'chain2:1'], names)).berth.stdout).toBe('<chain2:1>\n<chain1:1>\n<busybox>\n');
    // Untagging the parent leaves it (its child holds it); it is then an intermediate image.
    const untag = await both(['rmi', 'chain1:1']);
    expect([untag.berth.code, untag.berth.stdout]).toEqual([untag.docker.code, untag.docker.stdout]);
    expect(untag.berth.stdout).toBe('Untagged: chain1:1\n');
    await restartBerthd();
    const childNames = ['chain2:1', 'busybox'];
    const fmt = ['--format', '{{.Repository}}:{{.Tag}}'];
    for (const args of [['images', ...fmt], ['images', '-a', ...fmt], ['images', '--filter', 'dangling=true', ...fmt], ['images', '-a', '--filter', 'dangling=true', ...fmt], ['images', '--filter', 'dangling=false', ...fmt], ['history', '-q', 'chain2:1']]) {
      const r = await named(args, childNames);
      expect(r.berth.stdout.split('\n').sort(), args.join(' ')).toEqual(r.docker.stdout.split('\n').sort());
    }
    expect((await cliOk(pair().berth.host, ['images', '-a', ...fmt])).split('\n').sort()).toEqual(['', '<none>:<none>', 'busybox:latest', 'chain2:1']);
    // The parent by ID: refused, even with -f, as dockerd refuses it.
    for (const force of [[], ['-f']]) {
      const ids = await Promise.all((['berthd', 'dockerd'] as const).map(async (e) => (await cliOk(hostOf(e), ['image', 'inspect', '-f', '{{.Parent}}', 'chain2:1'])).trim().slice(7, 19)));
      const [b, d] = await Promise.all([runOn('berthd', ['rmi', ...force, ids[0]!]), runOn('dockerd', ['rmi', ...force, ids[1]!])]);
      expect([b.code, b.stderr.replace(ids[0]!, '<parent>')], force.join()).toEqual([d.code, d.stderr.replace(ids[1]!, '<parent>')]);
      expect(b.stderr).toMatch(/unable to delete [0-9a-f]{12} \(cannot be forced\) - image has dependent child images/);
    }
    // The child goes with its layer, then the untagged parent with its own: the same lines.
    const rm = await named(['rmi', 'chain2:1'], ['chain2:1']);
    expect(rm.berth.stdout.replace(/<id>/g, '')).toBe(rm.docker.stdout.replace(/<id>/g, ''));
    expect(rm.berth.stdout.split('\n').filter((l) => l.startsWith('Deleted: '))).toHaveLength(4);
  });

  it('rmi: tags in one and in several repositories, containers stopped and running, -f, short IDs; ps shows the ID of an image gone', async () => {
    const imported = await Promise.all((['berthd', 'dockerd'] as const).map(async (e) => (await cliOk(hostOf(e), ['import', busyboxImage().tar, 'rmbase'])).trim().slice(7, 19)));
    const idOf: Record<EngineName, string> = { berthd: imported[0]!, dockerd: imported[1]! };
    const onEach = async (args: (id: string) => string[]): Promise<void> => {
      const [b, d] = await Promise.all((['berthd', 'dockerd'] as const).map(async (e) => {
        const r = await runOn(e, args(idOf[e]));
        return [r.code, r.stdout, r.stderr].map((x) => String(x).replace(/[0-9a-f]{64}/g, '<long>').replaceAll(idOf[e], '<image>').replace(/[0-9a-f]{12}/g, '<short>'));
      }));
      expect(b, args('ID').join(' ')).toEqual(d);
    };
    for (const t of ['rm1:a', 'rm1:b', 'rm2:a', 'localhost:5000/rmx:1']) await both(['tag', 'rmbase', t]);
    // Tags in dockerd's order: by full name (docker.io/library/... before localhost:5000/...).
    await onEach(() => ['image', 'inspect', '-f', '{{json .RepoTags}}', 'rmbase']);
    await onEach(() => ['rmi', 'localhost:5000/rmx:1']);
    await onEach((id) => ['rmi', id]); // several repositories: must be forced
    await onEach(() => ['rmi', '-f', 'rm1:a']);
    await both(['create', '--pull', 'never', '--name', 'rmst', '--network', 'none', 'rmbase', 'true']);
    await both(['run', '--pull', 'never', '-d', '--name', 'rmrun', '--network', 'none', 'rm2:a', 'sleep', '100']);
    for (const args of [['rmi', 'rm2:a'], ['rmi', 'rmbase'], ['rmi', 'rm1:b']]) await onEach(() => args);
    await onEach((id) => ['rmi', id]); // running container: cannot be forced
    await onEach((id) => ['rmi', '-f', id]);
    await both(['rm', '-f', 'rmrun']);
    await onEach((id) => ['rmi', id]); // stopped container: must be forced
    await onEach((id) => ['rmi', '-f', id]); // untags and deletes; the container keeps its layers
    await onEach(() => ['ps', '-a', '--filter', 'name=rmst', '--format', '{{.Names}} {{.Image}}']);
    await both(['rm', 'rmst']);
    await onEach((id) => ['rmi', id]);
    // Filter values dockerd refuses, with its words.
    for (const args of [['images', '--filter', 'dangling=maybe'], ['images', '--filter', 'dangling=1'], ['images', '--filter', 'bogus=1'], ['volume', 'ls', '--filter', 'dangling=maybe'], ['image', 'prune', '-f', '--filter', 'dangling=maybe'], ['ps', '--filter', 'bogus=1']]) {
      const r = await both(args);
      expect([r.berth.code, r.berth.stdout, r.berth.stderr], args.join(' ')).toEqual([r.docker.code, r.docker.stdout, r.docker.stderr]);
    }
  });

  it('save and load: a repository saves all its tags, an ID none; a load that moves a tag says so; errors in the stream', async () => {
    const work = mkdtempSync(join(tmpdir(), 'berth-saveload-'));
    try {
      for (const t of ['sl:1', 'sl:2', 'slother:x']) await both(['tag', 'busybox', t]);
      const manifest = (file: string): Array<{ RepoTags: string[] | null }> => JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' })) as Array<{ RepoTags: string[] | null }>;
      const saved = async (engine: EngineName, args: string[]): Promise<string> => {
        const file = join(work, `${engine}-${args.join('_').replace(/[^a-z0-9_]/gi, '')}.tar`);
        await cliOk(hostOf(engine), ['save', '-o', file, ...args]);
        return file;
      };
      const ids = await Promise.all((['berthd', 'dockerd'] as const).map(async (e) => (await cliOk(hostOf(e), ['images', '-q', 'busybox'])).trim()));
      for (const [b, d] of [[['sl'], ['sl']], [['sl:2', 'slother'], ['sl:2', 'slother']], [[ids[0]!], [ids[1]!]]]) {
        const tagsB = manifest(await saved('berthd', b!)).map((m) => (m.RepoTags ?? []).sort());
        const tagsD = manifest(await saved('dockerd', d!)).map((m) => (m.RepoTags ?? []).sort());
        expect(tagsB, b!.join(' ')).toEqual(tagsD);
      }
      expect(manifest(await saved('berthd', ['sl'])).map((m) => m.RepoTags?.sort())).toEqual([['sl:1', 'sl:2']]);
      // Each engine loads the other's archive over its own sl tags: dockerd says it moved them.
      const [fromD, fromB] = [await saved('dockerd', ['sl']), await saved('berthd', ['sl'])];
      const [lb, ld] = await Promise.all([runOn('berthd', ['load', '-i', fromD]), runOn('dockerd', ['load', '-i', fromB])]);
      const masked = (out: string): string => out.replace(/sha256:[0-9a-f]{64}/g, '<id>');
      expect(masked(lb.stdout)).toBe(masked(ld.stdout));
      expect(masked(lb.stdout)).toBe('The image sl:1 already exists, renaming the old one with ID <id> to empty string\nLoaded image: sl:1\nThe image sl:2 already exists, renaming the old one with ID <id> to empty string\nLoaded image: sl:2\n');
      // Loading it again moves nothing.
      const [againB, againD] = await Promise.all([runOn('berthd', ['load', '-i', fromD]), runOn('dockerd', ['load', '-i', fromB])]);
      expect(againB.stdout).toBe(againD.stdout);
      expect(againB.stdout).toBe('Loaded image: sl:1\nLoaded image: sl:2\n');
      // Errors: a missing image by the name given; garbage fails in the stream (no "Error response from daemon").
      const missing = await both(['save', '-o', join(work, 'x.tar'), 'nosuchrepo']);
      expect([missing.berth.code, missing.berth.stderr]).toEqual([missing.docker.code, missing.docker.stderr]);
      writeFileSync(join(work, 'garbage.tar'), 'garbage\n');
      const garbage = await both(['load', '-i', join(work, 'garbage.tar')]);
      expect(garbage.berth.code).toBe(garbage.docker.code);
      for (const out of [garbage.berth.stderr, garbage.docker.stderr]) expect(out).not.toMatch(/Error response from daemon/);
      await both(['rmi', 'sl:1', 'sl:2', 'slother:x']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('import and commit with -c and -m: the config, the history, the run, and dockerd\'s words for bad changes', async () => {
    const tar = busyboxImage().tar;
    const changes = ['CMD ["echo","hi"]', 'ENV A=1 B=2', 'ENV X "quoted value"', 'LABEL "k k"="v v" plain=a\\ b', 'WORKDIR /tmp', 'USER nobody', 'EXPOSE 80 53/udp', 'ENTRYPOINT ["/bin/sh","-c"]', 'VOLUME /data'];
    const imported = await both(['import', ...changes.flatMap((c) => ['-c', c]), '-m', 'my message', tar, 'impc:1']);
    expect([imported.berth.code, imported.docker.code]).toEqual([0, 0]);
    for (const args of [
      ['image', 'inspect', '-f', '{{json .Config}}|{{.Comment}}|{{.Author}}|{{.Architecture}}|{{.Os}}', 'impc:1'],
      ['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}|{{.Size}}', 'impc:1'],
      ['run', '--rm', '--network', 'none', 'impc:1', 'pwd; id -u; echo $A$B $X'],
    ]) {
      const r = await both(args);
      expect([r.berth.code, r.berth.stdout, r.berth.stderr], args.join(' ')).toEqual([r.docker.code, r.docker.stdout, r.docker.stderr]);
    }
    await both(['run', '--name', 'impcm', '--network', 'none', 'impc:1', 'true']);
    const committed = await both(['commit', '-c', 'ENV C=3', '-c', 'CMD ["x"]', '-m', 'commit message', 'impcm', 'impc:2']);
    expect([committed.berth.code, committed.docker.code]).toEqual([0, 0]);
    const cfg = await both(['image', 'inspect', '-f', '{{json .Config.Env}} {{json .Config.Cmd}} {{json .Config.Entrypoint}} {{.Comment}}', 'impc:2']);
    expect(cfg.berth.stdout).toBe(cfg.docker.stdout);
    // The whole container config goes in (the image's volumes too), the config before the
    // changes as ContainerConfig.
    const whole = await both(['image', 'inspect', '-f', '{{json .Config}} {{json .ContainerConfig.Cmd}} {{json .ContainerConfig.Env}}', 'impc:2']);
    expect(mask(whole.berth.stdout)).toBe(mask(whole.docker.stdout));
    expect(whole.berth.stdout).toMatch(/"Volumes":\{"\/data":\{\}\}/);
    const raw = await Promise.all((['berthd', 'dockerd'] as const).map(async (e) => JSON.parse(await cliOk(hostOf(e), ['image', 'inspect', 'impc:2']))[0].Config as Record<string, unknown>));
    for (const key of ['Hostname', 'Image', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin']) expect(mask(String(raw[0]![key])), key).toBe(mask(String(raw[1]![key])));
    expect(raw[0]!.Image).toBe('impc:1');
    for (const change of ['bogus x', 'ENV', 'ENV A', 'ENV A=1 B', 'EXPOSE abc', 'EXPOSE 99999', 'EXPOSE 90-80', 'LABEL a', 'USER', 'WORKDIR', 'VOLUME', 'ONBUILD FROM x', 'RUN true']) {
      const r = await both(['import', '-c', change, tar, 'impc:bad']);
      expect([r.berth.code, r.berth.stderr], change).toEqual([r.docker.code, r.docker.stderr]);
      const c = await both(['commit', '-c', change, 'impcm', 'impc:bad']);
      expect([c.berth.code, c.berth.stderr], `commit ${change}`).toEqual([c.docker.code, c.docker.stderr]);
    }
    await both(['rm', 'impcm']);
    await both(['rmi', 'impc:2', 'impc:1']);
  });

  it('images filters (label, reference with wildcards, before, since, dangling), --digests, and tag\'s errors', async () => {
    await both(['run', '--name', 'flt', '--network', 'none', 'busybox', 'true']);
    await both(['commit', '-c', 'LABEL a=1 b=two', 'flt', 'flab/one:1']);
    await sleep(1100); // before/since compare creation times to the second
    await both(['commit', '-c', 'LABEL a=2', 'flt', 'flab/two:1']);
    await both(['tag', 'flab/two:1', 'fother/two:x']);
    await both(['rm', 'flt']);
    const fmt = ['--format', '{{.Repository}}:{{.Tag}}'];
    const filters = ['label=a', 'label=a=1', 'label=b=two', 'label=a=3', 'reference=flab/*', 'reference=*/two', 'reference=flab/*:1', 'reference=f*/*:x', 'reference=*two*',
      'before=flab/two:1', 'since=flab/one:1', 'before=nosuch', 'dangling=false'];
    for (const f of filters) {
      const r = await both(['images', ...fmt, '--filter', f, '--filter', 'reference=f*/*']);
      const sorted = (out: string): string[] => out.split('\n').sort();
      expect([r.berth.code, sorted(r.berth.stdout), r.berth.stderr], f).toEqual([r.docker.code, sorted(r.docker.stdout), r.docker.stderr]);
    }
    const digests = await both(['images', '--digests', '--format', '{{.Repository}}:{{.Tag}} {{.Digest}}', 'flab/*']);
    expect(digests.berth.stdout.split('\n').sort()).toEqual(digests.docker.stdout.split('\n').sort());
    for (const args of [['tag', 'busybox', 'Bad:1'], ['tag', 'busybox', 'a:b:c'], ['tag', 'busybox', 'ok:-bad'], ['tag', 'busybox', 'ok@sha256:abc'], ['tag', 'nosuch', 'x'], ['tag', 'sha256:zz', 'x'], ['tag', 'busybox', 'a//b']]) {
      const r = await both(args);
      expect([r.berth.code, r.berth.stderr], args.join(' ')).toEqual([r.docker.code, r.docker.stderr]);
    }
    await both(['rmi', 'flab/one:1', 'flab/two:1', 'fother/two:x']);
  });

  it('image events as dockerd sends them: commit\'s tag, untag and delete naming the image, its labels, import after its tag, save and load, no untag for a moved tag', async () => {
    const work = mkdtempSync(join(tmpdir(), 'berth-imgevents-'));
    try {
      const since = String(Math.floor(Date.now() / 1000));
      await both(['run', '--name', 'ev1', '--network', 'none', 'busybox', 'sh', '-c', 'echo a > /a']);
      await both(['commit', '-c', 'LABEL ev=1', 'ev1', 'evc1:1']); // an image's labels go into its events
      await both(['tag', 'evc1:1', 'evc1:2']);
      await both(['rm', 'ev1']);
      await both(['rmi', 'evc1:1', 'evc1:2']);
      await both(['import', busyboxImage().tar, 'evi:1']);
      await Promise.all((['berthd', 'dockerd'] as const).map((e) => cliOk(hostOf(e), ['save', '-o', join(work, `${e}.tar`), 'evi:1'])));
      await both(['rmi', 'evi:1']);
      await Promise.all((['berthd', 'dockerd'] as const).map((e) => cliOk(hostOf(e), ['load', '-i', join(work, `${e}.tar`)])));
      await both(['tag', 'busybox', 'evi:1']); // moves the tag: the loaded image goes dangling, silently
      await both(['rmi', 'evi:1']);
      await both(['image', 'prune', '-f']);
      const until = String(Math.floor(Date.now() / 1000) + 1);
      await sleep(1100);
      const r = await both(['events', '--since', since, '--until', until, '--filter', 'type=image', '--format', '{{.Action}} {{json .Actor.Attributes}}']);
      expect(mask(r.berth.stdout)).toBe(mask(r.docker.stdout));
      const lines = mask(r.berth.stdout).split('\n');
      expect(lines).toContain('tag {"ev":"1","name":"evc1:1"}');
      expect(lines).toContain('untag {"ev":"1","name":"sha256:<id>"}');
      const imported = lines.indexOf('tag {"name":"evi:1"}');
      expect(lines.slice(imported, imported + 2)).toEqual(['tag {"name":"evi:1"}', 'import {"name":"sha256:<id>"}']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('commit pauses a running container for the commit unless -p=false, and leaves a paused one paused', async () => {
    const since = String(Math.floor(Date.now() / 1000));
    await both(['run', '-d', '--name', 'cpz', '--network', 'none', 'busybox', 'sleep', '300']);
    await both(['commit', 'cpz', 'cpz:1']);
    await both(['commit', '-p=false', 'cpz', 'cpz:2']);
    await both(['pause', 'cpz']);
    await both(['commit', 'cpz', 'cpz:3']);
    const paused = await both(['inspect', '-f', '{{.State.Status}}', 'cpz']);
    expect([paused.berth.stdout, paused.docker.stdout]).toEqual(['paused\n', 'paused\n']);
    const until = String(Math.floor(Date.now() / 1000) + 1);
    await sleep(1100);
    const r = await both(['events', '--since', since, '--until', until, '--filter', 'container=cpz', '--filter', 'event=pause', '--filter', 'event=unpause', '--filter', 'event=commit', '--format', '{{.Action}}']);
    expect(r.berth.stdout).toBe(r.docker.stdout);
    expect(r.berth.stdout).toBe('pause\ncommit\nunpause\ncommit\npause\ncommit\n');
    await both(['rm', '-f', 'cpz']);
    await both(['rmi', 'cpz:1', 'cpz:2', 'cpz:3']);
  });

  it('regular-expression filters are Go\'s: one that does not compile matches nothing (no error), RE2 syntax works', async () => {
    await both(['create', '--name', 'rxWeb1', '--network', 'none', 'busybox', 'true']);
    await both(['volume', 'create', 'rxvol1']);
    for (const pattern of ['[', 'a(', '*x', '(?i)^RXWEB', '^rx[[:alpha:]]+[[:digit:]]$', '\\Qrxweb1\\E', '(?i)\\Qrxweb1\\E', '^rx', 'Web', '(a)\\1']) {
      const ps = await both(['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${pattern}`]);
      expect([ps.berth.code, ps.berth.stdout, ps.berth.stderr], `ps name=${pattern}`).toEqual([ps.docker.code, ps.docker.stdout, ps.docker.stderr]);
      const vols = await both(['volume', 'ls', '-q', '--filter', `name=${pattern.replace(/web/gi, 'vol')}`]);
      expect([vols.berth.code, vols.berth.stdout, vols.berth.stderr], `volume ls name=${pattern}`).toEqual([vols.docker.code, vols.docker.stdout, vols.docker.stderr]);
    }
    expect((await both(['ps', '-a', '--format', '{{.Names}}', '--filter', 'name=(?i)^RXWEB'])).berth.stdout).toBe('rxWeb1\n');
    expect((await both(['ps', '-a', '--format', '{{.Names}}', '--filter', 'name=['])).berth.stdout).toBe('');
    await both(['rm', 'rxWeb1']);
    await both(['volume', 'rm', 'rxvol1']);
  });
});

describe('the vfs snapshotter beside dockerd\'s overlay2', () => {
  it('has the init layer too: /.dockerenv, /etc/mtab and the mount points in every container, never in diff or a commit', async () => {
    const vfs = await startBerthd(['-s', 'vfs']);
    const work = mkdtempSync(join(tmpdir(), 'berth-vfsinit-'));
    try {
      expect((await cliOk(vfs.host, ['info', '--format', '{{.Driver}}'])).trim()).toBe('vfs');
      // An image of nothing but bin/, and the full test image.
      const bare = join(work, 'bare.tar');
      execFileSync('tar', ['-C', busyboxImage().rootfs, '-cf', bare, 'bin']);
      const engines = [vfs.host, pair().dockerd.host];
      for (const host of engines) {
        await cliOk(host, ['import', bare, 'vfsbare:1']);
        await cliOk(host, ['import', busyboxImage().tar, 'vfsbusy:1']);
      }
      const onEach = (args: string[]): Promise<CliResult[]> => Promise.all(engines.map((h) => runDocker(h, args)));
      const [probe, probeD] = await onEach(['run', '--name', 'vfsi', '--network', 'none', 'vfsbare:1', '/bin/sh', '-c', 'ls -l /.dockerenv | cut -c1-10; readlink /etc/mtab; ls -d /proc /sys /dev/pts /dev/shm; echo x > /new']);
      expect(probe!.stdout).toBe(probeD!.stdout);
      expect(probe!.stdout).toBe('-rwxr-xr-x\n/proc/mounts\n/dev/pts\n/dev/shm\n/proc\n/sys\n');
      const [diff, diffD] = await onEach(['diff', 'vfsi']);
      expect(diff!.stdout).toBe(diffD!.stdout);
      expect(diff!.stdout).toBe('A /new\n');
      const exported = async (host: string, name: string): Promise<string[]> => {
        const out = join(work, `${name}.tar`);
        await cliOk(host, ['export', '-o', out, 'vfsi']);
        return execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).split('\n').filter((l) => /^(\.dockerenv|etc\/|dev\/|proc\/|sys\/)/.test(l)).sort();
      };
      expect(await exported(vfs.host, 'vfs')).toEqual(await exported(pair().dockerd.host, 'dockerd'));
      // The commit takes /new only: one 2-byte layer.
      const [size, sizeD] = await Promise.all(engines.map(async (h) => { await cliOk(h, ['commit', 'vfsi', 'vfsbare:2']); return cliOk(h, ['history', '--format', '{{.Size}}', 'vfsbare:2']); }));
      expect(size!.split('\n')[0]).toBe(sizeD!.split('\n')[0]);
      expect(size!.split('\n')[0]).toBe('2B');
      // Over an image with its own /etc: the init files replace the image's, deletions of them show.
      await onEach(['run', '--name', 'vfsb', '--network', 'none', 'vfsbusy:1', 'sh', '-c', 'rm /.dockerenv; echo 1 >> /etc/hosts; touch /etc/new; rm /etc/group; cat /etc/passwd | wc -l']);
      const [changes, changesD] = await onEach(['diff', 'vfsb']);
      expect(changes!.stdout.split('\n').sort()).toEqual(changesD!.stdout.split('\n').sort());
      expect(changes!.stdout.split('\n').sort()).toEqual(['', 'A /etc/new', 'C /etc', 'D /.dockerenv', 'D /etc/group']);
      await onEach(['rm', 'vfsi', 'vfsb']);
      await onEach(['rmi', 'vfsbare:2', 'vfsbare:1', 'vfsbusy:1']);
    } finally {
      await vfs.stop();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

/** Container and image IDs masked. */
const mask = (s: string): string => s.replace(/[0-9a-f]{64}/g, '<id>').replace(/[0-9a-f]{12}/g, '<id>');

const runOn = (engine: EngineName, args: string[]): Promise<CliResult> => runDocker(hostOf(engine), args);
