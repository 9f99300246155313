// The legacy builder's JSON lines (POST /build), as dockerd, berthd and podman send them, turned
// into the app's build messages: output text (steps and " ---> Using cache" among it), the image
// ID (aux, or "Successfully built"), and an error with the engine's words and a RUN's exit code.
import type { BuildMessage } from '../shared/contract.js';

interface EngineBuildLine {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { code?: number; message?: string };
}

/** One engine line to zero or more messages; `state` collects the image ID as it appears. */
export function parseBuildLine(value: unknown, state: { imageId?: string | undefined }): BuildMessage[] {
  if (!value || typeof value !== 'object') return [];
  const e = value as EngineBuildLine;
  if (e.error !== undefined || e.errorDetail) {
    const message = String(e.error ?? e.errorDetail?.message ?? 'the build failed').trim();
    const code = e.errorDetail?.code ?? exitCodeIn(message);
    return [{ kind: 'error', text: message, ...(code !== undefined ? { code } : {}) }];
  }
  if (e.aux && typeof e.aux.ID === 'string') { state.imageId = e.aux.ID; return []; }
  if (typeof e.stream === 'string') {
    const built = /^Successfully built ([0-9a-f]{12,64})\s*$/m.exec(e.stream);
    if (built && !state.imageId) state.imageId = built[1];
    return [{ kind: 'output', text: e.stream }];
  }
  if (typeof e.status === 'string') {
    // A base image being fetched (pull is off, but an engine may still report "Loading" lines).
    return [{ kind: 'output', text: `${e.id ? `${e.id}: ` : ''}${e.status}${e.progress ? ` ${e.progress}` : ''}\n` }];
  }
  return [];
}

/** "returned a non-zero code: 3" (dockerd, berthd) or "exit status 3" (podman). */
function exitCodeIn(message: string): number | undefined {
  const m = /non-zero code: (\d+)|exit status (\d+)/.exec(message);
  return m ? Number(m[1] ?? m[2]) : undefined;
}
