// Streamed JSON progress (pull, push, load, import): one JSON object per line, errors in-band
// once the 200 has gone out, the way the docker CLI's jsonmessage reader expects.
import type { ServerResponse } from 'node:http';
import { toHttpError } from './errors.js';
import { sendError } from './respond.js';

export interface ProgressMessage {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  aux?: unknown;
}

export class ProgressStream {
  private started = false;
  constructor(private readonly res: ServerResponse) {}

  /** Sends the 200 now (a stream whose errors must all be in-band, as dockerd's load). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.res.writeHead(200, { 'Content-Type': 'application/json' });
  }

  send(message: ProgressMessage): void {
    this.start();
    this.res.write(`${JSON.stringify(message)}\r\n`);
  }

  /** Before anything was sent the error is a normal HTTP error; after, an in-band error line. */
  fail(err: unknown): void {
    const { status, message } = toHttpError(err);
    if (!this.started) {
      sendError(this.res, status, message);
      return;
    }
    this.res.write(`${JSON.stringify({ errorDetail: { message }, error: message })}\r\n`);
    this.res.end();
  }

  end(): void {
    this.start();
    this.res.end();
  }
}
