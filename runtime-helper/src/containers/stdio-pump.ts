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

/** A process whose output connection honours its clients' backpressure (berth-shim's ShimProcess). */
export interface OutputPacing {
  setAttached(client: object, on: boolean): void;
  setClientFull(client: object, full: boolean): void;
}

export function pacingOf(proc: MonitoredProcess): OutputPacing | undefined {
  return typeof (proc as Partial<OutputPacing>).setAttached === 'function' ? (proc as unknown as OutputPacing) : undefined;
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
  /** A client without stdin fell READ_ONLY_BACKLOG behind: disconnect it (default: destroy the socket). */
  onTooSlow?: () => void;
}

/**
 * A read-only client (no stdin) is never waited for: once this much output is queued on its
 * socket it is disconnected, as berth-shim drops its own read-only clients at 1 MiB. berthd
 * reads one shim connection for all of a container's clients, so holding that connection back
 * for one viewer would make the shim drop berthd (and every client with it); the same rule is
 * applied here per client instead. An interactive (paced) client holds the shim connection back
 * while its socket is above Node's high watermark, and lets it go at 'drain' (empty).
 */
export const READ_ONLY_BACKLOG = 1 << 20;

/** False when the socket's buffer is full (wait for 'drain'). */
export function writeOutput(socket: Duplex, tty: boolean, stream: 'stdout' | 'stderr', data: Buffer): boolean {
  if (socket.destroyed || socket.writableEnded) return true;
  return socket.write(tty ? data : frame(stream === 'stdout' ? 1 : 2, data));
}

/** Wires input and output; returns a function that unhooks the output listener. */
export function pump(socket: Duplex, proc: MonitoredProcess, o: PumpOptions): () => void {
  const pacing = pacingOf(proc);
  const client = {};
  const onDrain = (): void => pacing?.setClientFull(client, false);
  let attached = pacing !== undefined;
  const detach = (): void => {
    if (!attached) return;
    attached = false;
    socket.off('drain', onDrain);
    pacing?.setAttached(client, false);
  };
  if (pacing) { pacing.setAttached(client, true); socket.on('drain', onDrain); socket.once('close', detach); }
  const readOnly = !o.paced;
  // The backlog replayed at the hook (at most 1 MiB, written at once) does not count against it.
  let allowance = READ_ONLY_BACKLOG;
  const onOutput = (stream: 'stdout' | 'stderr', data: Buffer): void => {
    if (!(stream === 'stdout' ? o.stdout : o.stderr) || socket.destroyed) return;
    if (readOnly && socket.writableLength + data.length > allowance) {
      if (o.onTooSlow) o.onTooSlow(); else socket.destroy();
      return;
    }
    if (!writeOutput(socket, o.tty, stream, data) && !readOnly) pacing?.setClientFull(client, true);
  };
  if (o.replay) for (const [, data] of proc.backlog ?? []) allowance += data.length;
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
    // A 'data' listener starts the flow only on a socket nobody paused: reading an exec start's
    // body that came after its headers pauses the socket between reads, and without this every
    // byte of stdin after it was lost.
    socket.resume();
  }
  return () => { proc.off('output', onOutput); detach(); };
}
