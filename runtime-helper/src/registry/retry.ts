// Bounded retries with exponential backoff for errors marked retryable (5xx, resets, stalls).
import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryable } from './errors.js';

export interface RetryOptions {
  retries: number;
  baseMs: number;
  onRetry?: (attempt: number, err: unknown, delayMs: number) => void;
}

export async function withRetry<T>(what: string, opts: RetryOptions, fn: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRetryable(err) || attempt >= opts.retries) {
        if (attempt > 0 && err instanceof Error && !err.message.includes('attempts')) {
          err.message = `${err.message} (after ${attempt + 1} attempts)`;
        }
        throw err;
      }
      const delay = Math.min(opts.baseMs * 2 ** attempt, 10_000);
      opts.onRetry?.(attempt + 1, err, delay);
      void what;
      await sleep(delay);
    }
  }
}
