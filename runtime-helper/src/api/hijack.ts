// Hijacked connections for attach and exec start. A client that sends "Upgrade: tcp" gets
// "101 UPGRADED" and the raw socket both ways (the Go client refuses a 200 there); one that does
// not gets "200 OK" and a raw output stream until the daemon closes it. Without a tty the output
// is multiplexed: an 8-byte header (stream type, three zero bytes, big-endian length) per frame.
import { Duplex } from 'node:stream';
import type { RequestContext } from './context.js';

export const rawStreamType = 'application/vnd.docker.raw-stream';
export const multiplexedStreamType = 'application/vnd.docker.multiplexed-stream';

export enum StreamType { Stdin = 0, Stdout = 1, Stderr = 2 }

export interface HijackedStream {
  /** The raw connection: read stdin from it, write output to it. */
  socket: Duplex;
  /** True when the client upgraded (it can send stdin and half-close). */
  upgraded: boolean;
}

/** Takes over the connection of this request. Call once, before writing anything else. */
export function hijack(ctx: RequestContext, opts: { multiplexed: boolean }): HijackedStream {
  const contentType = opts.multiplexed ? multiplexedStreamType : rawStreamType;
  if (ctx.upgrade) {
    const { socket, head } = ctx.upgrade;
    socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nApi-Version: ${ctx.res.getHeader('Api-Version') ?? ''}\r\n\r\n`);
    // Bytes the client sent right after the headers belong to stdin.
    if (head.length > 0) socket.unshift(head);
    // Keep writing output after the client half-closes its side (docker attach with stdin EOF).
    (socket as Duplex & { allowHalfOpen?: boolean }).allowHalfOpen = true;
    return { socket, upgraded: true };
  }
  // No upgrade: a 200 with an unframed body that ends when the daemon closes the connection.
  const res = ctx.res;
  res.useChunkedEncodingByDefault = false;
  res.shouldKeepAlive = false;
  res.writeHead(200, { 'Content-Type': contentType, Connection: 'close' });
  res.flushHeaders();
  const socket = res.socket as Duplex;
  return { socket: wrapResponse(res, socket), upgraded: false };
}

/** Output goes through the response (so Node's HTTP writer stays consistent); input is the request body. */
function wrapResponse(res: RequestContext['res'], socket: Duplex): Duplex {
  const d = new Duplex({
    write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void) { res.write(chunk, cb); },
    final(cb: (e?: Error | null) => void) { res.end(cb); },
    read() { /* no stdin without an upgrade */ },
  });
  socket.once('close', () => d.push(null));
  return d;
}

/** One multiplexed frame: header + payload. */
export function frame(stream: StreamType, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** A writer that frames each chunk for one stream type (stdout or stderr) onto a socket. */
export function multiplexWriter(socket: Duplex, stream: StreamType): (chunk: Buffer) => boolean {
  return (chunk) => socket.write(frame(stream, chunk));
}
