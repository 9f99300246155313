// The exec create request (docker exec's options).
import { z } from 'zod';

export const execCreateSchema = z.object({
  AttachStdin: z.boolean().optional().default(false),
  AttachStdout: z.boolean().optional().default(true),
  AttachStderr: z.boolean().optional().default(true),
  DetachKeys: z.string().optional().default(''),
  Tty: z.boolean().optional().default(false),
  ConsoleSize: z.array(z.number().int().min(0)).length(2).nullish(),
  Env: z.array(z.string()).nullish(),
  Cmd: z.array(z.string()).min(1, 'No exec command specified'),
  Privileged: z.boolean().optional().default(false),
  User: z.string().optional().default(''),
  WorkingDir: z.string().optional().default(''),
}).passthrough();

export type ExecConfig = z.infer<typeof execCreateSchema>;
