// The receiving end of `--console-socket`: listens on a unix socket, takes the pty master the
// runtime sends with SCM_RIGHTS, and lets a test write to it, resize it and read what the
// container prints. Node cannot receive SCM_RIGHTS, so a small python3 bridge holds the master:
// stdin carries JSON commands, stdout carries the raw pty output, stderr carries events.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BRIDGE = String.raw`
import fcntl, json, os, select, socket, struct, sys, termios
path = sys.argv[1]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
sys.stderr.write("listening\n"); sys.stderr.flush()
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 4096, 4)
if not fds:
    sys.stderr.write("error: no fd received\n"); sys.stderr.flush(); sys.exit(2)
master = fds[0]
for extra in fds[1:]:
    os.close(extra)
conn.close()
sys.stderr.write("master " + ("tty" if os.isatty(master) else "not-a-tty") + "\n"); sys.stderr.flush()
out = sys.stdout.buffer
inp = sys.stdin.buffer
buf = b""
stdin_open = True
while True:
    watch = [master] + ([inp] if stdin_open else [])
    r, _, _ = select.select(watch, [], [])
    if master in r:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b""
        if not data:
            break
        out.write(data); out.flush()
    if stdin_open and inp in r:
        line = inp.readline()
        if not line:
            stdin_open = False
            continue
        cmd = json.loads(line)
        if "write" in cmd:
            os.write(master, cmd["write"].encode())
        if "resize" in cmd:
            rows, cols = cmd["resize"]
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            sys.stderr.write("resized\n"); sys.stderr.flush()
sys.stderr.write("eof\n"); sys.stderr.flush()
`;

export class ConsoleSocket {
  readonly path: string;
  private readonly dir: string;
  private readonly child: ChildProcess;
  private out = '';
  private events = '';

  private constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'berth-console-'));
    this.path = join(this.dir, 'console.sock');
    const script = join(this.dir, 'bridge.py');
    writeFileSync(script, BRIDGE);
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    this.child = spawn(python, [script, this.path], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.out += d.toString('utf8')));
    this.child.stderr!.on('data', (d: Buffer) => (this.events += d.toString('utf8')));
  }

  /** Starts the bridge and returns once it listens on `path`. */
  static async listen(): Promise<ConsoleSocket> {
    const c = new ConsoleSocket();
    await c.waitForEvent('listening');
    return c;
  }

  /** Everything the container printed on its terminal so far. */
  get output(): string {
    return this.out;
  }

  /** Resolves when the master arrived (and is a tty: the event is "master tty"). */
  async master(timeoutMs = 10_000): Promise<string> {
    await this.waitForEvent('master', timeoutMs);
    return /master (\S+)/.exec(this.events)?.[1] ?? '';
  }

  write(text: string): void {
    this.child.stdin!.write(`${JSON.stringify({ write: text })}\n`);
  }

  async resize(rows: number, cols: number): Promise<void> {
    const before = this.events.split('resized').length;
    this.child.stdin!.write(`${JSON.stringify({ resize: [rows, cols] })}\n`);
    const until = Date.now() + 5000;
    while (this.events.split('resized').length === before) {
      if (Date.now() > until)
        throw new Error(`console bridge did not confirm resize; events: ${this.events}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits until the terminal output matches. */
  async waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.out);
      if (m) return m;
      if (Date.now() > until)
        throw new Error(
          `terminal output did not match ${pattern} within ${timeoutMs} ms; got ${JSON.stringify(this.out)}; events ${JSON.stringify(this.events)}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async waitForEvent(word: string, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.events.includes(word)) {
      if (this.child.exitCode !== null)
        throw new Error(`console bridge exited ${this.child.exitCode}: ${this.events}`);
      if (Date.now() > until)
        throw new Error(
          `console bridge: no "${word}" within ${timeoutMs} ms; events ${JSON.stringify(this.events)}`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
