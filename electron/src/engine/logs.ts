// Log stream: lines (with stream and optional timestamp) in batches, following if asked.
import type Docker from 'dockerode';
import { StringDecoder } from 'node:string_decoder';
import type { LogLine } from '../shared/contract.js';
import { FrameDemuxer } from './docker-frames.js';
import { engineError } from './errors.js';
import type { StreamControl, StreamSink } from './stream-types.js';

export async function openLogs(docker: Docker, p: { id: string; follow: boolean; timestamps: boolean; tail: number }, sink: StreamSink<LogLine[]>): Promise<StreamControl> {
  const c = docker.getContainer(p.id);
  const info = await c.inspect();
  // A stopped container's log is streamed too (follow ends at its end), so lines arrive as the
  // engine reads them instead of after the whole body.
  const follow = p.follow || !info.State.Running;
  const opts = { follow, stdout: true, stderr: true, timestamps: p.timestamps, tail: p.tail > 0 ? p.tail : 'all' };
  // dockerode gives a stream when following and the whole body as a Buffer otherwise.
  const body = (await c.logs(opts as never)) as unknown as (NodeJS.ReadableStream & { destroy(): void }) | Buffer;
  const partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  let batch: LogLine[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    if (batch.length) { sink.data(batch); batch = []; }
  };
  const addText = (kind: 'stdout' | 'stderr', text: string) => {
    const parts = (partial[kind] + text).split('\n');
    partial[kind] = parts.pop() ?? '';
    for (const raw of parts) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (p.timestamps) {
        const sp = line.indexOf(' ');
        batch.push({ stream: kind, ts: line.slice(0, sp), text: line.slice(sp + 1) });
      } else batch.push({ stream: kind, text: line });
    }
    if (batch.length >= 5000) flush();
    else if (!timer) timer = setTimeout(flush, 30);
  };
  const demux = new FrameDemuxer((kind, payload) => addText(kind, decoders[kind].write(payload)));
  const tty = Boolean(info.Config.Tty);
  const onChunk = (chunk: Buffer) => (tty ? addText('stdout', decoders.stdout.write(chunk)) : demux.push(chunk));
  const finish = () => {
    for (const k of ['stdout', 'stderr'] as const) if (partial[k]) addText(k, '\n');
    if (timer) clearTimeout(timer);
    flush();
    sink.end();
  };
  if (Buffer.isBuffer(body)) {
    onChunk(body);
    finish();
    return { close: () => {} };
  }
  body.on('data', onChunk);
  body.on('end', finish);
  body.on('error', (err) => sink.end(engineError(`logs of ${p.id.slice(0, 12)}`, err)));
  return { close: () => body.destroy() };
}
