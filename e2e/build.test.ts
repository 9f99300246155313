// The Build image page used as a person would, against each engine: a context folder written
// here (Dockerfile with ARG, ENV, COPY, RUN, CMD and a .dockerignore), built with two tags and a
// build arg; the steps stream into the log; the image shows in the Images list; Run from the
// result and its output in the logs (the build arg, the copied file, and no ignored file);
// a second build from the cache; a failing RUN, a missing COPY source, a bad folder and a missing
// Dockerfile each explained where they happen; a long RUN cancelled with its step container
// gone; axe-clean in both themes. Nothing is pulled: FROM busybox:test, loaded by the suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { enginesUnderTest, loadBusybox, startEngine, type EngineKind, type EngineUnderTest } from './support/engine.js';
import { startApp, type RunningApp } from './support/app.js';
import { screenshot } from './support/screens.js';
import { axeViolations, focusIndicator, formatViolations } from './support/a11y.js';

function buildSuite(kind: EngineKind): void {
  const repo = `e2e-built-${process.pid}`;
  const runName = `e2e-built-run-${process.pid}`;
  let engine: EngineUnderTest;
  let app: RunningApp;
  let page: Page;
  let ctx: string;

  const log = () => page.getByTestId('build-log');

  async function shots(name: string): Promise<string[]> {
    const report: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForFunction((dark) => document.documentElement.classList.contains('dark') === dark, scheme === 'dark');
      await screenshot(page, `${name}-${scheme}`, `build-${kind}`);
      report.push(...formatViolations(`build ${name} (${scheme})`, await axeViolations(page)));
    }
    await page.emulateMedia({ colorScheme: 'light' });
    return report;
  }

  /** Fills the form; the network of RUN steps is none (the test dockerd has no bridge). */
  async function fill(opts: { dockerfile?: string; tags?: string; context?: string }): Promise<void> {
    await page.getByLabel('Context folder').fill(opts.context ?? ctx);
    await page.getByLabel('Dockerfile (inside the folder)').fill(opts.dockerfile ?? 'Dockerfile');
    await page.getByLabel('Tags').fill(opts.tags ?? '');
    await page.getByLabel('Network for RUN steps').selectOption('none');
  }

  describe(`build against ${kind}`, () => {
    beforeAll(async () => {
      ctx = mkdtempSync(join(tmpdir(), 'berth-e2e-build-'));
      writeFileSync(join(ctx, 'Dockerfile'), [
        'FROM busybox:test',
        'ARG GREETING=plain',
        'ENV APP_GREETING=$GREETING',
        'COPY hello.txt /app/hello.txt',
        'COPY . /ctx/',
        'RUN echo "built with $GREETING" > /app/built.txt && echo run-step-output',
        'CMD ["sh", "-c", "echo run:$APP_GREETING; cat /app/hello.txt /app/built.txt; ls -1 /ctx"]',
        '',
      ].join('\n'));
      writeFileSync(join(ctx, 'hello.txt'), 'hello from the context\n');
      writeFileSync(join(ctx, 'secret.txt'), 'must not be sent\n');
      writeFileSync(join(ctx, '.dockerignore'), 'secret.txt\n');
      writeFileSync(join(ctx, 'Dockerfile.fail'), 'FROM busybox:test\nRUN echo about-to-fail && exit 3\n');
      writeFileSync(join(ctx, 'Dockerfile.copy'), 'FROM busybox:test\nCOPY not-there.txt /\n');
      writeFileSync(join(ctx, 'Dockerfile.slow'), `FROM busybox:test\nRUN echo slow-${process.pid} && sleep 60\n`);
      mkdirSync(join(ctx, 'empty-dir'));
      engine = await startEngine(kind);
      await loadBusybox(engine.client);
      app = await startApp(engine.host);
      page = app.page;
    });

    afterAll(async () => {
      await app?.close();
      await engine?.stop();
      rmSync(ctx, { recursive: true, force: true });
    });

    it('builds from a folder with two tags and a build arg, streaming the steps, and lists the image', async () => {
      await page.goto(`${app.url}#/images`);
      // By keyboard: the action shows its focus ring and opens with Enter; Enter in a field builds.
      await page.getByRole('link', { name: 'Build image…' }).focus();
      expect(await focusIndicator(page)).toMatchObject({ name: 'Build image…', visible: true });
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Build image' }).waitFor();
      // The page belongs under Images in the navigation.
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Images' }).getAttribute('aria-current')).toBe('page');
      await fill({ tags: `${repo}:1, ${repo}:latest` });
      await page.getByTestId('build-context-ok').filter({ hasText: '.dockerignore applies' }).waitFor();
      await page.getByRole('button', { name: '+ Build arg' }).click();
      await page.getByLabel('Build arg 1 key').fill('GREETING');
      await page.getByLabel('Build arg 1 value').fill('hello-e2e');
      const report = await shots('form');
      await page.getByLabel('Tags').press('Enter');
      await page.getByRole('status').filter({ hasText: /^Built image / }).waitFor({ timeout: 60_000 });
      const steps = await log().locator('[data-kind=step]').allInnerTexts();
      expect(steps.map((s) => s.replace(/^Step (\d+)\/(\d+) : /, '$1/$2 '))).toEqual([
        '1/7 FROM busybox:test', '2/7 ARG GREETING=plain', '3/7 ENV APP_GREETING=$GREETING', '4/7 COPY hello.txt /app/hello.txt',
        '5/7 COPY . /ctx/', '6/7 RUN echo "built with $GREETING" > /app/built.txt && echo run-step-output',
        '7/7 CMD ["sh", "-c", "echo run:$APP_GREETING; cat /app/hello.txt /app/built.txt; ls -1 /ctx"]',
      ]);
      expect(await log().innerText()).toContain('run-step-output');
      const imageId = await page.getByTestId('build-image-id').innerText();
      const inspect = await engine.client.getImage(`${repo}:1`).inspect();
      expect(inspect.Id).toBe(imageId);
      expect((await engine.client.getImage(`${repo}:latest`).inspect()).Id).toBe(imageId);
      expect(inspect.Config.Env).toContain('APP_GREETING=hello-e2e');
      report.push(...await shots('built'));
      expect(report).toEqual([]);

      await page.getByRole('link', { name: 'Image details' }).click();
      await page.waitForURL(new RegExp(`#/images/${encodeURIComponent(imageId)}`));
      await page.goto(`${app.url}#/images`);
      await page.getByRole('row', { name: new RegExp(`^${repo} 1 `) }).waitFor();
      await page.getByRole('row', { name: new RegExp(`^${repo} latest `) }).waitFor();
      await screenshot(page, 'images-with-built', `build-${kind}`);
    });

    it('runs the image from the result and shows its output: the build arg, the copied file, no ignored file', async () => {
      await page.goto(`${app.url}#/build`);
      await fill({ tags: `${repo}:1` });
      await page.getByRole('button', { name: '+ Build arg' }).click();
      await page.getByLabel('Build arg 1 key').fill('GREETING');
      await page.getByLabel('Build arg 1 value').fill('hello-e2e');
      await page.getByRole('button', { name: 'Build', exact: true }).click();
      await page.getByRole('status').filter({ hasText: /^Built image / }).waitFor({ timeout: 60_000 });
      // The second build of the same context comes from the cache, step by step.
      const cached = await log().locator('[data-kind=cache]').count();
      expect(cached).toBeGreaterThanOrEqual(5);
      expect(await log().locator('[data-kind=cache]').first().innerText()).toBe(' ---> Using cache');
      await screenshot(page, 'cached', `build-${kind}`);

      await page.getByRole('button', { name: 'Run…' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name', { exact: true }).fill(runName);
      await dialog.getByLabel('Network', { exact: true }).selectOption('none');
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await page.getByRole('tab', { name: 'Logs' }).waitFor();
      const line = (text: string) => page.getByTestId('log-line').filter({ hasText: new RegExp(`^${text}\\s*$`) });
      await line('run:hello-e2e').waitFor({ timeout: 30_000 });
      await line('hello from the context').waitFor();
      await line('built with hello-e2e').waitFor();
      await line('hello.txt').waitFor();
      await line('Dockerfile').waitFor();
      const lines = await page.getByTestId('log-line').allInnerTexts();
      expect(lines.map((l) => l.trim())).not.toContain('secret.txt');
      await screenshot(page, 'run-logs', `build-${kind}`);
      await engine.client.getContainer(runName).remove({ force: true });
    });

    it('shows a failing RUN\'s message and exit code, and a missing COPY source, in the engine\'s words', async () => {
      await page.goto(`${app.url}#/build`);
      await fill({ dockerfile: 'Dockerfile.fail' });
      await page.getByRole('button', { name: 'Build', exact: true }).click();
      const failed = page.getByRole('alert').filter({ hasText: 'Build failed (exit code 3)' });
      await failed.waitFor({ timeout: 60_000 });
      expect(await failed.innerText()).toMatch(/returned a non-zero code: 3/);
      expect(await log().innerText()).toContain('about-to-fail');
      const report = await shots('run-failed');

      await fill({ dockerfile: 'Dockerfile.copy' });
      await page.getByRole('button', { name: 'Build', exact: true }).click();
      const copy = page.getByRole('alert').filter({ hasText: 'Build failed' });
      await copy.filter({ hasText: 'not-there.txt' }).waitFor({ timeout: 60_000 });
      report.push(...await shots('copy-failed'));
      expect(report).toEqual([]);
    });

    it('says plainly when the folder or the Dockerfile is not there, before and at Build', async () => {
      await page.goto(`${app.url}#/build`);
      const missing = join(ctx, 'no-such-folder');
      await fill({ context: missing });
      await page.getByTestId('build-context-problem').filter({ hasText: `build context ${missing}: no such folder` }).waitFor();
      await page.getByRole('button', { name: 'Build', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'Build failed' }).filter({ hasText: `build context ${missing}: no such folder` }).waitFor();
      await screenshot(page, 'bad-folder', `build-${kind}`);

      await fill({ dockerfile: 'Dockerfile.nope' });
      await page.getByTestId('build-context-problem').filter({ hasText: `Dockerfile Dockerfile.nope: no such file in ${ctx}` }).waitFor();
      await fill({ context: 'relative/path' });
      await page.getByRole('button', { name: 'Build', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'Context folder: give its full path, starting with /' }).waitFor();
      await fill({ tags: 'Bad Tag' });
      await page.getByRole('button', { name: 'Build', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: "Tag 'Bad': use name[:tag] in lowercase" }).waitFor();
    });

    it('builds an untagged image when no tag is given', async () => {
      await page.goto(`${app.url}#/build`);
      await fill({ dockerfile: 'Dockerfile', tags: '' });
      await page.getByLabel('Do not use the build cache').check();
      await page.getByRole('button', { name: 'Build', exact: true }).click();
      await page.getByRole('status').filter({ hasText: /^Built image / }).waitFor({ timeout: 60_000 });
      expect(await log().locator('[data-kind=cache]').count()).toBe(0);
      await page.getByText('none (an untagged image').waitFor();
      const id = await page.getByTestId('build-image-id').innerText();
      expect((await engine.client.getImage(id).inspect()).Id).toBe(id);
    });

    it('keeps a running build across pages, and cancels it: the engine stops the step and removes its container', async () => {
      await page.goto(`${app.url}#/build`);
      await fill({ dockerfile: 'Dockerfile.slow', tags: `${repo}:slow` });
      await page.getByRole('button', { name: 'Build', exact: true }).click();
      await log().getByText(`slow-${process.pid}`, { exact: true }).waitFor({ timeout: 60_000 });
      // The build goes on while the person looks elsewhere, and its output is there when they come back.
      await page.getByRole('link', { name: 'Images', exact: true }).click();
      await page.getByRole('link', { name: 'Build image…' }).click();
      await log().getByText(`slow-${process.pid}`, { exact: true }).waitFor();
      expect(await page.getByLabel('Dockerfile (inside the folder)').inputValue()).toBe('Dockerfile.slow');
      await page.getByRole('button', { name: 'Cancel build' }).press('Enter');
      await page.getByText('Build cancelled. The engine stops').waitFor();
      await screenshot(page, 'cancelled', `build-${kind}`);
      const stepContainers = async () => (await engine.client.listContainers({ all: true })).filter((c) => c.Command.includes(`slow-${process.pid}`));
      const until = Date.now() + 30_000;
      while ((await stepContainers()).length > 0 && Date.now() < until) await sleep(250);
      expect(await stepContainers()).toEqual([]);
      await expect(engine.client.getImage(`${repo}:slow`).inspect()).rejects.toThrow(/no such image|404/i);
      // The page keeps working: the next build runs.
      await fill({ dockerfile: 'Dockerfile', tags: '' });
      await page.getByRole('button', { name: 'Build', exact: true }).click();
      await page.getByRole('status').filter({ hasText: /^Built image / }).waitFor({ timeout: 60_000 });
    });
  });
}

for (const kind of enginesUnderTest()) buildSuite(kind);
