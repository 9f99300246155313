// Wire messages of the API, the same on both transports. Terminal output travels as `bytes`
// (a binary frame on the WebSocket: 4-byte big-endian stream id + payload).
import type { RequestName, Requests, StreamName, Streams } from './contract.js';

export type ClientMessage =
  | { t: 'call'; id: number; method: RequestName; params: unknown }
  | { t: 'open'; sid: number; stream: StreamName; params: unknown }
  | { t: 'close'; sid: number }
  | { t: 'input'; sid: number; data: string }
  | { t: 'resize'; sid: number; cols: number; rows: number }
  | { t: 'ack'; sid: number; bytes: number };

export interface ApiError { message: string; status?: number | undefined; operation?: string | undefined }

export type ServerMessage =
  | { t: 'result'; id: number; result: unknown }
  | { t: 'error'; id: number; error: ApiError }
  | { t: 'data'; sid: number; data: unknown }
  | { t: 'bytes'; sid: number; data: Uint8Array }
  | { t: 'end'; sid: number; error?: ApiError | undefined };

/** A bidirectional message pipe: what IPC and the WebSocket both reduce to. */
export interface Channel<In, Out> {
  send(msg: Out): void;
  onMessage(cb: (msg: In) => void): () => void;
}

export type CallResult<K extends RequestName> = Requests[K]['result'];
export type CallParams<K extends RequestName> = Requests[K]['params'];
export type StreamParams<K extends StreamName> = Streams[K]['params'];
export type StreamData<K extends StreamName> = Streams[K]['data'];

export function encodeBytesFrame(sid: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + data.byteLength);
  new DataView(out.buffer).setUint32(0, sid);
  out.set(data, 4);
  return out;
}

export function decodeBytesFrame(frame: Uint8Array): { sid: number; data: Uint8Array } {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  return { sid: view.getUint32(0), data: frame.subarray(4) };
}
