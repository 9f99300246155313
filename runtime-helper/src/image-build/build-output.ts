// The build's JSON message stream as the docker CLI prints it: {"stream": text} lines,
// {"aux": {"ID": ...}} for each stage's image, errors in-band once the 200 went out. With q=1
// only the final image ID (and errors) are written, as dockerd does.
import type { ServerResponse } from 'node:http';
import { ProgressStream } from '../api/progress.js';
import { toHttpError } from '../api/errors.js';

export class BuildOutput {
  private readonly progress: ProgressStream;
  constructor(res: ServerResponse, private readonly quiet: boolean) { this.progress = new ProgressStream(res); }

  start(): void { this.progress.start(); }
  stream(text: string): void { if (!this.quiet) this.progress.send({ stream: text }); }
  /** Text that -q keeps (the image ID at the end). */
  always(text: string): void { this.progress.send({ stream: text }); }
  /** Each stage's image (dockerd sends none with q=1: the ID line at the end is all). */
  aux(id: string): void { if (!this.quiet) this.progress.send({ aux: { ID: id } }); }
  end(): void { this.progress.end(); }

  /** A failed step: dockerd's errorDetail, with the exit code for a failed RUN. */
  fail(err: unknown): void {
    const code = (err as { exitCode?: number }).exitCode;
    if (code === undefined) { this.progress.fail(err); return; }
    const { message } = toHttpError(err);
    this.progress.send({ errorDetail: { code, message }, error: message } as never);
    this.progress.end();
  }
}

/** A RUN whose command failed: dockerd's message, and the code for errorDetail. */
export class RunFailed extends Error {
  constructor(cmd: readonly string[], readonly exitCode: number) {
    super(`The command '${cmd.join(' ')}' returned a non-zero code: ${exitCode}`);
  }
}
