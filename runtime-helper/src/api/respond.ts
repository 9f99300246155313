// Small writers for the response shapes Docker's API uses.
import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

export function sendNoContent(res: ServerResponse, status = 204): void {
  res.writeHead(status);
  res.end();
}

/** Docker's error body. If headers already went out (a stream), end the stream instead. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  if (status === 304) {
    res.writeHead(304);
    res.end();
    return;
  }
  sendJson(res, status, { message });
}
