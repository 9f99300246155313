// The parts of an image config the registry pipelines read: rootfs.diff_ids and the platform.
import { z } from 'zod';
import { RegistryError } from './errors.js';

const configSchema = z.object({
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  rootfs: z.object({
    type: z.string(),
    diff_ids: z.array(z.string().regex(/^sha256:[a-f0-9]{64}$/)),
  }),
});
export type ImageConfigSummary = z.infer<typeof configSchema>;

export function parseImageConfig(bytes: Buffer, what: string): ImageConfigSummary {
  let json: unknown;
  try { json = JSON.parse(bytes.toString('utf8')); } catch { throw new RegistryError('bad-response', `${what}: image config is not valid JSON`); }
  const r = configSchema.safeParse(json);
  if (!r.success) throw new RegistryError('bad-response', `${what}: invalid image config: ${r.error.issues[0]?.path.join('.')} ${r.error.issues[0]?.message}`);
  return r.data;
}
