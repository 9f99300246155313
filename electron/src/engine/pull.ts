// Image pull with the engine's per-layer JSON progress.
import type Docker from 'dockerode';
import type { PullProgress } from '../shared/contract.js';
import { followProgress } from './progress.js';
import type { StreamControl, StreamSink } from './stream-types.js';

export async function openPull(docker: Docker, p: { image: string }, sink: StreamSink<PullProgress>): Promise<StreamControl> {
  const ref = p.image.includes(':') || p.image.includes('@') ? p.image : `${p.image}:latest`;
  const stream = (await docker.pull(ref)) as NodeJS.ReadableStream & { destroy(): void };
  return followProgress(docker, stream, `pull ${ref}`, sink);
}
