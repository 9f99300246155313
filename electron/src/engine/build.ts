// Image build with the engine's legacy builder (POST /build): the context folder packed here as
// the docker CLI packs it, sent as it is read, and the engine's JSON lines streamed back. Closing
// the stream aborts the request; the engine then stops the build and removes its step container.
import type Docker from 'dockerode';
import type { BuildMessage, BuildSpec } from '../shared/contract.js';
import { checkContext, contextEntries, contextIgnore, contextTar } from './build-context.js';
import { parseBuildLine } from './build-messages.js';
import { engineError } from './errors.js';
import { onJsonLines } from './json-lines.js';
import type { StreamControl, StreamSink } from './stream-types.js';

/** The query of POST /build for a spec (pull stays off: a build never fetches a base image). */
export function buildQuery(spec: BuildSpec, dockerfile: string): Record<string, unknown> {
  return {
    dockerfile,
    ...(spec.tags.length ? { t: spec.tags } : {}),
    ...(Object.keys(spec.buildArgs).length ? { buildargs: spec.buildArgs } : {}),
    ...(spec.target ? { target: spec.target } : {}),
    nocache: spec.noCache,
    pull: false,
    rm: true,
    forcerm: true,
    ...(spec.network && spec.network !== 'default' ? { networkmode: spec.network } : {}),
  };
}

export async function openBuild(docker: Docker, spec: BuildSpec, sink: StreamSink<BuildMessage>): Promise<StreamControl> {
  const check = await checkContext(spec.context, spec.dockerfile);
  if (check.problem) throw Object.assign(new Error(check.problem), { statusCode: 400 });
  const entries = await contextEntries(check.context, await contextIgnore(check.context, check.dockerfile));
  const tar = contextTar(check.context, entries);
  const abort = new AbortController();
  let done = false;
  const finish = (error?: { message: string }) => {
    if (done) return;
    done = true;
    sink.end(error ? { message: error.message, operation: 'build' } : undefined);
  };
  // A file that cannot be read, or the request failing under the tar (engine gone): named either way.
  tar.on('error', (err) => { abort.abort(); finish(engineError('build', err)); });
  sink.data({ kind: 'context', text: `Sending build context: ${entries.length} entries from ${check.context}\n` });
  const response = (await docker.buildImage(tar as never, { ...buildQuery(spec, check.dockerfile), abortSignal: abort.signal } as never)) as unknown as NodeJS.ReadableStream;
  const state: { imageId?: string | undefined } = {};
  let failed = false;
  onJsonLines(response, (value) => {
    for (const m of parseBuildLine(value, state)) {
      if (m.kind === 'error') failed = true;
      sink.data(m);
      if (m.kind === 'error') finish({ message: `build: ${m.text}` });
    }
  });
  response.on('error', (err) => { if (!abort.signal.aborted) finish(engineError('build', err)); });
  response.on('end', () => {
    if (failed || done) return;
    if (!state.imageId) { finish({ message: 'build: the engine ended the build without an image ID' }); return; }
    sink.data({ kind: 'result', text: '', imageId: state.imageId, tags: spec.tags });
    finish();
  });
  return { close: () => { if (!done) { done = true; abort.abort(); tar.destroy(); } } };
}
