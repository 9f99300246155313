// A hijacked attach on a raw unix socket connection, as the docker CLI makes it (POST with
// "Upgrade: tcp", then the stream both ways), with control over reading: a test can stop reading
// (the kernel's socket buffers fill, then the daemon's) and go on later.
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';

export interface RawAttach {
  socket: Socket;
  /** Output bytes received after the response headers. */
  bytes(): number;
  data(): Buffer;
  /** True once the daemon ended or closed the connection (seen only while reading). */
  closed(): boolean;
  done: Promise<void>;
  /** Stop reading / read again. */
  pause(): void;
  resume(): void;
  writeStdin(data: string | Buffer): void;
  close(): void;
}

export function rawAttach(socketPath: string, id: string, query: string): Promise<RawAttach> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    let received = 0;
    let head = Buffer.alloc(0);
    let upgraded = false;
    let ended = false;
    const done = new Promise<void>((r) => socket.once('close', () => { ended = true; r(); }));
    socket.on('error', (e) => { if (!upgraded) reject(e); });
    socket.on('data', (d: Buffer) => {
      if (upgraded) { chunks.push(d); received += d.length; return; }
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = head.subarray(0, head.indexOf('\r\n')).toString();
      if (!/^HTTP\/1\.1 (101|200)/.test(status)) { reject(new Error(`attach ${id}: ${status}: ${head.subarray(end + 4).toString()}`)); socket.destroy(); return; }
      upgraded = true;
      const rest = head.subarray(end + 4);
      if (rest.length) { chunks.push(rest); received += rest.length; }
      resolve({
        socket,
        bytes: () => received,
        data: () => Buffer.concat(chunks),
        closed: () => ended,
        done,
        pause: () => socket.pause(),
        resume: () => socket.resume(),
        writeStdin: (data) => { socket.write(data); },
        close: () => socket.destroy(),
      });
    });
    socket.write(`POST /containers/${id}/attach?${query} HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n`);
  });
}

/** Docker's multiplexed frames -> the stdout and stderr bytes; a cut last frame is dropped. */
export function demux(buf: Buffer): { stdout: Buffer; stderr: Buffer } {
  const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  let i = 0;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i + 4);
    if (i + 8 + len > buf.length) break;
    (buf[i] === 2 ? out.stderr : out.stdout).push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return { stdout: Buffer.concat(out.stdout), stderr: Buffer.concat(out.stderr) };
}

/** demux, as text. */
export function demuxText(buf: Buffer): { stdout: string; stderr: string } {
  const { stdout, stderr } = demux(buf);
  return { stdout: stdout.toString(), stderr: stderr.toString() };
}

/** The complete lines as numbers; throws on anything that is not 1, 2, 3, ... in order. */
export function checkSequence(text: string, what: string): number {
  const lines = text.split('\n');
  lines.pop(); // the line still being written when the client left
  lines.forEach((l, i) => {
    if (l !== String(i + 1)) throw new Error(`${what}: line ${i + 1} is ${JSON.stringify(l)} (after ${JSON.stringify(lines[i - 1])}): a line was ${Number(l) > i + 1 ? 'lost' : 'repeated or garbled'}`);
  });
  return lines.length;
}

/** A process's resident set now (VmRSS), in bytes. */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}
