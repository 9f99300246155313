// Memory pressure beyond the stats sample: how often the OOM killer struck a container, from the
// engine's own event history (`oom` events since the container was created).
import type Docker from 'dockerode';
import { onJsonLines } from './json-lines.js';

export async function oomEvents(docker: Docker, id: string): Promise<{ count: number; lastAt?: number | undefined }> {
  const info = await docker.getContainer(id).inspect();
  const since = Math.floor(Date.parse(info.Created) / 1000) - 1;
  // `until` in the past makes the engine send its history and close the stream.
  const until = Math.floor(Date.now() / 1000);
  const stream = (await docker.getEvents({ since, until, filters: { container: [info.Id], event: ['oom'] } } as never)) as unknown as NodeJS.ReadableStream;
  let count = 0;
  let lastAt: number | undefined;
  await new Promise<void>((resolve, reject) => {
    onJsonLines(stream, (value) => {
      const e = value as { Action?: string; status?: string; time?: number; timeNano?: number; Actor?: { ID?: string }; id?: string };
      if ((e.Action ?? e.status) !== 'oom' || (e.Actor?.ID ?? e.id) !== info.Id) return;
      count++;
      lastAt = e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000;
    });
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  return { count, lastAt };
}
