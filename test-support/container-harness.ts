// Per-test plumbing for the runtime conformance suite: a RuntimeCli with its own state root,
// bundles that are always deleted (even when a test fails), and small helpers for the common
// shapes: run a process to completion, or create+start one and keep it running.
import { readFileSync, rmdirSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { existingCgroupDirs } from './cgroup-probe.js';
import { makeBundle, type Bundle, type BundleOptions } from './bundle.js';
import { runtimeBinary } from './paths.js';
import { assertOk, RuntimeCli, type RunResult } from './runtime-cli.js';

/** True when the runtime under test is ours (stricter checks on error wording apply). */
export const isBerthRuntime = basename(runtimeBinary).startsWith('berth');

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 25,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    // '' counts as not yet: a file another process is still writing reads empty at first.
    if (v !== undefined && v !== false && v !== '') return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A process's command line, or null once it is gone. */
function cmdline(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return null;
  }
}

function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    /* still busy or already gone */
  }
}

export interface Running {
  bundle: Bundle;
  id: string;
  /** Host pid of the container's init. */
  pid: number;
}

export class Harness {
  private cli: RuntimeCli | undefined;
  private bundles: Bundle[] = [];

  /** Made on first use, so a file whose tests are all filtered out leaves no temp dir. */
  get rt(): RuntimeCli {
    this.cli ??= new RuntimeCli();
    return this.cli;
  }

  bundle(opts: BundleOptions = {}): Bundle {
    const b = makeBundle(opts);
    this.bundles.push(b);
    return b;
  }

  /** Runs the bundle's process in the foreground; returns the runtime's result. */
  async run(opts: BundleOptions): Promise<RunResult & { bundle: Bundle }> {
    const bundle = this.bundle(opts);
    const r = await this.rt.run(bundle.id, bundle.dir);
    return { ...r, bundle };
  }

  /** Runs `sh -c script` and returns its stdout, failing on a non-zero exit. */
  async sh(script: string, opts: BundleOptions = {}): Promise<string> {
    const r = await this.run({ ...opts, args: ['/bin/sh', '-c', script] });
    return assertOk(r).stdout;
  }

  /** create + start; the process keeps running. */
  async start(opts: BundleOptions): Promise<Running> {
    const r = await this.create(opts);
    const waiting = cmdline(r.pid);
    assertOk(await this.rt.start(r.id));
    // start returns once init is released, maybe before its execve: wait until it has run.
    await waitFor(`${r.id} to exec its process`, () => cmdline(r.pid) !== waiting);
    return r;
  }

  /** create only: the process waits for start. */
  async create(opts: BundleOptions): Promise<Running> {
    const bundle = this.bundle(opts);
    assertOk(await this.rt.create(bundle.id, bundle.dir));
    const state = await this.rt.state(bundle.id);
    if (!state.pid) throw new Error(`state of ${bundle.id} has no pid: ${JSON.stringify(state)}`);
    return { bundle, id: bundle.id, pid: state.pid };
  }

  /** Force-deletes every container and removes every bundle made so far. */
  async cleanup(): Promise<void> {
    const bundles = this.bundles;
    this.bundles = [];
    for (const b of bundles) {
      await this.rt.delete(b.id, { force: true, timeoutMs: 15_000 }).catch(() => undefined);
      // A runtime that failed half-way may leave empty cgroups (crun does on a failed write);
      // tests assert on that where it matters, here we only keep the host tidy.
      if (b.cgroupsPath) for (const dir of existingCgroupDirs(b.cgroupsPath).reverse()) rmdirQuietly(dir);
      b.cleanup();
    }
  }

  async destroy(): Promise<void> {
    await this.cleanup();
    await this.cli?.destroy();
    this.cli = undefined;
  }
}

/** A Harness that cleans up after each test and is destroyed after the file. */
export function useHarness(): Harness {
  const h = new Harness();
  afterEach(async () => h.cleanup());
  afterAll(async () => h.destroy());
  return h;
}
