// Exec routes: create, start (hijacked, or detached), resize, inspect.
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { readJson, parseQuery, queryString } from '../body.js';
import { sendJson, sendNoContent } from '../respond.js';
import { hijack } from '../hijack.js';
import { servicesOf } from './containers-services.js';
import { execCreateSchema } from '../../containers/exec-sessions.js';
import { parseDetachKeys, pump } from '../../containers/stdio-pump.js';

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
  const body = await readJson(ctx.req, startSchema, 'exec start', {});
  const session = execs.get(ctx.params.id!);
  const tty = body.Tty ?? session.config.Tty;
  if (body.Detach) {
    await execs.start(session.id, { tty, consoleSize: body.ConsoleSize ?? null });
    sendNoContent(ctx.res, 200);
    return;
  }
  // Validate before hijacking so errors still go out as JSON.
  await execs.start(session.id, { tty, consoleSize: body.ConsoleSize ?? null });
  const { socket } = hijack(ctx, { multiplexed: !tty });
  const proc = session.process!;
  const unhook = pump(socket, proc, {
    tty, stdin: session.config.AttachStdin, stdout: session.config.AttachStdout, stderr: session.config.AttachStderr,
    detachKeys: parseDetachKeys(session.config.DetachKeys), closeStdinOnEof: true, onDetach: () => socket.end(),
  });
  await proc.exited;
  setTimeout(() => { unhook(); socket.end(); }, 20);
}

function resize(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, z.object({ h: queryString, w: queryString }).passthrough(), 'exec resize');
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
