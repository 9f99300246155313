// Exec routes: create, start (hijacked, or detached), resize, inspect.
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { readJson, parseQuery, queryString } from '../body.js';
import { sendJson, sendNoContent } from '../respond.js';
import { hijack } from '../hijack.js';
import { servicesOf } from './containers-services.js';
import { execCreateSchema } from '../../containers/exec-sessions.js';
import { parseDetachKeys, pump } from '../../containers/stdio-pump.js';

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const execResizeQuery = z.object({ h: queryString, w: queryString }).passthrough();

async function create(ctx: RequestContext): Promise<void> {
  const body = await readJson(ctx.req, execCreateSchema, 'exec create');
  sendJson(ctx.res, 201, { Id: servicesOf(ctx).execs.create(ctx.params.id!, body) });
}

const startSchema = z.object({
  Detach: z.boolean().optional().default(false),
  Tty: z.boolean().optional(),
  ConsoleSize: z.array(z.number().int().min(0)).length(2).nullish(),
}).passthrough();

async function start(ctx: RequestContext): Promise<void> {
  const { execs } = servicesOf(ctx);
  const body = ctx.upgrade ? parseStartBody(await readUpgradeBody(ctx)) : await readJson(ctx.req, startSchema, 'exec start', {});
  const session = execs.get(ctx.params.id!);
  const tty = body.Tty ?? session.config.Tty;
  if (body.Detach) {
    await execs.start(session.id, { tty, consoleSize: body.ConsoleSize ?? null, detach: true });
    sendNoContent(ctx.res, 200);
    return;
  }
  // Validate before hijacking so errors still go out as JSON.
  await execs.start(session.id, { tty, consoleSize: body.ConsoleSize ?? null });
  const { socket } = hijack(ctx, { multiplexed: !tty });
  const proc = session.process!;
  const unhook = pump(socket, proc, {
    replay: true,
    tty, stdin: session.config.AttachStdin, stdout: session.config.AttachStdout, stderr: session.config.AttachStderr,
    detachKeys: parseDetachKeys(session.config.DetachKeys), closeStdinOnEof: !tty, onDetach: () => socket.end(),
    // The exec's shim waits for its client (it stops reading the process above 256 KiB queued):
    // a client that cannot keep up holds back our reading, not our memory.
    paced: true,
  });
  await proc.exited;
  setImmediate(() => { unhook(); socket.end(); });
}

/** On an upgraded connection the body arrives with the raw socket: take Content-Length bytes. */
async function readUpgradeBody(ctx: RequestContext): Promise<Buffer> {
  const up = ctx.upgrade!;
  const want = Number(ctx.req.headers['content-length'] ?? 0);
  if (!Number.isFinite(want) || want <= 0) return Buffer.alloc(0);
  if (want > 1 << 20) throw Object.assign(new Error('exec start: request body too large'), { status: 413 });
  let buf = up.head;
  while (buf.length < want) {
    const chunk = await new Promise<Buffer | null>((resolve) => {
      const onData = (d: Buffer): void => { cleanup(); resolve(d); };
      const onEnd = (): void => { cleanup(); resolve(null); };
      const cleanup = (): void => { up.socket.off('data', onData); up.socket.off('end', onEnd); up.socket.pause(); };
      up.socket.on('data', onData);
      up.socket.on('end', onEnd);
      up.socket.resume();
    });
    if (!chunk) break;
    buf = Buffer.concat([buf, chunk]);
  }
  up.head = buf.subarray(want);
  return buf.subarray(0, want);
}

function parseStartBody(raw: Buffer): z.infer<typeof startSchema> {
  let value: unknown = {};
  if (raw.length) {
    try { value = JSON.parse(raw.toString('utf8')); } catch (e) { throw Object.assign(new Error(`exec start: invalid JSON: ${(e as Error).message}`), { status: 400 }); }
  }
  const parsed = startSchema.safeParse(value);
  if (!parsed.success) throw Object.assign(new Error(`exec start: ${parsed.error.issues.map((i) => i.message).join('; ')}`), { status: 400 });
  return parsed.data;
}

function resize(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, execResizeQuery, 'exec resize');
  const h = Number(q.h); const w = Number(q.w);
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0 || h > 65535 || w > 65535) throw Object.assign(new Error('exec resize: h and w must be integers between 0 and 65535'), { status: 400 });
  servicesOf(ctx).execs.resize(ctx.params.id!, h, w);
  sendNoContent(ctx.res, 200);
}

function inspect(ctx: RequestContext): void {
  sendJson(ctx.res, 200, servicesOf(ctx).execs.inspect(ctx.params.id!));
}

export const execRoutes: Route[] = [
  { method: 'POST', path: '/containers/{id}/exec', handler: create },
  { method: 'POST', path: '/exec/{id}/start', handler: start },
  { method: 'POST', path: '/exec/{id}/resize', handler: resize },
  { method: 'GET', path: '/exec/{id}/json', handler: inspect },
];
