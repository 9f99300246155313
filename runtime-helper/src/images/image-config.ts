// Image configs per the OCI image spec (Docker's superset). The image ID is the sha256 of the
// config bytes exactly as stored, as in Docker, so configs are kept byte for byte.
import { z } from 'zod';
import { isSha256 } from '../util/digest.js';

const containerConfigSchema = z.object({
  User: z.string().optional(),
  ExposedPorts: z.record(z.string(), z.object({})).nullable().optional(),
  Env: z.array(z.string()).nullable().optional(),
  Entrypoint: z.array(z.string()).nullable().optional(),
  Cmd: z.array(z.string()).nullable().optional(),
  Volumes: z.record(z.string(), z.object({})).nullable().optional(),
  WorkingDir: z.string().optional(),
  Labels: z.record(z.string(), z.string()).nullable().optional(),
  StopSignal: z.string().optional(),
  OnBuild: z.array(z.string()).nullable().optional(),
  Healthcheck: z.unknown().optional(),
  ArgsEscaped: z.boolean().optional(),
  Shell: z.array(z.string()).nullable().optional(),
}).passthrough();

export const imageConfigSchema = z.object({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
  created: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  docker_version: z.string().optional(),
  container: z.string().optional(),
  config: containerConfigSchema.nullable().optional(),
  container_config: containerConfigSchema.nullable().optional(),
  rootfs: z.object({
    type: z.literal('layers'),
    diff_ids: z.array(z.string().refine(isSha256, 'not a sha256 digest')),
  }),
  history: z.array(z.object({
    created: z.string().optional(),
    created_by: z.string().optional(),
    author: z.string().optional(),
    comment: z.string().optional(),
    empty_layer: z.boolean().optional(),
  }).passthrough()).optional(),
}).passthrough();

export type ImageConfig = z.infer<typeof imageConfigSchema>;
export type ContainerConfig = z.infer<typeof containerConfigSchema>;

/** Docker caps an image at 128 layers (overlay's lowerdir limits). */
export const maxLayers = 128;

export function parseImageConfig(bytes: Buffer, what: string): ImageConfig {
  let value: unknown;
  try { value = JSON.parse(bytes.toString('utf8')); } catch (err) {
    throw new Error(`${what}: invalid JSON: ${(err as Error).message}`);
  }
  const parsed = imageConfigSchema.safeParse(value);
  if (!parsed.success) throw new Error(`${what}: not an image config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (parsed.data.rootfs.diff_ids.length > maxLayers) throw new Error(`${what}: ${parsed.data.rootfs.diff_ids.length} layers exceed the limit of ${maxLayers}`);
  return parsed.data;
}
