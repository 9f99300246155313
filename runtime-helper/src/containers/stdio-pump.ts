// Connects a hijacked client connection to a monitored process: output to the client (raw with
// a tty, multiplexed frames without), client input to the process's stdin, with Docker's detach
// keys (Ctrl-P Ctrl-Q unless the client names others).
import type { Duplex } from 'node:stream';
import type { MonitoredProcess } from './monitor.js';

export function frame(stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** "ctrl-p,ctrl-q" -> [16, 17]; letters map to their control codes as Docker's term package does. */
export function parseDetachKeys(spec: string): number[] {
  if (!spec) return [16, 17];
  return spec.split(',').map((k) => {
    const m = /^ctrl-(.)$/i.exec(k.trim());
    if (m) {
      const ch = m[1]!.toLowerCase();
      if (ch >= 'a' && ch <= 'z') return ch.charCodeAt(0) - 96;
      return ({ '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, '_': 31 } as Record<string, number>)[ch] ?? ch.charCodeAt(0);
    }
    return k.trim().charCodeAt(0);
  });
}

/** A process whose output can wait for an interactive client (berth-shim's ShimProcess). */
interface OutputPacing {
  setInteractive(client: object, on: boolean): void;
  setClientFull(client: object, full: boolean): void;
}

export interface PumpOptions {
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  detachKeys: number[];
  /** Close the process's stdin when the client closes its side. */
  closeStdinOnEof: boolean;
  onDetach?: () => void;
  /** A client with stdin: the process's output waits while this socket is full (dockerd blocks
   * on an attached writer) rather than berthd buffering it or the shim dropping the session. */
  paced?: boolean;
  /** Replay output the process wrote before this client was hooked in. */
  replay?: boolean;
  /** Bytes of each stream the client already has (from the log replay): dropped before output. */
  skip?: { stdout: number; stderr: number };
}

/** False when the socket's buffer is full (wait for 'drain'). */
export function writeOutput(socket: Duplex, tty: boolean, stream: 'stdout' | 'stderr', data: Buffer): boolean {
  if (socket.destroyed || socket.writableEnded) return true;
  return socket.write(tty ? data : frame(stream === 'stdout' ? 1 : 2, data));
}

/** Wires input and output; returns a function that unhooks the output listener. */
export function pump(socket: Duplex, proc: MonitoredProcess, o: PumpOptions): () => void {
  const skip = o.skip ? { ...o.skip } : undefined;
  const pacing = o.paced && typeof (proc as Partial<OutputPacing>).setClientFull === 'function' ? (proc as unknown as OutputPacing) : undefined;
  const client = {};
  const onDrain = (): void => pacing?.setClientFull(client, false);
  let paced = pacing !== undefined;
  const unpace = (): void => {
    if (!paced) return;
    paced = false;
    socket.off('drain', onDrain);
    pacing?.setInteractive(client, false);
  };
  if (pacing) { pacing.setInteractive(client, true); socket.on('drain', onDrain); socket.once('close', unpace); }
  const onOutput = (stream: 'stdout' | 'stderr', data: Buffer): void => {
    if (skip && skip[stream] > 0) {
      const n = Math.min(skip[stream], data.length);
      skip[stream] -= n;
      data = data.subarray(n);
      if (data.length === 0) return;
    }
    if ((stream === 'stdout' ? o.stdout : o.stderr) && !writeOutput(socket, o.tty, stream, data)) pacing?.setClientFull(client, true);
  };
  if (o.replay) for (const [stream, data] of proc.backlog ?? []) onOutput(stream, data);
  proc.on('output', onOutput);
  if (o.stdin) {
    let matched = 0;
    let detached = false;
    socket.on('data', (chunk: Buffer) => {
      if (detached) return;
      if (!o.tty || o.detachKeys.length === 0) { proc.writeStdin(chunk); return; }
      // Detach keys only mean something on a terminal; hold back a partial match.
      const out: number[] = [];
      for (const b of chunk) {
        if (b === o.detachKeys[matched]) {
          matched++;
          if (matched === o.detachKeys.length) {
            if (out.length) proc.writeStdin(Buffer.from(out));
            detached = true; // a detach leaves the container's stdin open
            o.onDetach?.();
            return;
          }
          continue;
        }
        if (matched) { out.push(...o.detachKeys.slice(0, matched)); matched = 0; }
        out.push(b);
      }
      if (out.length) proc.writeStdin(Buffer.from(out));
    });
    socket.on('end', () => { if (o.closeStdinOnEof && !detached) proc.closeStdin(); });
  }
  return () => { proc.off('output', onOutput); unpace(); };
}
