// Container I/O routes: logs, attach (hijacked), stats and top.
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { parseQuery, queryBool, queryString } from '../body.js';
import { sendJson } from '../respond.js';
import { NotImplemented } from '../errors.js';
import { hijack } from '../hijack.js';
import { servicesOf } from './containers-services.js';
import { readLogs, parseTailParam, parseTimeParam } from '../../containers/logs-reader.js';
import { parseDetachKeys, pump, READ_ONLY_BACKLOG } from '../../containers/stdio-pump.js';
import type { MonitoredProcess } from '../../containers/monitor.js';
import { createCgroupDriver, dockerStatsBody, type StatsSample } from '../../cgroups/index.js';
import { logWriter, replayLog, replayLogThenLive } from '../../containers/attach-logs.js';

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const containerLogsQuery = z.object({ follow: queryBool, stdout: queryBool, stderr: queryBool, since: queryString, until: queryString, timestamps: queryBool, tail: queryString, details: queryBool }).passthrough();
const containerAttachQuery = z.object({ stream: queryBool, logs: queryBool, stdin: queryBool, stdout: queryBool, stderr: queryBool, detachKeys: queryString }).passthrough();
const containerStatsQuery = z.object({ stream: queryString, 'one-shot': queryBool }).passthrough();
const containerTopQuery = z.object({ ps_args: queryString }).passthrough();

const badRequest = (message: string): Error => Object.assign(new Error(message), { status: 400 });

/** Docker prints log timestamps with all nine fraction digits (RFC3339NanoFixed). */
function fixedNano(time: string): string {
  return time.replace(/(T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/, (_m, hms: string, frac: string | undefined) => `${hms}.${(frac ?? '').padEnd(9, '0')}Z`);
}

async function logs(ctx: RequestContext): Promise<void> {
  const { manager } = servicesOf(ctx);
  const q = parseQuery(ctx.query, containerLogsQuery, 'container logs');
  const c = manager.get(ctx.params.id!);
  if (!q.stdout && !q.stderr) throw badRequest('Bad parameters: you must choose at least one stream');
  if (c.record.HostConfig.LogConfig?.Type === 'none') throw new NotImplemented('configured logging driver does not support reading');
  let since = 0n; let until = 0n;
  try { since = parseTimeParam(q.since); until = parseTimeParam(q.until); } catch (e) { throw badRequest((e as Error).message); }
  const tail = parseTailParam(q.tail);
  const tty = c.record.Config.Tty;
  const res = ctx.res;
  res.writeHead(200, { 'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
  res.flushHeaders();
  let closed = false;
  res.on('close', () => { closed = true; });
  const out = logWriter(res, { tty, stdout: true, stderr: true });
  await readLogs(c.record.LogPath, { stdout: q.stdout, stderr: q.stderr, since, until, tail, follow: q.follow },
    (e) => {
      // --details: the entry's log attributes (berthd has no log-opts, so none), then a space.
      const line = q.details ? ` ${e.log}` : e.log;
      out.push(e.stream, q.timestamps ? `${fixedNano(e.time)} ${line}` : line);
    },
    () => manager.containers.get(c.record.Id)?.record.State.Running === true || manager.containers.get(c.record.Id)?.record.State.Restarting === true,
    () => closed, { pace: out.pace });
  out.flush();
  res.end();
}

async function attach(ctx: RequestContext): Promise<void> {
  const { manager } = servicesOf(ctx);
  const q = parseQuery(ctx.query, containerAttachQuery, 'container attach');
  const c = manager.get(ctx.params.id!);
  const r = c.record;
  let detachKeys: number[];
  try { detachKeys = parseDetachKeys(q.detachKeys ?? ''); } catch { throw badRequest(`invalid detach keys: ${q.detachKeys}`); }
  const { socket, upgraded } = hijack(ctx, { multiplexed: !r.Config.Tty });
  let finished = false;
  const replay = {
    tty: r.Config.Tty, stdout: q.stdout, stderr: q.stderr,
    cancelled: () => finished || socket.destroyed,
    warn: (message: string) => ctx.daemon.log.warn({ container: r.Id }, message),
  };
  if (!q.stream) {
    if (q.logs) await replayLog(socket, r.LogPath, replay);
    socket.end();
    return;
  }
  // Attached before the start (`docker run`, `docker start -a`): the client the container runs
  // for, whose output is its result (`docker run img cmd > file`): waited for like one with stdin,
  // as dockerd waits for every attached writer, never cut off as a slow viewer would be.
  const foreground = !(c.process && r.State.Running);
  let unhook: (() => void) | undefined;
  let replaying = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    unhook?.();
    manager.started.off('started', onStarted);
    manager.started.off('removed', onRemoved);
    socket.end();
  };
  const hook = (proc: MonitoredProcess, replayBacklog: boolean): void => {
    unhook?.();
    unhook = pump(socket, proc, {
      replay: replayBacklog,
      onTooSlow: () => {
        ctx.daemon.log.warn({ container: r.Id }, `attach: a read-only client fell ${READ_ONLY_BACKLOG} bytes behind the output; disconnecting it (the container does not wait for it)`);
        socket.destroy();
        // Without an upgrade `socket` wraps the response: the connection itself holds the rest.
        if (!upgraded) ctx.res.socket?.destroy();
      },
      tty: r.Config.Tty, stdin: q.stdin && r.Config.OpenStdin, stdout: q.stdout, stderr: q.stderr, detachKeys,
      paced: (q.stdin && r.Config.OpenStdin) || foreground,
      closeStdinOnEof: r.Config.StdinOnce && !r.Config.Tty, onDetach: () => { manager.emit(r, 'detach'); finish(); },
    });
    void proc.exited.then(() => setImmediate(finish));
  };
  // A start during the log replay is hooked once the replay is done.
  let startedDuringReplay: MonitoredProcess | undefined;
  const onStarted = (id: string, proc: MonitoredProcess): void => {
    if (id !== r.Id || finished) return;
    if (replaying) startedDuringReplay = proc; else hook(proc, true);
  };
  const onRemoved = (id: string): void => { if (id === r.Id) finish(); };
  manager.started.on('started', onStarted);
  manager.started.on('removed', onRemoved);
  socket.on('close', finish);
  socket.on('error', finish);
  // Without stdin, drain what the client sends so its half-close is seen and nothing backs up.
  if (!(q.stdin && r.Config.OpenStdin)) socket.on('data', () => {});
  manager.emit(r, 'attach');
  const live = c.process && r.State.Running ? c.process : undefined;
  if (q.logs) {
    replaying = true;
    try {
      if (live) await replayLogThenLive(socket, r.LogPath, live, replay, () => { if (!finished) hook(live, false); });
      else await replayLog(socket, r.LogPath, replay);
    } finally { replaying = false; }
    if (finished) return;
    if (startedDuringReplay) { hook(startedDuringReplay, true); return; }
    if (live) return;
  } else if (live) { hook(live, false); return; }
  // A stopped container's attach waits for its next start, as dockerd's (`docker start -a` attaches
  // before it starts, on an exited container too).
  if (r.State.Status === 'dead' || r.State.Status === 'removing') finish();
}

const cgroups = createCgroupDriver();

async function stats(ctx: RequestContext): Promise<void> {
  const { manager } = servicesOf(ctx);
  const q = parseQuery(ctx.query, containerStatsQuery, 'container stats');
  const c = manager.get(ctx.params.id!);
  const stream = q.stream === undefined || q.stream === '' || q.stream === '1' || q.stream.toLowerCase() === 'true';
  const who = { id: c.record.Id, name: c.record.Name };
  const paths = cgroups.pathsFor(manager.cgroupsPath(c.record.Id));
  const sample = async (): Promise<StatsSample | null> => {
    if (!c.record.State.Running) return null;
    try { return { at: new Date(), stats: await cgroups.stats(paths) }; } catch { return null; }
  };
  // A stopped container answers with zeroes, as dockerd does.
  const zero = (): Record<string, unknown> => ({ ...who, read: '0001-01-01T00:00:00Z', preread: '0001-01-01T00:00:00Z', pids_stats: {}, blkio_stats: {}, num_procs: 0, storage_stats: {}, cpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} }, precpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} }, memory_stats: {} });
  const body = (cur: StatsSample | null, prev: StatsSample | null): unknown => (cur ? dockerStatsBody(who, cur, prev) : zero());
  if (!stream) {
    let prev: StatsSample | null = null;
    if (!q['one-shot']) { prev = await sample(); await sleep(1000); }
    sendJson(ctx.res, 200, body(await sample(), prev));
    return;
  }
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  let closed = false;
  ctx.res.on('close', () => { closed = true; });
  let prev: StatsSample | null = null;
  while (!closed) {
    const cur = await sample();
    ctx.res.write(JSON.stringify(body(cur, prev)) + '\n');
    prev = cur;
    if (!manager.containers.has(c.record.Id)) break;
    await sleep(1000);
  }
  ctx.res.end();
}

async function top(ctx: RequestContext): Promise<void> {
  const { manager } = servicesOf(ctx);
  const q = parseQuery(ctx.query, containerTopQuery, 'container top');
  const c = manager.get(ctx.params.id!);
  const r = c.record;
  if (!r.State.Running) throw Object.assign(new Error(`Container ${r.Id} is not running`), { status: 409 });
  const pids = new Set(await manager.runtime(r.Runtime).ps(r.Id));
  const args = (q.ps_args || '-ef').split(/\s+/).filter(Boolean);
  if (args.some((a) => !/^[-a-zA-Z0-9,=_:%]+$/.test(a))) throw badRequest(`invalid ps arguments: ${q.ps_args}`);
  const out = await new Promise<string>((resolve, reject) => execFile('ps', args, { maxBuffer: 8 << 20 }, (err, stdout, stderr) => err ? reject(badRequest(`ps: ${stderr.trim().split('\n')[0] || err.message}`)) : resolve(stdout)));
  const lines = out.trimEnd().split('\n');
  const titles = lines[0]!.trim().split(/\s+/);
  const pidCol = titles.indexOf('PID');
  if (pidCol < 0) throw badRequest(`Couldn't find PID field in ps output`);
  const processes = lines.slice(1).map((l) => {
    const f = l.trim().split(/\s+/);
    return [...f.slice(0, titles.length - 1), f.slice(titles.length - 1).join(' ')];
  }).filter((f) => pids.has(Number(f[pidCol])));
  sendJson(ctx.res, 200, { Titles: titles, Processes: processes });
}

export const containerIoRoutes: Route[] = [
  { method: 'GET', path: '/containers/{id}/logs', handler: logs },
  { method: 'POST', path: '/containers/{id}/attach', handler: attach },
  { method: 'GET', path: '/containers/{id}/stats', handler: stats },
  { method: 'GET', path: '/containers/{id}/top', handler: top },
];
