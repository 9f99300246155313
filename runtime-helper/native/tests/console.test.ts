// --console-socket: the runtime sends a pty master over a unix socket (SCM_RIGHTS); through it
// the container has a working terminal, with the size we set and resizes that arrive later.
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleSocket } from '../../../test-support/console-socket.js';
import { useHarness } from '../../../test-support/container-harness.js';
import { assertOk } from '../../../test-support/runtime-cli.js';

const h = useHarness();
const consoles: ConsoleSocket[] = [];
afterEach(() => {
  for (const c of consoles.splice(0)) c.close();
});

async function listen(): Promise<ConsoleSocket> {
  const c = await ConsoleSocket.listen();
  consoles.push(c);
  return c;
}

// Reports its terminal, waits for a line typed on it, then reports the size again.
const TTY_SCRIPT =
  '[ -t 0 ] && echo "is-a-tty"; echo "tty=$(tty)"; echo "size=$(stty size)"; read line; echo "got=$line"; echo "size=$(stty size)"';

describe('console socket', () => {
  it('create sends a pty master; the container gets a tty of the set size, input and resize work', async () => {
    const con = await listen();
    const b = h.bundle({ args: ['/bin/sh', '-c', TTY_SCRIPT], terminal: true });
    assertOk(await h.rt.create(b.id, b.dir, { consoleSocket: con.path }));
    expect(await con.master()).toBe('tty');
    await con.resize(33, 101);
    assertOk(await h.rt.start(b.id));

    await con.waitForOutput(/size=33 101/);
    expect(con.output).toContain('is-a-tty');
    expect(con.output).toMatch(/tty=\/dev\/(pts\/\d+|console)/);

    await con.resize(40, 120);
    con.write('hello-through-the-pty\r');
    await con.waitForOutput(/got=hello-through-the-pty/);
    await con.waitForOutput(/size=40 120/);
  });

  it('process.consoleSize sets the initial size', async () => {
    const con = await listen();
    const b = h.bundle({
      args: ['/bin/sh', '-c', 'echo "size=$(stty size)"; sleep 1000'],
      terminal: true,
      consoleSize: { height: 27, width: 93 },
    });
    assertOk(await h.rt.create(b.id, b.dir, { consoleSocket: con.path }));
    await con.master();
    assertOk(await h.rt.start(b.id));
    await con.waitForOutput(/size=27 93/);
  });

  it('exec --tty with a console socket gives the exec its own tty', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    const con = await listen();
    const running = h.rt.exec(c.id, ['/bin/sh', '-c', TTY_SCRIPT], { tty: true, consoleSocket: con.path });
    expect(await con.master()).toBe('tty');
    await con.resize(21, 77);
    con.write('\r'); // the size was set after the first stty may have run: ask again below
    await con.waitForOutput(/is-a-tty/);
    await con.waitForOutput(/got=/);
    await con.waitForOutput(/size=21 77/);
    const r = await running;
    expect(r.code, r.stderr).toBe(0);
  });

  it('a terminal without a console socket is refused', async () => {
    const b = h.bundle({ args: ['/bin/true'], terminal: true });
    const r = await h.rt.create(b.id, b.dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).not.toBe('');
  });
});
