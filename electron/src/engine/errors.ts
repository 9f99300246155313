// Engine errors carry the operation and the object, and the engine's own status and message.
import type { ApiError } from '../shared/protocol.js';

export function engineError(operation: string, err: unknown): ApiError {
  const e = err as { statusCode?: number; json?: { message?: string }; message?: string; code?: string };
  let detail = e?.json?.message ?? e?.message ?? String(err);
  if (e?.code === 'ENOENT' || e?.code === 'ECONNREFUSED') detail = `engine not reachable (${e.code}): start it or pick another engine in Settings`;
  detail = detail.replace(/^\(HTTP code \d+\)\s*[a-z ]*-\s*/i, '');
  return { message: `${operation}: ${detail}`, status: e?.statusCode, operation };
}
