// OCI hooks run on the host at their points in the lifecycle, with the state JSON on stdin.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHarness, waitFor } from '../../../test-support/container-harness.js';
import { NO_LEFTOVERS, waitForNoLeftovers } from '../../../test-support/leftovers.js';
import { assertOk } from '../../../test-support/runtime-cli.js';

const h = useHarness();

/** A hook that appends "<name> <stdin>" to `log` (the state JSON arrives on stdin). */
function recorder(name: string, log: string) {
  return {
    path: '/bin/sh',
    args: ['sh', '-c', `printf '%s ' ${name} >> ${log}; cat >> ${log}; echo >> ${log}`],
  };
}

describe('hooks', () => {
  it('prestart/createRuntime, poststart and poststop run in order with the state on stdin', async () => {
    const b = h.bundle({ args: ['/bin/sleep', '1000'] });
    const log = join(b.dir, 'hooks.log');
    b.spec.hooks = {
      createRuntime: [recorder('createRuntime', log)],
      poststart: [recorder('poststart', log)],
      poststop: [recorder('poststop', log)],
    };
    b.writeConfig();
    assertOk(await h.rt.create(b.id, b.dir));
    const afterCreate = readFileSync(log, 'utf8');
    expect(afterCreate).toMatch(/^createRuntime /);
    const state = JSON.parse(afterCreate.slice('createRuntime '.length).trim()) as {
      id: string;
      pid: number;
      bundle: string;
      status: string;
    };
    expect(state.id).toBe(b.id);
    expect(state.bundle).toBe(b.dir);
    expect(state.pid).toBe((await h.rt.state(b.id)).pid);

    assertOk(await h.rt.start(b.id));
    await waitFor('poststart', () => readFileSync(log, 'utf8').includes('poststart'));
    expect(readFileSync(log, 'utf8')).not.toContain('poststop');

    assertOk(await h.rt.delete(b.id, { force: true }));
    await waitFor('poststop', () => existsSync(log) && readFileSync(log, 'utf8').includes('poststop'));
    const names = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]);
    expect(names).toEqual(['createRuntime', 'poststart', 'poststop']);
  });

  it('a failing createRuntime hook fails create and leaves no container', async () => {
    const b = h.bundle({ args: ['/bin/sleep', '1000'] });
    b.spec.hooks = { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', 'exit 3'] }] };
    b.writeConfig();
    const r = await h.rt.create(b.id, b.dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).not.toBe('');
    const st = await h.rt.stateRaw(b.id);
    expect(st.code).not.toBe(0);
    expect(await waitForNoLeftovers(b, h.rt)).toEqual(NO_LEFTOVERS);
  });
});
