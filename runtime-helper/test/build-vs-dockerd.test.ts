// `docker build` (the real CLI, legacy builder) against berthd and a real dockerd 20.10, the
// same commands on both: the step stream, the built image's config, its history, the files in
// it, the build cache, multi-stage builds, build args, .dockerignore, ADD of a tar, --chown,
// ONBUILD, FROM scratch, and the errors with their messages.
// On purpose different (see src/image-build/README.md): berthd commits a config-only step (ENV, CMD,
// ...) without an intermediate container, so those steps show no "Running in"/"Removing" lines;
// COPY's source hash is berthd's own; an unknown base image is never pulled.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { dockerCli, httpRequest, runDocker } from './support/berthd.js';
import { gzipSync } from 'node:zlib';
import { makeTar } from './support/tars.js';
import { berthdBesideDockerd, cliOk, enginesOf, type CliResult, type EngineName } from './support/engine-pair.js';

// The CLI here has no buildx: without this it falls back anyway, but says so on every build.
process.env.DOCKER_BUILDKIT = '0';

const pair = berthdBesideDockerd();
const contexts: string[] = [];
afterAll(() => { for (const c of contexts) rmSync(c, { recursive: true, force: true }); });

/** A build context on disk from file contents (a name ending in '/' is an empty directory). */
function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-build-ctx-'));
  contexts.push(dir);
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    if (name.endsWith('/')) { mkdirSync(path, { recursive: true }); continue; }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

async function both(args: string[], input?: string): Promise<Record<EngineName, CliResult>> {
  const [b, d] = await Promise.all(enginesOf(pair()).map((e) => runDocker(e.host, args, input)));
  return { berthd: b!, dockerd: d! };
}

/** The step stream with IDs named and what differs on purpose left out. */
function steps(out: string): string[] {
  return out.split('\n')
    .filter((l) => !/^ ---> Running in |^Removing intermediate container |^ ---> \[Warning\] IPv4 forwarding|^Sending build context|^DEPRECATED|^\s+(BuildKit|environment-variable|Install the buildx|https:)/.test(l))
    .map((l) => l.replace(/\b[0-9a-f]{12}\b/g, '<id>').replace(/sha256:[0-9a-f]{64}/g, '<id>'));
}

/** The errors the CLI printed (stderr), without its deprecation notice. */
const errorOf = (r: CliResult): string => r.stderr.split('\n').filter((l) => l && !/DEPRECATED|BuildKit|environment-variable|buildx/.test(l)).join('\n');

const historyNamed = (s: string): string => s.replace(/(file|dir|multi):[0-9a-f]{64}/g, '$1:<sum>');

async function sameOnBoth(args: string[]): Promise<string> {
  const r = await both(args);
  expect(r.berthd.code, `${args.join(' ')}: ${r.berthd.stderr}`).toBe(r.dockerd.code);
  expect(r.berthd.stdout, args.join(' ')).toBe(r.dockerd.stdout);
  return r.berthd.stdout;
}

const configFormat = '{{json .Config.Cmd}}|{{json .Config.Entrypoint}}|{{json .Config.Env}}|{{.Config.WorkingDir}}|{{.Config.User}}|{{json .Config.ExposedPorts}}|{{json .Config.Labels}}|{{json .Config.Volumes}}|{{json .Config.Healthcheck}}|{{.Config.StopSignal}}|{{json .Config.OnBuild}}|{{json .Config.Shell}}|{{.Author}}|{{.Os}}|{{len .RootFS.Layers}}';

describe('docker build: berthd and dockerd build the same images', () => {
  it('every instruction: the same steps, config, history and files; a second build is all cache', async () => {
    const dir = context({
      'f1': 'one\n', 'f2': 'two\n', 'sub/s1': 's\n',
      'Dockerfile': [
        'ARG BASE=busybox', 'FROM $BASE AS first', 'ARG X', 'ARG Y=dy', 'ENV E1=v1 E2="two words"', 'ENV OLD old form',
        'LABEL a=b "c d"=e', 'EXPOSE 80 443/udp', 'VOLUME /data', 'VOLUME ["/v1", "/v2"]', 'USER 1000:1000', 'STOPSIGNAL SIGTERM',
        'SHELL ["/bin/sh", "-e", "-c"]', 'ONBUILD RUN echo onbuild', 'HEALTHCHECK --interval=5s --retries=3 CMD echo ok', 'MAINTAINER me',
        '# a comment between', 'RUN echo run: $X $Y $E1 \\', '  && id -u', 'USER 0', 'COPY f1 f2 /multi/', 'COPY sub /sub2', 'COPY f1 /single',
        'COPY --chown=1000:1000 f2 ${E1}/', 'ENTRYPOINT echo hi', 'CMD echo there', 'WORKDIR rel', 'WORKDIR ${E1}', 'RUN pwd > here',
      ].join('\n'),
    });
    const args = ['build', '--build-arg', 'X=bx', '--build-arg', 'UNUSED=1', '-t', 'every:1', dir];
    const first = await both(args);
    expect(first.berthd.code, first.berthd.stderr).toBe(0);
    expect(first.dockerd.code, first.dockerd.stderr).toBe(0);
    expect(steps(first.berthd.stdout)).toEqual(steps(first.dockerd.stdout));
    expect(first.berthd.stdout).toContain('run: bx dy v1\n1000\n');
    expect(first.berthd.stdout).toContain('[Warning] One or more build-args [UNUSED] were not consumed');
    expect(first.berthd.stdout).toContain('Successfully tagged every:1\n');
    expect(await sameOnBoth(['image', 'inspect', '-f', configFormat, 'every:1'])).toContain('"Test":["CMD-SHELL","echo ok"],"Interval":5000000000,"Retries":3');
    const history = await both(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}', 'every:1']);
    expect(historyNamed(history.berthd.stdout)).toBe(historyNamed(history.dockerd.stdout));
    expect(history.berthd.stdout).toContain('|2 X=bx Y=dy /bin/sh -e -c echo run: $X $Y $E1   && id -u');
    const files = ['run', '--rm', '--network', 'none', '--entrypoint', 'sh', 'every:1', '-c', 'cat /multi/f1 /multi/f2 /sub2/s1 /single /v1/f2 /rel/v1/here; ls -ln /multi /sub2 /v1 | sed "s/ [A-Z][a-z][a-z] .*:.. / /"'];
    expect(await sameOnBoth(files)).toContain('one\ntwo\ns\none\ntwo\n/rel/v1\n');
    // The same build again: every step from the cache, the same image.
    const again = await both(args);
    for (const engine of ['berthd', 'dockerd'] as const) {
      expect(again[engine].code).toBe(0);
      const cached = again[engine].stdout.split('\n').filter((l) => l === ' ---> Using cache').length;
      const built = again[engine].stdout.split('\n').filter((l) => /^Step \d+\/\d+ : (?!FROM|ARG BASE)/.test(l)).length;
      expect(cached, `${engine}: ${again[engine].stdout}`).toBe(built);
      expect(again[engine].stdout).not.toContain('Running in');
    }
    expect(steps(again.berthd.stdout)).toEqual(steps(again.dockerd.stdout));
    const ids = await Promise.all(enginesOf(pair()).map(async (e) => (await cliOk(e.host, ['image', 'inspect', '-f', '{{.Id}}', 'every:1'])).trim()));
    expect(again.berthd.stdout).toContain(`Successfully built ${ids[0]!.slice(7, 19)}`);
    // A changed file misses the cache from its COPY on, on both.
    writeFileSync(join(dir, 'f1'), 'changed\n');
    const changed = await both(args);
    expect(steps(changed.berthd.stdout)).toEqual(steps(changed.dockerd.stdout));
    const hits = (out: string): number => out.split('\n').filter((l) => l === ' ---> Using cache').length;
    expect(hits(changed.berthd.stdout)).toBe(hits(changed.dockerd.stdout));
    expect(hits(changed.berthd.stdout)).toBe(16); // the steps before the first COPY
    // --no-cache builds every step again.
    const nocache = await both([...args.slice(0, -1), '--no-cache', dir]);
    expect(nocache.berthd.stdout).not.toContain('Using cache');
    expect(steps(nocache.berthd.stdout)).toEqual(steps(nocache.dockerd.stdout));
  }, 300_000);

  it('multi-stage: COPY --from a stage by name and by index, --target stops at a stage', async () => {
    const dir = context({
      'Dockerfile': [
        'FROM busybox AS build', 'RUN mkdir /out && echo built > /out/art && chmod 600 /out/art',
        'FROM busybox AS other', 'RUN echo other > /o',
        'FROM busybox', 'COPY --from=build /out/art /final/', 'COPY --from=0 /out /out2', 'COPY --from=other /o /o', 'CMD ["cat", "/final/art"]',
      ].join('\n'),
    });
    const r = await both(['build', '-t', 'multi:1', dir]);
    expect(r.berthd.code, r.berthd.stderr).toBe(0);
    expect(steps(r.berthd.stdout)).toEqual(steps(r.dockerd.stdout));
    expect(await sameOnBoth(['run', '--rm', '--network', 'none', 'multi:1'])).toBe('built\n');
    expect(await sameOnBoth(['run', '--rm', '--network', 'none', 'multi:1', 'sh', '-c', 'cat /out2/art /o; stat -c "%a %u %n" /final/art /out2/art'])).toBe('built\nother\n600 0 /final/art\n600 0 /out2/art\n');
    const target = await both(['build', '--target', 'other', '-t', 'multi:other', dir]);
    expect(steps(target.berthd.stdout)).toEqual(steps(target.dockerd.stdout));
    expect(target.berthd.stdout).toContain('Step 4/4 : RUN echo other > /o');
    expect(await sameOnBoth(['run', '--rm', '--network', 'none', 'multi:other', 'sh', '-c', 'cat /o; ls /final 2>&1 || true'])).toContain('other\n');
    const noTarget = await both(['build', '--target', 'nope', dir]);
    expect(noTarget.berthd.code).not.toBe(0);
    expect(errorOf(noTarget.berthd)).toBe(errorOf(noTarget.dockerd));
    expect(errorOf(noTarget.berthd)).toContain('failed to reach build target nope in Dockerfile');
  }, 300_000);

  it('build args: defaults, --build-arg, a global ARG in FROM and redeclared in the stage, ENV over ARG', async () => {
    const dir = context({
      'Dockerfile': [
        'ARG TAG=latest', 'ARG GLOBAL=g', 'FROM busybox:${TAG}', 'ARG GLOBAL', 'ARG A=a-default', 'ARG B', 'ENV A=${A}-env C=${B:-unset} D=${B:+set}',
        'ARG M1=one M2="two words" M3', 'RUN echo "A=$A B=$B GLOBAL=$GLOBAL M=$M1/$M2/$M3"', 'RUN echo "$A" > /a',
      ].join('\n'),
    });
    for (const extra of [[], ['--build-arg', 'B=bee', '--build-arg', 'GLOBAL=over', '--build-arg', 'TAG=latest']]) {
      const r = await both(['build', ...extra, '-t', 'args:1', dir]);
      expect(r.berthd.code, r.berthd.stderr).toBe(0);
      expect(steps(r.berthd.stdout)).toEqual(steps(r.dockerd.stdout));
      await sameOnBoth(['image', 'inspect', '-f', '{{json .Config.Env}}', 'args:1']);
      const h = await both(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'args:1']);
      expect(h.berthd.stdout).toBe(h.dockerd.stdout);
    }
    expect(await sameOnBoth(['run', '--rm', '--network', 'none', 'args:1', 'cat', '/a'])).toBe('a-default-env\n');
  }, 300_000);

  it('.dockerignore with ! exceptions, ADD of a local tar.gz, --chown, COPY of a directory', async () => {
    const tarSrc = context({ 'inner/t': 'in tar\n', 'inner/deep/u': 'u\n' });
    const dir = context({
      'a.txt': 'a\n', 'logs/x.log': 'l\n', 'logs/keep.log': 'k\n', 'secret.md': 's\n', 'README.md': 'r\n', 'keep/k': 'kk\n', 'empty/': '',
      '.dockerignore': '*.md\n!README.md\nlogs\n!logs/keep.log\n# comment\n**/*.tmp\n', 'deep/x.tmp': 't', 'deep/y': 'y\n',
      'Dockerfile': 'FROM busybox\nCOPY . /ctx/\nADD arch.tar.gz /ctx/\nCOPY --chown=7:8 a.txt /ctx/own/\nCOPY ["keep", "/ctx/keep2"]\n',
    });
    execFileSync('tar', ['czf', join(dir, 'arch.tar.gz'), '-C', tarSrc, 'inner']);
    const r = await both(['build', '-t', 'ignore:1', dir]);
    expect(r.berthd.code, r.berthd.stderr).toBe(0);
    expect(steps(r.berthd.stdout)).toEqual(steps(r.dockerd.stdout));
    const listing = await sameOnBoth(['run', '--rm', '--network', 'none', 'ignore:1', 'sh', '-c', 'cd /ctx && find . | sort && stat -c "%a %u:%g %n" own own/a.txt keep2/k inner/t && cat inner/t']);
    expect(listing).toContain('./README.md\n');
    expect(listing).toContain('./logs/keep.log\n');
    expect(listing).not.toContain('secret.md');
    expect(listing).not.toContain('x.log');
    expect(listing).not.toContain('x.tmp');
    expect(listing).toContain('./inner/deep/u\n');
    expect(listing).toContain('755 7:8 own\n644 7:8 own/a.txt\n');
  }, 300_000);

  it('ONBUILD triggers run in the child build; FROM scratch; --label', async () => {
    const base = context({ 'f1': 'f\n', 'Dockerfile': 'FROM busybox\nONBUILD RUN echo triggered > /trig\nONBUILD COPY f1 /f1\n' });
    expect((await both(['build', '-t', 'obase:1', base])).berthd.code).toBe(0);
    const child = context({ 'f1': 'child file\n', 'Dockerfile': 'FROM obase:1\nRUN cat /trig /f1\n' });
    const r = await both(['build', '-t', 'ochild:1', child]);
    expect(r.berthd.code, r.berthd.stderr).toBe(0);
    expect(steps(r.berthd.stdout)).toEqual(steps(r.dockerd.stdout));
    expect(r.berthd.stdout).toContain('# Executing 2 build triggers\n');
    expect(r.berthd.stdout).toContain('triggered\nchild file\n');
    await sameOnBoth(['image', 'inspect', '-f', '{{json .Config.OnBuild}}', 'ochild:1', 'obase:1']);
    const scratch = context({ 'f1': 'x\n', 'sub/s1': 's\n', 'Dockerfile': 'FROM scratch\nCOPY f1 /a/b/\nCOPY sub /s\nENV X=1\nCMD ["/nothing"]\n' });
    const s = await both(['build', '--label', 'z=1', '--label', 'a=two words', '-t', 'scr:1', scratch]);
    expect(s.berthd.code, s.berthd.stderr).toBe(0);
    expect(steps(s.berthd.stdout)).toEqual(steps(s.dockerd.stdout));
    expect(s.berthd.stdout).toContain('Step 6/7 : LABEL a=two words\n');
    await sameOnBoth(['image', 'inspect', '-f', configFormat, 'scr:1']);
    const h = await both(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}', 'scr:1']);
    expect(historyNamed(h.berthd.stdout)).toBe(historyNamed(h.dockerd.stdout));
    await both(['create', '--name', 'scr-files', 'scr:1']);
    const exported = enginesOf(pair()).map((e) => execFileSync('sh', ['-c', `docker export scr-files | tar tv | awk '{print $1, $2, $3, $6}' | sort`], { env: { ...process.env, DOCKER_HOST: e.host } }).toString());
    expect(exported[0]).toBe(exported[1]);
    expect(exported[0]).toContain('a/b/f1');
    await both(['rm', 'scr-files']);
  }, 300_000);

  it('errors: a failing RUN, a missing COPY source, an unknown instruction, more sources than a file destination, an empty Dockerfile, an unknown base', async () => {
    const cases: Array<{ df: string; message: string; same: boolean }> = [
      { df: 'FROM busybox\nRUN echo out && false\n', message: "The command '/bin/sh -c echo out && false' returned a non-zero code: 1", same: true },
      { df: 'FROM busybox\nRUN ["sh", "-c", "exit 3"]\n', message: "The command 'sh -c exit 3' returned a non-zero code: 3", same: true },
      { df: 'FROM busybox\nCOPY nope /x\n', message: 'COPY failed: file not found in build context or excluded by .dockerignore: stat nope: file does not exist', same: true },
      { df: 'FROM busybox\nCOPY secret.md /x\n', message: 'COPY failed: file not found in build context or excluded by .dockerignore: stat secret.md: file does not exist', same: true },
      { df: 'FROM busybox\n\nFOO bar\n', message: 'dockerfile parse error line 3: unknown instruction: FOO', same: true },
      { df: 'FROM busybox\nCOPY f1 f1 /notadir\n', message: 'When using COPY with more than one source file, the destination must be a directory and end with a /', same: true },
      { df: '\n# only a comment\n', message: 'failed to parse Dockerfile: file with no instructions', same: true },
      { df: '', message: 'the Dockerfile (Dockerfile) cannot be empty', same: true },
      { df: 'FROM nosuch-image:1\n', message: 'No such image: nosuch-image:1', same: false },
      { df: 'FROM busybox\nADD http://127.0.0.1:9/x /x\n', message: 'ADD failed: http://127.0.0.1:9/x: berthd does not download', same: false },
    ];
    for (const c of cases) {
      const dir = context({ 'Dockerfile': c.df, 'f1': 'f\n', 'secret.md': 's', '.dockerignore': '*.md\n' });
      const r = await both(['build', dir]);
      // The CLI exits with a failed RUN's code (errorDetail.code), else 1.
      expect(r.berthd.code, c.df).toBe(c.df.includes('exit 3') ? 3 : 1);
      expect(r.dockerd.code, c.df).toBe(r.berthd.code);
      expect(errorOf(r.berthd), c.df).toContain(c.message);
      if (c.same) {
        expect(errorOf(r.berthd), c.df).toBe(errorOf(r.dockerd));
        expect(steps(r.berthd.stdout), c.df).toEqual(steps(r.dockerd.stdout));
      }
    }
    // A failed RUN's container stays (dockerd's rm=true only removes after success); --force-rm removes it.
    const failing = context({ 'Dockerfile': 'FROM busybox\nLABEL case=force-rm\nRUN false\n' });
    const before = await both(['ps', '-aq']);
    await both(['build', '--force-rm', failing]);
    const after = await both(['ps', '-aq']);
    expect(after.berthd.stdout).toBe(before.berthd.stdout);
    expect(after.dockerd.stdout).toBe(before.dockerd.stdout);
  }, 300_000);

  it('a context never reaches host files: symlinks resolve inside it (CLI, both engines); a tar entry climbing out is refused (raw API)', async () => {
    for (const [link, target, src] of [['etc-link', '/etc', 'etc-link/hostname'], ['pw', '/etc/passwd', 'pw'], ['up', '../../../../etc/passwd', 'up']] as const) {
      const dir = context({ 'Dockerfile': `FROM busybox\nCOPY ${src} /x\n` });
      symlinkSync(target, join(dir, link));
      const r = await both(['build', dir]);
      expect(r.berthd.code, src).toBe(1);
      expect(errorOf(r.berthd), src).toBe(errorOf(r.dockerd));
      expect(errorOf(r.berthd), src).toContain(`COPY failed: file not found in build context or excluded by .dockerignore: stat ${src}: file does not exist`);
    }
    // A link to a file inside the context is followed there, as dockerd does.
    const inside = context({ 'real/f': 'inside\n', 'Dockerfile': 'FROM busybox\nCOPY lnk /x\n' });
    symlinkSync('/real/f', join(inside, 'lnk'));
    expect((await both(['build', '-t', 'lnk:1', inside])).berthd.code).toBe(0);
    expect(await sameOnBoth(['run', '--rm', '--network', 'none', 'lnk:1', 'cat', '/x'])).toBe('inside\n');
    const berth = pair().berth;
    const tmpBefore = readdirSync(join(berth.dataRoot, 'tmp')).sort();
    for (const name of ['../escaped', '/abs-escaped']) {
      const tar = await makeTar([{ name: 'Dockerfile', content: 'FROM busybox\n' }, { name, content: 'x' }]);
      const res = await berth.request('POST', '/build', tar, { 'Content-Type': 'application/x-tar' });
      expect(res.status, name).toBe(400);
      expect(JSON.parse(res.body).message, name).toMatch(/escaped/);
    }
    expect(existsSync(join(berth.dataRoot, 'escaped'))).toBe(false);
    expect(existsSync(join(berth.dataRoot, 'tmp', 'escaped'))).toBe(false);
    expect(existsSync('/abs-escaped')).toBe(false);
    // The context's temp folder goes with the build, failed or not.
    expect(readdirSync(join(berth.dataRoot, 'tmp')).sort()).toEqual(tmpBefore);
  }, 300_000);

  it('a RUN step gets the build\'s resource limits and network mode', async () => {
    const dir = context({ 'Dockerfile': 'FROM busybox\nRUN cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares && ls /sys/class/net\n' });
    const r = await both(['build', '--no-cache', '--memory', '64m', '--cpu-shares', '512', '--network', 'none', dir]);
    expect(r.berthd.code, r.berthd.stderr).toBe(0);
    expect(steps(r.berthd.stdout)).toEqual(steps(r.dockerd.stdout));
    expect(r.berthd.stdout).toContain('67108864\n512\nlo\n');
  }, 300_000);

  it('the Dockerfile from stdin: `build -` (no context) and `-f -` with a context; -q prints the ID only', async () => {
    const df = 'FROM busybox\nCOPY a.txt /a.txt\nRUN cat /a.txt\n';
    const dir = context({ 'a.txt': 'from the context\n', 'Dockerfile': 'FROM busybox\nRUN echo not this one\n' });
    const withContext = await both(['build', '-f', '-', '-t', 'stdin:1', dir], df);
    expect(withContext.berthd.code, withContext.berthd.stderr).toBe(0);
    expect(steps(withContext.berthd.stdout)).toEqual(steps(withContext.dockerd.stdout));
    expect(withContext.berthd.stdout).toContain('from the context\n');
    const noContext = await both(['build', '-q', '-t', 'stdin:2', '-'], 'FROM busybox\nRUN echo alone > /alone\n');
    expect(noContext.berthd.code, noContext.berthd.stderr).toBe(0);
    for (const r of [noContext.berthd, noContext.dockerd]) expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(await sameOnBoth(['run', '--rm', '--network', 'none', 'stdin:2', 'cat', '/alone'])).toBe('alone\n');
  }, 300_000);

  it('a client that goes away mid-RUN cancels the build: its container is killed and removed, as dockerd does', async () => {
    const dir = context({ 'Dockerfile': 'FROM busybox\nRUN echo started && sleep 300\n' });
    await Promise.all(enginesOf(pair()).map(async (e) => {
      const before = (await cliOk(e.host, ['ps', '-aq'])).trim();
      const cli = spawn(dockerCli, ['build', '--no-cache', dir], { env: { ...process.env, DOCKER_HOST: e.host }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      cli.stdout.on('data', (c: Buffer) => { out += c.toString(); });
      for (let i = 0; i < 200 && !out.includes('\nstarted\n'); i++) await sleep(50);
      expect(out, e.name).toContain('\nstarted\n');
      cli.kill('SIGKILL');
      let left = '';
      for (let i = 0; i < 100; i++) {
        left = (await cliOk(e.host, ['ps', '-aq'])).trim();
        if (left === before) break;
        await sleep(100);
      }
      expect(left, `${e.name}: ${(await runDocker(e.host, ['ps', '-a'])).stdout}`).toBe(before);
    }));
  }, 300_000);

  it('the raw API: a gzip context, .dockerignore applied by the engine, the stream\'s aux and error lines', async () => {
    const tar = gzipSync(await makeTar([
      { name: 'Dockerfile', content: 'FROM busybox\nCOPY . /ctx/\nRUN ls -a /ctx\n' },
      { name: '.dockerignore', content: 'skip*\n!skip-kept\n' },
      { name: 'keep', content: 'k' }, { name: 'skip-me', content: 's' }, { name: 'skip-kept', content: 'sk' },
    ]));
    const answers = await Promise.all(enginesOf(pair()).map((e) => httpRequest(e.socket, 'POST', '/build?t=raw:1&q=0', tar, { 'Content-Type': 'application/x-tar' })));
    for (const a of answers) expect(a.status).toBe(200);
    const lines = answers.map((a) => a.body.trim().split(/\r?\n/).map((l) => JSON.parse(l) as { stream?: string; aux?: { ID: string } }));
    const listing = lines.map((ls) => ls.map((l) => l.stream ?? '').join('').match(/\.\n\.\.\n[\s\S]*?\n(?=Removing|---)/)?.[0]);
    // On purpose: berthd applies .dockerignore to a raw client's context too (as BuildKit does);
    // dockerd 20.10's legacy builder leaves that to the CLI.
    expect(listing[0]).toBe('.\n..\n.dockerignore\nDockerfile\nkeep\nskip-kept\n');
    expect(listing[1]).toBe('.\n..\n.dockerignore\nDockerfile\nkeep\nskip-kept\nskip-me\n');
    const ids = await Promise.all(enginesOf(pair()).map(async (e) => (await cliOk(e.host, ['image', 'inspect', '-f', '{{.Id}}', 'raw:1'])).trim()));
    lines.forEach((ls, i) => expect(ls.filter((l) => l.aux).map((l) => l.aux!.ID)).toEqual([ids[i]]));
    // A failing step after the 200: in the stream, with the RUN's exit code.
    const failing = await makeTar([{ name: 'Dockerfile', content: 'FROM busybox\nRUN exit 7\n' }]);
    const bad = await Promise.all(enginesOf(pair()).map((e) => httpRequest(e.socket, 'POST', '/build', failing, { 'Content-Type': 'application/x-tar' })));
    const last = bad.map((a) => JSON.parse(a.body.trim().split(/\r?\n/).pop()!) as unknown);
    expect(last[0]).toEqual(last[1]);
    expect(last[0]).toEqual({ errorDetail: { code: 7, message: "The command '/bin/sh -c exit 7' returned a non-zero code: 7" }, error: "The command '/bin/sh -c exit 7' returned a non-zero code: 7" });
    // Bad options are HTTP errors before anything streams.
    const badArgs = await Promise.all(enginesOf(pair()).map((e) => httpRequest(e.socket, 'POST', '/build?buildargs=notjson', failing, { 'Content-Type': 'application/x-tar' })));
    for (const a of badArgs) expect(a.status).toBe(400);
  }, 300_000);

  it('events: a RUN step\'s container and the tag, as dockerd sends them', async () => {
    const dir = context({ 'Dockerfile': `FROM busybox\nRUN echo events ${Date.now()}\n` });
    // From the next whole second on (--since counts in seconds): the earlier tests' builds, within
    // the same second on a busy machine, are left out.
    const since = Math.ceil(Date.now() / 1000);
    await new Promise((r) => setTimeout(r, since * 1000 - Date.now() + 20));
    const r = await both(['build', '-t', 'events:1', dir]);
    expect(r.berthd.code, r.berthd.stderr).toBe(0);
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const events = await both(['events', '--since', String(since), '--until', until, '--filter', 'event=create', '--filter', 'event=attach', '--filter', 'event=start',
      '--filter', 'event=die', '--filter', 'event=destroy', '--filter', 'event=tag', '--format', '{{.Type}} {{.Action}} {{if eq .Type "image"}}{{.Actor.Attributes.name}}{{end}}']);
    // The busybox import of the suite's start can fall in the same second.
    const ours = (out: string): string => out.split('\n').filter((l) => l !== 'image tag busybox').join('\n');
    expect(ours(events.berthd.stdout)).toBe(ours(events.dockerd.stdout));
    expect(ours(events.berthd.stdout)).toBe('container create \ncontainer attach \ncontainer start \ncontainer die \ncontainer destroy \nimage tag events:1\n');
  }, 300_000);
});
