// Image push of one tag with the engine's per-layer JSON progress.
import type Docker from 'dockerode';
import type { PullProgress } from '../shared/contract.js';
import { followProgress } from './progress.js';
import type { StreamControl, StreamSink } from './stream-types.js';

/** Splits host:5000/name:tag into name and tag (the last ':' after the last '/'). */
export function splitTag(ref: string): { name: string; tag: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref, tag: 'latest' };
}

export async function openPush(
  docker: Docker,
  p: { image: string; username?: string | undefined; password?: string | undefined },
  sink: StreamSink<PullProgress>,
): Promise<StreamControl> {
  const { name, tag } = splitTag(p.image);
  const slash = name.indexOf('/');
  const registry = slash > 0 && /[.:]|^localhost$/.test(name.slice(0, slash)) ? name.slice(0, slash) : 'docker.io';
  // The engine wants an X-Registry-Auth header even for anonymous pushes (an empty config).
  const authconfig = p.username ? { username: p.username, password: p.password ?? '', serveraddress: registry } : { serveraddress: registry };
  const stream = (await docker.getImage(name).push({ tag, authconfig } as never)) as unknown as NodeJS.ReadableStream & { destroy(): void };
  return followProgress(docker, stream, `push ${name}:${tag}`, sink);
}
