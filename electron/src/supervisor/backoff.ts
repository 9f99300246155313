// Exponential restart backoff: initial * factor^(failures-1), capped; a run that stayed up for
// `stableMs` resets the count.
export interface BackoffPolicy { initialMs: number; factor: number; maxMs: number; stableMs: number }

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, factor: 2, maxMs: 30_000, stableMs: 10_000 };

export function backoffDelay(failures: number, p: BackoffPolicy): number {
  if (failures <= 0) return 0;
  return Math.min(p.maxMs, Math.round(p.initialMs * p.factor ** (failures - 1)));
}
