// zod for RunSpec.advanced: the same checks the run dialog makes (shared/run-advanced-values.ts),
// so a client that skips the dialog gets the same words.
import { z } from 'zod';
import { capability, dnsSearchError, dnsServerError, extraHost, splitExtraHost, ulimit } from '../shared/run-advanced-values.js';

const MS = 1_000_000;
const duration = (what: string) => z.number().int().refine((v) => v === 0 || v >= MS, `${what}: at least 1ms (or 0 for the default)`).optional();
const message = (check: (v: string) => string | undefined) => (v: string, ctx: z.RefinementCtx) => {
  const m = check(v);
  if (m) ctx.addIssue({ code: 'custom', message: m });
};

const healthSchema = z.object({
  command: z.string().optional(),
  disabled: z.boolean().optional(),
  intervalNs: duration('health interval'),
  timeoutNs: duration('health timeout'),
  startPeriodNs: duration('health start period'),
  retries: z.number().int().min(0, 'health retries: cannot be negative').optional(),
}).refine((h) => !(h.disabled && (h.command || h.intervalNs || h.timeoutNs || h.startPeriodNs || h.retries)), 'health check: "none" takes no command or timings');

const cap = z.string().superRefine(message((c) => capability(c).error));

export const runAdvancedSchema = z.object({
  health: healthSchema.optional(),
  dns: z.array(z.string().superRefine(message(dnsServerError))).optional(),
  dnsSearch: z.array(z.string().superRefine(message(dnsSearchError))).optional(),
  extraHosts: z.array(z.string().superRefine(message((e) => { const { name, ip } = splitExtraHost(e); const r = extraHost(name, ip); return r.nameError ?? r.ipError; }))).optional(),
  ulimits: z.array(z.object({ name: z.string(), soft: z.number().int(), hard: z.number().int() })
    .superRefine((u, ctx) => { const e = ulimit(u.name, String(u.soft), String(u.hard)).error; if (e) ctx.addIssue({ code: 'custom', message: e }); })).optional(),
  // Keys checked on the whole record: zod 4 words a bad key only as "Invalid key in record".
  labels: z.record(z.string(), z.string()).superRefine((labels, ctx) => {
    for (const key of Object.keys(labels)) {
      if (!key) ctx.addIssue({ code: 'custom', message: 'label: a key is empty' });
      else if (key.includes('=')) ctx.addIssue({ code: 'custom', message: `label '${key}': a key has no =` });
    }
  }).optional(),
  init: z.boolean().optional(),
  readOnly: z.boolean().optional(),
  privileged: z.boolean().optional(),
  capAdd: z.array(cap).optional(),
  capDrop: z.array(cap).optional(),
});
