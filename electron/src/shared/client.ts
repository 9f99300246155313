// The typed API client. It runs in the renderer (over IPC or WebSocket) and in tests; it only
// needs a Channel, so it carries no Node or DOM dependency.
import type { RequestName, StreamName } from './contract.js';
import { FLOW_ACK_EVERY } from './contract.js';
import type { ApiError, CallParams, CallResult, Channel, ClientMessage, ServerMessage, StreamData, StreamParams } from './protocol.js';

export class ApiCallError extends Error {
  readonly status: number | undefined;
  constructor(err: ApiError) {
    super(err.message);
    this.status = err.status;
  }
}

export interface StreamHandlers<K extends StreamName> {
  onData?: (data: StreamData<K>) => void;
  onBytes?: (data: Uint8Array) => void;
  onEnd?: (error?: ApiCallError) => void;
}

export interface StreamHandle {
  readonly sid: number;
  close(): void;
  input(data: string): void;
  resize(cols: number, rows: number): void;
  /** Report bytes processed by the consumer (flow control). Batched internally. */
  processed(bytes: number): void;
}

export class ApiClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly streams = new Map<number, StreamHandlers<StreamName>>();

  constructor(private readonly channel: Channel<ServerMessage, ClientMessage>) {
    channel.onMessage((msg) => this.receive(msg));
  }

  call<K extends RequestName>(method: K, params: CallParams<K>): Promise<CallResult<K>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.channel.send({ t: 'call', id, method, params });
    });
  }

  open<K extends StreamName>(stream: K, params: StreamParams<K>, handlers: StreamHandlers<K>): StreamHandle {
    const sid = this.nextId++;
    this.streams.set(sid, handlers as StreamHandlers<StreamName>);
    this.channel.send({ t: 'open', sid, stream, params });
    let unacked = 0;
    const channel = this.channel;
    const streams = this.streams;
    return {
      sid,
      close() {
        if (streams.delete(sid)) channel.send({ t: 'close', sid });
      },
      input(data: string) {
        channel.send({ t: 'input', sid, data });
      },
      resize(cols: number, rows: number) {
        channel.send({ t: 'resize', sid, cols, rows });
      },
      processed(bytes: number) {
        unacked += bytes;
        if (unacked >= FLOW_ACK_EVERY) {
          channel.send({ t: 'ack', sid, bytes: unacked });
          unacked = 0;
        }
      },
    };
  }

  /** Fail everything in flight (the transport went away). */
  disconnect(message: string): void {
    for (const [, p] of this.pending) p.reject(new ApiCallError({ message }));
    this.pending.clear();
    for (const [, s] of this.streams) s.onEnd?.(new ApiCallError({ message }));
    this.streams.clear();
  }

  private receive(msg: ServerMessage): void {
    switch (msg.t) {
      case 'result':
      case 'error': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.t === 'result') p.resolve(msg.result);
        else p.reject(new ApiCallError(msg.error));
        return;
      }
      case 'data':
        this.streams.get(msg.sid)?.onData?.(msg.data as never);
        return;
      case 'bytes':
        this.streams.get(msg.sid)?.onBytes?.(msg.data);
        return;
      case 'end': {
        const s = this.streams.get(msg.sid);
        this.streams.delete(msg.sid);
        s?.onEnd?.(msg.error ? new ApiCallError(msg.error) : undefined);
        return;
      }
    }
  }
}
