// The engine's JSON progress stream (pull and push): one item per line, per-layer progress, and
// an error line that ends the operation with the engine's message.
import type Docker from 'dockerode';
import type { PullProgress } from '../shared/contract.js';
import { engineError } from './errors.js';
import type { StreamControl, StreamSink } from './stream-types.js';

export function followProgress(docker: Docker, stream: NodeJS.ReadableStream & { destroy(): void }, operation: string, sink: StreamSink<PullProgress>): StreamControl {
  let failed = false;
  docker.modem.followProgress(
    stream,
    (err) => {
      if (err) sink.end(engineError(operation, err));
      else if (!failed) sink.end();
    },
    (e: { id?: string; status?: string; error?: string; errorDetail?: { message?: string }; progressDetail?: { current?: number; total?: number } }) => {
      if (failed) return;
      if (e.error || e.errorDetail) {
        failed = true;
        const message = String(e.error ?? e.errorDetail?.message);
        sink.data({ status: 'error', error: message });
        sink.end({ message: `${operation}: ${message}`, operation });
        return;
      }
      sink.data({ id: e.id, status: String(e.status ?? ''), current: e.progressDetail?.current, total: e.progressDetail?.total });
    },
  );
  return { close: () => stream.destroy() };
}
