// Image pull with the engine's per-layer JSON progress.
import type Docker from 'dockerode';
import type { PullProgress } from '../shared/contract.js';
import { engineError } from './errors.js';
import type { StreamControl, StreamSink } from './stream-types.js';

export async function openPull(docker: Docker, p: { image: string }, sink: StreamSink<PullProgress>): Promise<StreamControl> {
  const ref = p.image.includes(':') || p.image.includes('@') ? p.image : `${p.image}:latest`;
  const stream = (await docker.pull(ref)) as NodeJS.ReadableStream & { destroy(): void };
  let failed = false;
  docker.modem.followProgress(
    stream,
    (err) => {
      if (err) sink.end(engineError(`pull ${ref}`, err));
      else if (!failed) sink.end();
    },
    (e: Record<string, any>) => {
      if (e.error) {
        failed = true;
        sink.data({ status: 'error', error: String(e.error) });
        sink.end({ message: `pull ${ref}: ${e.error}`, operation: 'pull' });
        return;
      }
      sink.data({ id: e.id, status: String(e.status ?? ''), current: e.progressDetail?.current, total: e.progressDetail?.total });
    },
  );
  return { close: () => stream.destroy() };
}
