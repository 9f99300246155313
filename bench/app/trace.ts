// Chromium tracing around one benchmark step (BENCH_TRACE_DIR): the trace JSON goes to a file that
// chrome://tracing or DevTools' Performance panel opens, and `frame-report.ts` summarizes.
import { createWriteStream } from 'node:fs';
import type { CDPSession } from 'playwright-core';

// Main-thread tasks with their thread (CPU) time (toplevel), what ran in them (devtools.timeline:
// timers, WebSocket messages, frame callbacks, style, layout, paint), GC (v8), frames.
const CATEGORIES = ['-*', 'toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'v8', 'blink.user_timing', 'disabled-by-default-devtools.timeline'];

export async function traced<T>(cdp: CDPSession, file: string, step: () => Promise<T>): Promise<T> {
  await cdp.send('Tracing.start', { transferMode: 'ReturnAsStream', traceConfig: { includedCategories: CATEGORIES, enableSampling: false } } as never);
  try {
    return await step();
  } finally {
    const done = new Promise<string>((res) => cdp.once('Tracing.tracingComplete', (e: { stream?: string }) => res(e.stream ?? '')));
    await cdp.send('Tracing.end');
    const handle = await done;
    const out = createWriteStream(file);
    for (;;) {
      const chunk = (await cdp.send('IO.read', { handle, size: 1 << 20 } as never)) as { data: string; eof: boolean; base64Encoded?: boolean };
      out.write(chunk.base64Encoded ? Buffer.from(chunk.data, 'base64') : chunk.data);
      if (chunk.eof) break;
    }
    await cdp.send('IO.close', { handle } as never);
    await new Promise<void>((r) => out.end(r));
  }
}
