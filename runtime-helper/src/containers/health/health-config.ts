// A container's health check (HEALTHCHECK in the image, --health-* on the command line): how the
// two merge, dockerd's checks of the values, and what a probe runs.
import { z } from 'zod';

/** Durations in nanoseconds, as the API carries them. */
export const healthcheckSchema = z.object({
  Test: z.array(z.string()).nullish(),
  Interval: z.number().int().optional(),
  Timeout: z.number().int().optional(),
  StartPeriod: z.number().int().optional(),
  Retries: z.number().int().optional(),
}).passthrough();

export type Healthcheck = z.infer<typeof healthcheckSchema>;

const MS = 1_000_000;
const SECOND = 1000 * MS;

/** dockerd's defaults for the settings left at zero. */
export const HEALTH_DEFAULTS = { interval: 30 * SECOND, timeout: 30 * SECOND, startPeriod: 0, retries: 3 } as const;

/** The container's check over the image's, field by field, as dockerd merges them at create. */
export function mergeHealthcheck(own: Healthcheck | null | undefined, imageConfig: unknown): Healthcheck | null {
  // The image's comes from a file anyone could have written: one of the wrong shape is none.
  const parsed = imageConfig === undefined || imageConfig === null ? null : healthcheckSchema.safeParse(imageConfig);
  const image = parsed?.success ? parsed.data : null;
  if (!own) return image;
  if (!image) return own;
  return {
    ...own,
    Test: own.Test?.length ? own.Test : image.Test ?? null,
    ...(own.Interval ? {} : image.Interval ? { Interval: image.Interval } : {}),
    ...(own.Timeout ? {} : image.Timeout ? { Timeout: image.Timeout } : {}),
    ...(own.StartPeriod ? {} : image.StartPeriod ? { StartPeriod: image.StartPeriod } : {}),
    ...(own.Retries ? {} : image.Retries ? { Retries: image.Retries } : {}),
  };
}

/** dockerd's checks (daemon/container.go), with its messages. */
export function validateHealthcheck(h: Healthcheck | null | undefined): string | undefined {
  if (!h) return undefined;
  for (const key of ['Interval', 'Timeout', 'StartPeriod'] as const) {
    const v = h[key];
    if (v !== undefined && v !== 0 && v < MS) return `${key} in Healthcheck cannot be less than 1ms`;
  }
  if (h.Retries !== undefined && h.Retries < 0) return 'Retries in Healthcheck cannot be negative';
  const kind = h.Test?.[0];
  if (kind !== undefined && !['NONE', 'CMD', 'CMD-SHELL'].includes(kind)) return `unknown healthcheck type '${kind}' (expected NONE, CMD or CMD-SHELL)`;
  return undefined;
}

/** The command a probe runs, or undefined when there is no check ("NONE", or no Test). */
export function probeCommand(h: Healthcheck | null | undefined): string[] | undefined {
  const test = h?.Test;
  if (!test?.length || test[0] === 'NONE') return undefined;
  if (test[0] === 'CMD-SHELL') return ['/bin/sh', '-c', test.slice(1).join(' ')];
  if (test[0] === 'CMD') return test.length > 1 ? test.slice(1) : undefined;
  return undefined;
}

export interface ProbeTiming { interval: number; timeout: number; startPeriod: number; retries: number }

/** The check's timing in milliseconds, defaults filled in. */
export function probeTiming(h: Healthcheck): ProbeTiming {
  return {
    interval: (h.Interval || HEALTH_DEFAULTS.interval) / MS,
    timeout: (h.Timeout || HEALTH_DEFAULTS.timeout) / MS,
    startPeriod: (h.StartPeriod || HEALTH_DEFAULTS.startPeriod) / MS,
    retries: h.Retries || HEALTH_DEFAULTS.retries,
  };
}

/** Go's time.Duration.String() for whole milliseconds and up ("30s", "1m30s", "500ms"), for messages. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}
