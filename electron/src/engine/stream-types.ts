// What a stream implementation gets (a sink) and gives back (controls).
import type { ApiError } from '../shared/protocol.js';

export interface StreamSink<T> {
  data(item: T): void;
  bytes(chunk: Uint8Array): void;
  end(error?: ApiError): void;
}

export interface StreamControl {
  close(): void;
  input?(data: string): void;
  resize?(cols: number, rows: number): void;
  ack?(bytes: number): void;
}
