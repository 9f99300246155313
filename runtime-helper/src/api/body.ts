// Request bodies: JSON with a size limit and zod validation; query parameters parsed by zod.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { InvalidParameter, PayloadTooLarge } from './errors.js';

/** Docker's own JSON bodies are small; a container create with a large Env is well under this. */
export const jsonBodyLimit = 4 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = jsonBodyLimit): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new PayloadTooLarge(`request body of ${declared} bytes exceeds the limit of ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new PayloadTooLarge(`request body exceeds the limit of ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
}

/** Reads a JSON body and validates it. An empty body is parsed as `emptyAs` (Docker allows it on several routes). */
export async function readJson<T extends z.ZodType>(req: IncomingMessage, schema: T, what: string, emptyAs: unknown = undefined): Promise<z.infer<T>> {
  const raw = await readBody(req);
  let value: unknown = emptyAs;
  if (raw.length > 0) {
    try { value = JSON.parse(raw.toString('utf8')); } catch (err) {
      throw new InvalidParameter(`${what}: invalid JSON: ${(err as Error).message}`);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidParameter(`${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Query parameters as a plain object (repeated keys become arrays) validated by a schema. */
export function parseQuery<T extends z.ZodType>(query: URLSearchParams, schema: T, what: string): z.infer<T> {
  const obj: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key);
    obj[key] = all.length > 1 ? all : (all[0] ?? '');
  }
  const parsed = schema.safeParse(obj);
  if (!parsed.success) throw new InvalidParameter(`${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Docker's boolean query values: 1/true/True; 0/false/empty are false. */
export const queryBool = z.union([z.string(), z.array(z.string())]).optional().transform((v, ctx) => {
  const s = Array.isArray(v) ? v[v.length - 1] : v;
  if (s === undefined || s === '' || s === '0' || s.toLowerCase() === 'false') return false;
  if (s === '1' || s.toLowerCase() === 'true') return true;
  ctx.addIssue({ code: 'custom', message: `invalid boolean value "${s}"` });
  return z.NEVER;
});

export const queryString = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (Array.isArray(v) ? v[v.length - 1] : v));

export const queryStringList = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
